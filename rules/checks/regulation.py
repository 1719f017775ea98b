"""Regional legal products (Perda, Perbup/Perwali, Keputusan): title, NOMOR, TENTANG, body."""

from __future__ import annotations

import re

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.text import SearchText, prepare

# A Peraturan is divided into BAB/Pasal, a Keputusan into diktum KESATU/PERTAMA (DOMAIN.md §5).
# Whole words: as substrings they hide in "sebab", "kesatuan".
_PERATURAN_BODY = re.compile(r"\bbab\b|\bpasal\b")
_KEPUTUSAN_BODY = re.compile(r"\bkesatu\b|\bpertama\b")


class RegulationParams(Params):
    titles: list[str] = Field(
        default_factory=lambda: [
            "PERATURAN DAERAH",
            "PERATURAN BUPATI",
            "PERATURAN WALI KOTA",
            "PERATURAN WALIKOTA",
            "KEPUTUSAN BUPATI",
            "KEPUTUSAN WALI KOTA",
            "PERATURAN GUBERNUR",
        ],
        min_length=1,
    )
    # The title heads the first page; found only further on, the file may merely cite one.
    title_within: int = Field(default=1500, ge=0)  # characters; 0 = anywhere


def regulation_structure(
    facts: FileFacts, ctx: CheckContext, params: RegulationParams
) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "regulation-no-text")
    text = prepare(facts.text)
    titles = [t for t in params.titles if text.contains(t)]
    missing = [] if titles else [" / ".join(params.titles)]
    missing += [label for label in ("NOMOR", "TENTANG") if not text.contains(label)]
    body = _body_found(text, titles)
    if body is not None:
        missing.append(body)
    if missing:
        return result(Outcome.FAIL, "regulation-markers-missing", missing=missing)
    head = prepare(text.spaced[: params.title_within]) if params.title_within else text
    if not any(head.contains(t) for t in titles):
        return result(
            Outcome.WARN,
            "regulation-title-not-at-start",
            needs_review=True,
            title=titles[0].upper(),
            within=params.title_within,
        )
    return result(Outcome.PASS, "regulation-ok", title=titles[0].upper())


def _body_found(text: SearchText, titles: list[str]) -> str | None:
    """None when the body fits a title found; else the label of what is missing."""
    keputusan = any(t.lower().startswith("keputusan") for t in titles)
    peraturan = any(not t.lower().startswith("keputusan") for t in titles)
    if peraturan and _PERATURAN_BODY.search(text.spaced):
        return None
    if keputusan and _KEPUTUSAN_BODY.search(text.spaced):
        return None
    if keputusan and not peraturan:
        return "KESATU/PERTAMA"
    return "BAB/Pasal" if peraturan else "BAB/Pasal atau KESATU"


REGULATION_STRUCTURE = CheckSpec(
    id="regulation-structure",
    codes=(
        "regulation-ok",
        "regulation-markers-missing",
        "regulation-title-not-at-start",
        "regulation-no-text",
    ),
    params=RegulationParams,
    check=regulation_structure,
    summary="a regional legal product: title, NOMOR, TENTANG, and BAB/Pasal "
    "(or diktum for a Keputusan)",
)
