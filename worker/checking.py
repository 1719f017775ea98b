"""Check one file on disk in its context: extract facts once, then evaluate the catalog's rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rules.binding import Binding, bind_file
from rules.catalog import Catalog
from rules.context import CheckContext
from rules.evaluation import DocumentVerdict, evaluate_document
from rules.facts import FileFacts
from rules.similar import PhotoMatch
from worker.extract import ExtractLimits, extract_facts
from worker.scans import ScanStep


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
    similar: Callable[[FileFacts], Sequence[PhotoMatch]] | None = None,
) -> tuple[DocumentVerdict, str]:
    """The verdict and sniffed MIME type of one file; shared by the worker and `absah verify`.

    `scan` sees the facts first: it OCRs pages without text, or defers them to the OCR queue.
    `similar` finds the photos that look like this one (the worker asks the database, `absah
    verify` the other files of the folder); it is called for photos with a pHash only.
    """
    facts = extract_facts(
        path, name=name, size=size, sha256=sha256, declared_mime=declared_mime, limits=limits
    )
    if scan is not None:
        facts = scan(path, facts)
    if similar is not None and facts.image is not None and facts.image.phash is not None:
        ctx = ctx.model_copy(update={"photo_matches": tuple(similar(facts))})
    # Only the name's kind code is taken here: a kind that does not fit is a finding of the
    # evaluation (evidence-kind), not a refusal as at intake.
    bound = bind_file(catalog, ctx.naming, criterion=ctx.criterion_id, kind=None, name=name)
    kind_code = bound.kind_code if isinstance(bound, Binding) else None
    return evaluate_document(catalog, facts, ctx, declared_kind, kind_code), facts.mime
