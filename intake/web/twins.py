"""The other documents a re-use finding names: look-alike photos side by side, and the very
same file (or a PDF with the same text) in another unit as a line with its link."""

from __future__ import annotations

from dataclasses import dataclass

from intake.views import DocumentOut
from intake.web.queue import submission_page
from rules.findings import Outcome
from rules.months import iso_day_id
from rules.similar import REUSE_CHECKS

PHOTO_CHECK = "photo-near-duplicate"  # its matches are pictures; the others' are files


@dataclass(frozen=True)
class Twin:
    """The other document, as the verifier compares it with this one."""

    document_id: str
    unit: str
    unit_name: str | None
    programme: str
    period: str
    criterion: str
    uploaded_at: str | None
    name: str | None
    same_bytes: bool
    distance: int
    photo: bool = True  # shown as a picture beside this one; else a line naming the file

    @property
    def uploaded_on(self) -> str:
        """The day the other file came, as the page writes days (10 April 2025)."""
        return iso_day_id(self.uploaded_at) if self.uploaded_at else "?"

    @property
    def link(self) -> str:
        page = submission_page(self.programme, self.period, self.unit)
        return f"{page}#d-{self.document_id}"


def twins_of(doc: DocumentOut) -> list[Twin]:
    """The documents this one was found to look like or to be, in the finding's order."""
    found: list[Twin] = []
    for finding in doc.findings:
        if finding.check_id not in REUSE_CHECKS or finding.outcome != Outcome.WARN.value:
            continue
        if not finding.details:
            continue
        for match in finding.details.get("matches") or []:
            try:
                found.append(
                    Twin(
                        document_id=str(match["document_id"]),
                        unit=str(match["unit"]),
                        unit_name=match.get("unit_name"),
                        programme=str(match["programme"]),
                        period=str(match["period"]),
                        criterion=str(match["criterion"]),
                        uploaded_at=match.get("uploaded_at"),
                        name=match.get("name"),
                        same_bytes=bool(match.get("same_bytes")),
                        distance=int(match.get("distance", 0)),
                        photo=finding.check_id == PHOTO_CHECK,
                    )
                )
            except (KeyError, TypeError, ValueError):  # a finding of another shape: not shown
                continue
    return found
