"""What a unit's operator reads of re-use findings: DESIGN says an operator sees only its units,
so a finding naming another unit's document (a copy, a look-alike photo) names it to them as
"another unit of the region" and lists only their own units' documents. Verifiers, admins and
a portal key of a whole region read the findings as stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from infra.keys import Principal, Role
from intake.views import FindingOut
from rules.messages import render
from rules.similar import REUSE_CHECKS

ANOTHER_UNIT_ID = "unit lain di wilayah ini"
ANOTHER_UNIT_EN = "another unit of the region"
_NAMING = ("other_unit", "other_unit_code", "other_document")  # who, and which document


class WithFindings(Protocol):  # a DocumentOut
    findings: list[FindingOut]


def others_hidden(caller: Principal, documents: Iterable[WithFindings]) -> None:
    """For a caller bound to units (a unit's operator; a portal key bound to units, which
    shows them to those units' operators), in place: re-use findings name other units'
    documents no more. A verifier, an admin and a region's portal read them as stored."""
    if caller.role not in (Role.UNIT, Role.PORTAL) or not caller.unit_codes:
        return
    for doc in documents:
        for finding in doc.findings:
            _hide(finding, caller.unit_codes)


def _hide(finding: FindingOut, own: frozenset[str]) -> None:
    details = finding.details
    if finding.check_id not in REUSE_CHECKS or not details:
        return
    listed = details.get("matches")
    kept = dict(details)
    if isinstance(listed, list):
        kept["matches"] = [m for m in listed if isinstance(m, dict) and m.get("unit") in own]
    if details.get("other_unit_code") not in own:
        for key in _NAMING:
            kept.pop(key, None)
        finding.message = render(finding.reason_code, **kept, other_unit=ANOTHER_UNIT_ID)[0]
        finding.message_en = render(finding.reason_code, **kept, other_unit=ANOTHER_UNIT_EN)[1]
    finding.details = kept
