"""Indonesian month names, as decrees, tables and messages write them: one list for reading
dates ("15 Maret 2025") and for writing them."""

from __future__ import annotations

from datetime import date

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS_ID, start=1)}


def tanggal_id(day: date) -> str:
    """12 Maret 2025."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def iso_day_id(iso: str) -> str:
    """'2025-04-10' → '10 April 2025'; any other text as it is."""
    try:
        return tanggal_id(date.fromisoformat(iso))
    except ValueError:
        return iso
