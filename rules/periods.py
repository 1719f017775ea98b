"""Periods: `2025` for a yearly programme, `2025-B08` for one whose catalog has sub-periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rules.catalog import PeriodSpec

# Any sub-period code a catalog may declare (rules.catalog checks the same form).
_PERIOD = re.compile(r"^(?P<year>20[0-9]{2})(?:-(?P<code>[A-Z][A-Z0-9]{1,3}))?$")


class PeriodError(ValueError):
    """A period string that does not fit the programme; `expected` says what would."""

    def __init__(self, period: str, expected: str) -> None:
        super().__init__(f"period {period!r} does not fit: expected {expected}")
        self.period = period
        self.expected = expected


@dataclass(frozen=True)
class Period:
    year: int
    code: str | None
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.year}-{self.code}" if self.code else str(self.year)


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def parse_period(text: str, spec: PeriodSpec) -> Period:
    """Parse and validate a period against a programme's period spec."""
    match = _PERIOD.match(text)
    if spec.type == "year":
        if not match or match["code"]:
            raise PeriodError(text, "YYYY, e.g. 2025")
        year = int(match["year"])
        return Period(year, None, date(year, 1, 1), date(year, 12, 31))
    codes = list(spec.codes)
    expected = "YYYY-" + "|".join(codes) + f", e.g. 2025-{codes[0]}"
    if not match or match["code"] not in spec.codes:
        raise PeriodError(text, expected)
    year, code = int(match["year"]), match["code"]
    first, last = spec.codes[code]
    return Period(year, code, date(year, first, 1), _month_end(year, last))


def period_year(text: str) -> int | None:
    match = _PERIOD.match(text)
    return int(match["year"]) if match else None
