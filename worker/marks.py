"""Stamp and wet signature on a scanned decree's signature area (advisory): colour segmentation."""

from __future__ import annotations

from pathlib import Path

from rules.facts import MarkFacts


def find_marks(path: Path, pages: list[int], texts: list[str]) -> list[MarkFacts]:
    """Not measured to a useful precision yet: no marks are reported (see NOTES.md)."""
    return []
