"""A unit's operator sees only its units: a re-use finding that names another unit's document
names it to them as "another unit of the region", in every view they can read; verifiers read
the finding as stored."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from intake.app import create_app
from intake.redact import ANOTHER_UNIT_EN, ANOTHER_UNIT_ID
from tests.support.factories import decree_pdf
from tests.support.fakes import Messages
from tests.support.records import add_document
from tests.support.services import make_key, make_unit
from worker.pipeline import Result, verify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]


@dataclass
class Copied:
    api: TestClient
    original: str  # the first unit's decree
    copy: str  # the second unit's copy of it
    first: str
    second: str
    operator: dict[str, str]  # the second unit's key
    verifier: dict[str, str]  # the region's


@pytest.fixture
def copied(sqlite_settings: Settings, sessions_for: Factory) -> Iterator[Copied]:
    factory = sessions_for(sqlite_settings)
    region = "R" + secrets.token_hex(4).upper()
    first, second = make_unit(factory, region=region), make_unit(factory, region=region)
    original = add_document(sqlite_settings, factory, first, decree_pdf(), "sk-tim-asal.pdf")
    copy = add_document(sqlite_settings, factory, second, decree_pdf(), "sk-tim.pdf")
    rt = WorkerRuntime(sqlite_settings)
    rt.__dict__["sender"] = Messages()
    assert verify_document(rt, original) is Result.CHECKED
    assert verify_document(rt, copy) is Result.CHECKED
    with TestClient(create_app(sqlite_settings)) as api:
        yield Copied(
            api,
            original,
            copy,
            first,
            second,
            make_key(factory, "unit", units=[second]),
            make_key(factory, "verifier", region=region),
        )


def _reuse_finding(document: dict[str, object]) -> dict[str, object]:
    findings = document["findings"]
    assert isinstance(findings, list)
    found = [f for f in findings if f["check_id"] == "file-reused"]
    assert len(found) == 1
    return dict(found[0])


def _leaks(c: Copied, text: str) -> list[str]:
    """What of the other unit's document a text names: its unit, its id, its file name."""
    return [s for s in (c.first, f"Unit uji {c.first}", c.original, "sk-tim-asal") if s in text]


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/documents/{copy}", id="document"),
        pytest.param("/v1/submissions/P2HAM/2025/{second}", id="submission"),
        pytest.param("/v1/submissions/P2HAM/2025/{second}/findings.csv", id="findings-csv"),
        pytest.param("/v1/submissions/P2HAM/2025/{second}/report.html", id="report"),
    ],
)
def test_the_operator_reads_another_unit_of_the_region_and_the_verifier_reads_which(
    copied: Copied, path: str
) -> None:
    url = path.format(copy=copied.copy, second=copied.second)
    mine = copied.api.get(url, headers=copied.operator)
    theirs = copied.api.get(url, headers=copied.verifier)
    assert mine.status_code == theirs.status_code == 200
    assert _leaks(copied, mine.text) == []
    assert ANOTHER_UNIT_ID in mine.text
    assert _leaks(copied, theirs.text)  # the verifier is told which unit and which file
    assert ANOTHER_UNIT_ID not in theirs.text


def test_the_operators_finding_keeps_what_it_says_but_not_whom(copied: Copied) -> None:
    mine = _reuse_finding(
        copied.api.get(f"/v1/documents/{copied.copy}", headers=copied.operator).json()
    )
    assert (mine["outcome"], mine["reason_code"], mine["needs_review"]) == (
        "warn",
        "file-from-other-unit",
        True,
    )
    assert str(mine["message"]).startswith(
        f"Berkas yang sama persis sudah diunggah oleh {ANOTHER_UNIT_ID} untuk P2H-00-SKTIM"
    )
    assert f"uploaded by {ANOTHER_UNIT_EN} for P2H-00-SKTIM" in str(mine["message_en"])
    details = mine["details"]
    assert isinstance(details, dict)
    assert details["matches"] == []
    assert {"other_unit", "other_unit_code", "other_document"}.isdisjoint(details)
    assert (details["match_count"], details["units"]) == (1, 1)
    assert _leaks(copied, json.dumps(mine)) == []
