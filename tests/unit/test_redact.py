"""A unit operator's view of re-use findings: its own units' documents stay named, other units'
are "another unit of the region"; everyone else reads them as stored."""

from __future__ import annotations

from dataclasses import dataclass

from infra.keys import Principal, Role
from intake.redact import ANOTHER_UNIT_ID, others_hidden
from intake.views import FindingOut
from rules.messages import render

OWN, OTHER = "1671", "1602"


def _photo_finding(nearest: str, also: str) -> FindingOut:
    details = {
        "other_unit": f"Unit {nearest}",
        "other_unit_code": nearest,
        "other_criterion": "P2H-02-LAKTASI",
        "other_period": "2025",
        "other_date": "2025-04-10",
        "other_document": f"doc-{nearest}",
        "matches": [
            {"document_id": f"doc-{nearest}", "unit": nearest},
            {"document_id": f"doc-{also}", "unit": also},
        ],
        "match_count": 2,
    }
    message_id, message_en = render("photo-near-duplicate", **details)
    return FindingOut(
        check_id="photo-near-duplicate",
        outcome="warn",
        reason_code="photo-near-duplicate",
        needs_review=True,
        message=message_id,
        message_en=message_en,
        details=details,
        ruleset_version="v",
    )


@dataclass
class _Document:
    findings: list[FindingOut]


def _document(finding: FindingOut) -> _Document:
    return _Document([finding])


def _who(role: Role, units: frozenset[str] = frozenset({OWN})) -> Principal:
    return Principal(key_id="k", name="k", role=role, unit_codes=units, region_code="16")


def test_a_look_alike_of_the_units_own_stays_named_and_only_its_own_are_listed() -> None:
    finding = _photo_finding(nearest=OWN, also=OTHER)
    said = finding.message
    others_hidden(_who(Role.UNIT), [_document(finding)])
    assert finding.message == said  # its own unit, named as before
    assert finding.details is not None
    assert finding.details["other_unit_code"] == OWN
    assert finding.details["matches"] == [{"document_id": f"doc-{OWN}", "unit": OWN}]


def test_another_units_look_alike_is_another_unit_of_the_region() -> None:
    finding = _photo_finding(nearest=OTHER, also=OWN)
    others_hidden(_who(Role.UNIT), [_document(finding)])
    assert f"foto dari {ANOTHER_UNIT_ID} untuk P2H-02-LAKTASI" in finding.message
    assert "10 April 2025" in finding.message
    assert finding.details is not None
    assert "other_unit_code" not in finding.details
    assert OTHER not in str(finding.details)


def test_a_portal_key_bound_to_units_reads_as_their_operators_do() -> None:
    finding = _photo_finding(nearest=OTHER, also=OWN)
    others_hidden(_who(Role.PORTAL), [_document(finding)])
    assert ANOTHER_UNIT_ID in finding.message


def test_verifiers_admins_and_a_regions_portal_read_it_as_stored() -> None:
    for who in (_who(Role.VERIFIER, frozenset()), _who(Role.ADMIN, frozenset())):
        finding = _photo_finding(nearest=OTHER, also=OWN)
        stored = finding.model_dump()
        others_hidden(who, [_document(finding)])
        assert finding.model_dump() == stored
    finding = _photo_finding(nearest=OTHER, also=OWN)
    stored = finding.model_dump()
    others_hidden(_who(Role.PORTAL, frozenset()), [_document(finding)])
    assert finding.model_dump() == stored
