"""Check one file on disk in its context: extract facts once, then evaluate the catalog's rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rules.binding import Binding, bind_file
from rules.catalog import Catalog
from rules.context import CheckContext
from rules.evaluation import DocumentVerdict, evaluate_document
from rules.facts import FileFacts
from rules.similar import FileMatch, PhotoMatch
from worker.extract import extract_facts
from worker.limits import ExtractLimits
from worker.scans import ScanStep

# finds the photos that look like one (a pHash given)
Similar = Callable[[FileFacts], Sequence[PhotoMatch]]
# finds other units' copies of a PDF's text in other bytes
Copies = Callable[[FileFacts], Sequence[FileMatch]]


def with_matches(
    ctx: CheckContext, facts: FileFacts, similar: Similar | None, copies: Copies | None = None
) -> CheckContext:
    """The context with the photos that look like this one (photos with a pHash only) and,
    after the copies of its very bytes, those of its text (PDFs, where copies were looked up)."""
    update: dict[str, object] = {}
    if similar is not None and facts.image is not None and facts.image.phash is not None:
        update["photo_matches"] = tuple(similar(facts))
    if copies is not None and ctx.file_matches is not None and facts.pdf is not None:
        known = {m.document_id for m in ctx.file_matches}
        found = tuple(m for m in copies(facts) if m.document_id not in known)
        if found:
            update["file_matches"] = ctx.file_matches + found
    return ctx.model_copy(update=update) if update else ctx


def check_path(
    path: Path,
    *,
    name: str,
    size: int,
    sha256: str,
    declared_mime: str | None,
    catalog: Catalog,
    ctx: CheckContext,
    declared_kind: str | None,
    limits: ExtractLimits,
    scan: ScanStep | None = None,
    similar: Similar | None = None,
) -> tuple[DocumentVerdict, str]:
    """The verdict and sniffed MIME type of one file (`absah verify`; the worker runs the same
    steps and keeps the facts between them).

    `similar` finds the photos that look like this one (the worker asks the database, `absah
    verify` the other files of the folder).
    """
    facts = extract_facts(
        path,
        name=name,
        size=size,
        sha256=sha256,
        declared_mime=declared_mime,
        limits=limits,
        scan=scan,
    )
    ctx = with_matches(ctx, facts, similar)
    return evaluate_facts(facts, catalog=catalog, ctx=ctx, declared_kind=declared_kind), facts.mime


def evaluate_facts(
    facts: FileFacts, *, catalog: Catalog, ctx: CheckContext, declared_kind: str | None
) -> DocumentVerdict:
    """The verdict over facts already extracted (now, or stored by an earlier check)."""
    # Only the name's kind code is taken here: a kind that does not fit is a finding of the
    # evaluation (evidence-kind), not a refusal as at intake.
    bound = bind_file(catalog, ctx.naming, criterion=ctx.criterion_id, kind=None, name=facts.name)
    kind_code = bound.kind_code if isinstance(bound, Binding) else None
    return evaluate_document(catalog, facts, ctx, declared_kind, kind_code)
