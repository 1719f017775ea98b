"""Decree (SK) structure and date, per DOMAIN.md §5: hard markers, soft score, date in window."""

from __future__ import annotations

import re
from datetime import date

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.fuzzy import allowed_edits, find_approx
from rules.months import MONTH_NUMBERS
from rules.text import SearchText, prepare

# OCR writes "15.Maret 2024", "15 -Maret-2024", "l5 Marct 2024": separators and a misread
# letter of the month are tolerated; the month is matched to the nearest month name.
_SEP = r"[\s.,\-/]*"
_DATE_SPACED = re.compile(
    rf"pada\s*tanggal\s*:?{_SEP}(\d{{1,2}}){_SEP}([a-z]{{3,10}}){_SEP}(\d{{4}})"
)

# label shown to the uploader -> phrases any of which proves the marker
HARD_MARKERS: dict[str, tuple[str, ...]] = {
    "KEPUTUSAN": ("keputusan",),
    "NOMOR": ("nomor",),
    "TENTANG": ("tentang",),
    "Menimbang": ("menimbang",),
    "Mengingat": ("mengingat",),
    "MEMUTUSKAN": ("memutuskan",),
    "Menetapkan": ("menetapkan",),
    "KESATU/PERTAMA": ("kesatu", "pertama"),
    "Ditetapkan di": ("ditetapkan di",),
}
SOFT_MARKERS: dict[str, tuple[str, ...]] = {
    "DENGAN RAHMAT TUHAN YANG MAHA ESA": ("dengan rahmat tuhan yang maha esa",),
    "Undang-Undang Nomor": ("undang-undang nomor", "undang undang nomor"),
    "mulai berlaku": ("mulai berlaku",),
    "LAMPIRAN": ("lampiran",),
    "TEMBUSAN": ("tembusan",),
    "tanda tangan elektronik": ("ditandatangani secara elektronik", "bsre"),
}
_NIP = re.compile(r"\b\d{8}\s?\d{6}\s?\d\s?\d{3}\b")
_BAHWA_AFTER_MENIMBANG = re.compile(r"menimbang.{0,300}?bahwa", re.S)


def month_of(word: str, threshold: float = 1.0) -> int | None:
    """The month a (possibly misread) Indonesian month name stands for."""
    if word in MONTH_NUMBERS:
        return MONTH_NUMBERS[word]
    for name, number in MONTH_NUMBERS.items():
        # month names are short: below an exact threshold, one misread letter of 5 or more
        edits = max(allowed_edits(name, threshold), int(threshold < 1.0 and len(name) >= 5))
        if edits and abs(len(word) - len(name)) <= edits:
            found = find_approx(word, name, edits)
            if found is not None and found.start == 0:
                return number
    return None


def find_decree_date(text: SearchText, threshold: float = 1.0) -> date | None:
    """The date of 'pada tanggal d Bulan yyyy', tolerant of spacing, separators and (below a
    threshold of 1.0) a misread month; None when absent or invalid."""
    for haystack in (text.spaced, text.compact):
        for match in _DATE_SPACED.finditer(haystack):
            month = month_of(match[2], threshold)
            if month is None:
                continue
            try:
                return date(int(match[3]), month, int(match[1]))
            except ValueError:
                continue
    return None


# Markers that only count in their place: the title block comes before Menimbang, and the
# operative part (Menetapkan, the first diktum) after MEMUTUSKAN. Anywhere else the same words
# are citations ("Undang-Undang Nomor …", "perlu menetapkan …") and prove nothing.
TITLE_MARKERS = ("KEPUTUSAN", "NOMOR", "TENTANG")
OPERATIVE_MARKERS = ("Menetapkan", "KESATU/PERTAMA")
TITLE_SPAN = 1500


