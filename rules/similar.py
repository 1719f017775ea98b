"""Documents that match this one elsewhere: a photo that looks alike (pHash and distance),
or a file with the very same bytes (or, for a PDF, the same text print) in another unit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from rules.findings import Finding, Outcome

HASH_BITS = 64
# The farthest a catalog may set its near-duplicate threshold; the worker searches this far so
# that the check, not the query, applies the catalog's number.
MAX_SEARCH_DISTANCE = 16


def hamming(a: int, b: int) -> int:
    """Bits that differ between two 64-bit perceptual hashes (signed or unsigned alike)."""
    return ((a ^ b) & ((1 << HASH_BITS) - 1)).bit_count()


class FileMatch(BaseModel):
    """Another unit's live document of the same region holding the very same bytes (SHA-256),
    or with `same_bytes` false the same text in other bytes (rules/textprint.py)."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    unit_code: str
    unit_name: str | None = None
    programme: str
    period: str
    criterion_id: str
    uploaded_at: str | None = None  # ISO date (YYYY-MM-DD) the other file was received
    original_name: str | None = None
    distance: int = 0  # how far its picture is from this one's: 0 for the very same file
    same_bytes: bool = True

    def described(self) -> dict[str, object]:
        """The other document as a finding's details list it (the review page links it)."""
        return {
            "document_id": self.document_id,
            "unit": self.unit_code,
            "unit_name": self.unit_name,
            "programme": self.programme,
            "period": self.period,
            "criterion": self.criterion_id,
            "uploaded_at": self.uploaded_at,
            "name": self.original_name,
            "distance": self.distance,
            "same_bytes": self.same_bytes,
        }

    def named(self) -> dict[str, Any]:
        """The parameters a finding's message names the other document by."""
        return {
            "other_unit": self.unit_name or self.unit_code,
            "other_unit_code": self.unit_code,
            "other_criterion": self.criterion_id,
            "other_period": self.period,
            "other_programme": self.programme,
            "other_date": self.uploaded_at,
            "other_document": self.document_id,
        }


class PhotoMatch(FileMatch):
    """Another live document whose photo is within the search distance of this one's."""

    distance: int  # Hamming distance of the two 64-bit pHashes, 0 = the same picture
    same_bytes: bool = False  # the same SHA-256: the very same file, not only a similar one
    same_submission: bool = False


# The checks whose findings name other documents this one re-uses (or that re-use it)
REUSE_CHECKS = ("photo-near-duplicate", "file-reused")


def named_by_reuse(findings: Iterable[Finding]) -> list[str]:
    """The other documents a verdict's re-use findings name (their `matches`), in order."""
    named: dict[str, None] = {}
    for finding in findings:
        if finding.check_id not in REUSE_CHECKS or finding.outcome is not Outcome.WARN:
            continue
        for match in (finding.details or {}).get("matches") or []:
            if isinstance(match, dict) and match.get("document_id"):
                named[str(match["document_id"])] = None
    return list(named)
