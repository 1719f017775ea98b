"""Decree (SK) structure and date, per DOMAIN.md §5: hard markers, soft score, date in window."""

from __future__ import annotations

import re
from datetime import date

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.text import SearchText, prepare

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
_MONTH_ALT = "|".join(MONTHS)
_DATE_SPACED = re.compile(rf"pada\s*tanggal\s*:?\s*(\d{{1,2}})\s*({_MONTH_ALT})\s*(\d{{4}})")

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


def find_decree_date(text: SearchText) -> date | None:
    """The date of 'pada tanggal d Bulan yyyy', tolerant of spacing; None when absent or invalid."""
    for haystack in (text.spaced, text.compact):
        for match in _DATE_SPACED.finditer(haystack):
            day, month, year = int(match[1]), MONTHS[match[2]], int(match[3])
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


# Markers that only count in their place: the title block comes before Menimbang, and the
# operative part (Menetapkan, the first diktum) after MEMUTUSKAN. Anywhere else the same words
# are citations ("Undang-Undang Nomor …", "perlu menetapkan …") and prove nothing.
TITLE_MARKERS = ("KEPUTUSAN", "NOMOR", "TENTANG")
OPERATIVE_MARKERS = ("Menetapkan", "KESATU/PERTAMA")
TITLE_SPAN = 1500


def misplaced_markers(text: SearchText) -> list[str]:
    """Hard markers present in the text but not where a decree puts them."""
    compact = text.compact
    menimbang = compact.find("menimbang")
    head = compact[: menimbang if menimbang > 0 else TITLE_SPAN]
    wrong = [
        label
        for label in TITLE_MARKERS
        if not any(p.replace(" ", "") in head for p in HARD_MARKERS[label])
    ]
    decided = compact.find("memutuskan")
    if decided >= 0:
        tail = compact[decided:]
        wrong += [
            label
            for label in OPERATIVE_MARKERS
            if not any(p.replace(" ", "") in tail for p in HARD_MARKERS[label])
        ]
    return wrong


class DecreeParams(Params):
    min_soft: int = Field(default=0, ge=0)


def decree_structure(facts: FileFacts, ctx: CheckContext, params: DecreeParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "decree-no-text")
    text = prepare(facts.text)
    missing = [
        label
        for label, phrases in HARD_MARKERS.items()
        if not any(text.contains(p) for p in phrases)
    ]
    missing += [m for m in misplaced_markers(text) if m not in missing]
    if find_decree_date(text) is None:
        missing.append("pada tanggal [tgl] [Bulan] [tahun]")
    soft_found = [
        label for label, phrases in SOFT_MARKERS.items() if any(text.contains(p) for p in phrases)
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


def decree_date(facts: FileFacts, ctx: CheckContext, params: DecreeDateParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "decree-no-text")
    found = find_decree_date(prepare(facts.text))
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