def misplaced_markers(text: SearchText, threshold: float = 1.0) -> list[str]:
    """Hard markers present in the text but not where a decree puts them."""
    menimbang = text.find("menimbang", threshold)
    head = prepare(
        text.compact[: menimbang.start if menimbang and menimbang.start > 0 else TITLE_SPAN]
    )
    wrong = [
        label
        for label in TITLE_MARKERS
        if not any(head.find(p, threshold) for p in HARD_MARKERS[label])
    ]
    decided = text.find("memutuskan", threshold)
    if decided is not None:
        tail = prepare(text.compact[decided.start :])
        wrong += [
            label
            for label in OPERATIVE_MARKERS
            if not any(tail.find(p, threshold) for p in HARD_MARKERS[label])
        ]
    return wrong


def _present(text: SearchText, phrases: tuple[str, ...], threshold: float) -> bool:
    return any(text.resembles(p, threshold) for p in phrases)


class DecreeParams(Params):
    min_soft: int = Field(default=0, ge=0)
    # similarity a marker needs in OCR'd or sloppy text (1.0 = exact); 0.85 lets a 9–10
    # letter word such as MEMUTUSKAN carry one misread letter
    fuzzy_threshold: float = Field(default=0.85, ge=0.5, le=1.0)


def decree_structure(facts: FileFacts, ctx: CheckContext, params: DecreeParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "decree-no-text")
    text = prepare(facts.text)
    threshold = params.fuzzy_threshold
    missing = [
        label for label, phrases in HARD_MARKERS.items() if not _present(text, phrases, threshold)
    ]
    missing += [m for m in misplaced_markers(text, threshold) if m not in missing]
    if find_decree_date(text, threshold) is None:
        missing.append("pada tanggal [tgl] [Bulan] [tahun]")
    soft_found = [
        label for label, phrases in SOFT_MARKERS.items() if _present(text, phrases, threshold)
    ]
    if _NIP.search(text.spaced):
        soft_found.append("NIP")
    if _BAHWA_AFTER_MENIMBANG.search(text.spaced):
        soft_found.append("bahwa")
    soft_total = len(SOFT_MARKERS) + 2
    if missing:
        return result(
            Outcome.FAIL,
            "decree-markers-missing",
            missing=missing,
            soft_found=soft_found,
        )
    if len(soft_found) < params.min_soft:
        return result(
            Outcome.WARN,
            "decree-soft-markers-few",
            needs_review=True,
            soft_score=len(soft_found),
            soft_total=soft_total,
            min_soft=params.min_soft,
        )
    return result(
        Outcome.PASS,
        "decree-ok",
        soft_score=len(soft_found),
        soft_total=soft_total,
    )


class DecreeDateParams(Params):
    # A team decree may be set before the period and still be in force.
    years_before: int = Field(default=0, ge=0)
    years_after: int = Field(default=0, ge=0)
    fuzzy_threshold: float = Field(default=0.85, ge=0.5, le=1.0)  # for a misread month name


def decree_date(facts: FileFacts, ctx: CheckContext, params: DecreeDateParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "decree-no-text")
    found = find_decree_date(prepare(facts.text), params.fuzzy_threshold)
    if found is None:
        return result(Outcome.WARN, "decree-date-missing", needs_review=True)
    start = ctx.window_start.replace(year=ctx.window_start.year - params.years_before)
    end = ctx.window_end.replace(year=ctx.window_end.year + params.years_after)
    if not start <= found <= end:
        return result(
            Outcome.WARN,
            "decree-date-outside-period",
            needs_review=True,
            date=found.isoformat(),
            window_start=start.isoformat(),
            window_end=end.isoformat(),
        )
    return result(Outcome.PASS, "decree-date-ok", date=found.isoformat())


DECREE_STRUCTURE = CheckSpec(
    id="decree-structure",
    codes=("decree-ok", "decree-markers-missing", "decree-soft-markers-few", "decree-no-text"),
    params=DecreeParams,
    check=decree_structure,
    summary="hard SK markers present (DOMAIN.md §5); soft markers scored",
)
DECREE_DATE = CheckSpec(
    id="decree-date",
    codes=("decree-date-ok", "decree-date-missing", "decree-date-outside-period", "decree-no-text"),
    params=DecreeDateParams,
    check=decree_date,
    summary="'pada tanggal d Bulan yyyy' inside the period window, else a person looks",
)
