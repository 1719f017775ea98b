"""Dates as Indonesian letters write them: 12 Maret 2025, pukul 14.05 WIB."""

from __future__ import annotations

from datetime import datetime

from infra.days import WIB
from rules.months import tanggal_id


def tanggal(moment: datetime, with_time: bool = False) -> str:
    """12 Maret 2025 (pukul 14.05 WIB)."""
    local = moment.astimezone(WIB)
    text = tanggal_id(local.date())
    return f"{text} pukul {local:%H.%M} WIB" if with_time else text
