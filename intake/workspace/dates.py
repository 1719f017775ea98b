"""Dates as Indonesian letters write them: 12 Maret 2025, pukul 14.05 WIB."""

from __future__ import annotations

from datetime import datetime

from infra.days import WIB

MONTHS = (
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


def tanggal(moment: datetime, with_time: bool = False) -> str:
    """12 Maret 2025 (pukul 14.05 WIB)."""
    local = moment.astimezone(WIB)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text} pukul {local:%H.%M} WIB" if with_time else text
