"""Check one file on disk in its context: extract facts once, then evaluate the catalog's rules."""

from __future__ import annotations

from pathlib import Path

from rules.binding import Binding, bind_file
from rules.catalog import Catalog
from rules.context import CheckContext
from rules.evaluation import DocumentVerdict, evaluate_document
from rules.facts import FileFacts
from worker.extract import ExtractLimits, extract_facts


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
) -> tuple[DocumentVerdict, str]:
    """The verdict and sniffed MIME type of one file; shared by the worker and `absah verify`."""
    facts = extract_facts(
        path, name=name, size=size, sha256=sha256, declared_mime=declared_mime, limits=limits
    )
    return evaluate_facts(facts, catalog=catalog, ctx=ctx, declared_kind=declared_kind), facts.mime


def evaluate_facts(
    facts: FileFacts, *, catalog: Catalog, ctx: CheckContext, declared_kind: str | None
) -> DocumentVerdict:
    """The verdict over facts already extracted (now, or stored by an earlier check)."""
    name = facts.name
    # Only the name's kind code is taken here: a kind that does not fit is a finding of the
    # evaluation (evidence-kind), not a refusal as at intake.
    bound = bind_file(catalog, ctx.naming, criterion=ctx.criterion_id, kind=None, name=name)
    kind_code = bound.kind_code if isinstance(bound, Binding) else None
    return evaluate_document(catalog, facts, ctx, declared_kind, kind_code)
