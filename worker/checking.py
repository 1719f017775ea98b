"""Check one file on disk in its context: extract facts once, then evaluate the catalog's rules."""

from __future__ import annotations

from pathlib import Path

from rules.catalog import Catalog
from rules.context import CheckContext
from rules.evaluation import DocumentVerdict, evaluate_document
from rules.naming import ParsedName, parse_name
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
    parsed = parse_name(name)
    kind_code = parsed.kind_code if isinstance(parsed, ParsedName) else None
    return evaluate_document(catalog, facts, ctx, declared_kind, kind_code), facts.mime
