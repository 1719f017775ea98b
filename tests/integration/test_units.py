"""The unit registry: seeds, all-or-nothing CSV import, the CLI, and intake refusing bad units."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.tables import Region, Unit
from infra.units import UnitImportError, import_units_csv, list_units
from intake.app import create_app
from tests.support.factories import photo_jpeg
from tests.support.services import make_key, make_unit
from tests.support.stack import run_cli

Factory = Callable[[Settings], sessionmaker[Session]]

GOOD = """code,name,kind,region
lppplg,Lapas Perempuan Kelas IIA Palembang,lapas,16
RTNPLG,Rutan Kelas I Palembang,rutan,16
"""


def snapshot(factory: sessionmaker[Session]) -> list[tuple[str, str, str, str, bool]]:
    with factory() as session:
        return [(u.code, u.name, u.kind, u.region_code, u.active) for u in list_units(session)]


def test_the_seed_holds_sumatera_selatan_and_its_seventeen_governments(
    sqlite_settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(sqlite_settings)
    with factory() as session:
        assert session.get(Region, "16") is not None
        units = list_units(session, region="16")
    kinds = [u.kind for u in units]
    assert kinds.count("kabupaten") == 13
    assert kinds.count("kota") == 4
    assert kinds.count("provinsi") == 1
    names = {u.code: u.name for u in units}
    assert names["1671"] == "Kota Palembang"
    assert names["1604"] == "Kabupaten Lahat"


def test_import_round_trips_and_is_idempotent(pg_settings: Settings, sessions_for: Factory) -> None:
    factory = sessions_for(pg_settings)
    codes = ("LPPPLG", "RTNPLG")
    with transaction(factory) as session:
        session.execute(sa.delete(Unit).where(Unit.code.in_(codes)))
    with transaction(factory) as session:
        first = import_units_csv(session, GOOD)
    assert (first.created, first.updated) == (2, 0)
    with transaction(factory) as session:
        again = import_units_csv(session, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    with transaction(factory) as session:
        changed = import_units_csv(session, GOOD.replace("Kelas I Palembang", "Klas I Palembang"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    with factory() as session:
        unit = session.get(Unit, "LPPPLG")
        assert unit is not None
        assert unit.kind == "lapas"


@pytest.mark.parametrize(
    ("bad_line", "complaint"),
    [
        ("X,Bad code,lapas,16", "line 4: code 'X'"),
        ("BAPASX,,bapas,16", "line 4: name is empty"),
        ("BAPASX,Bapas X,penjara,16", "line 4: kind 'penjara'"),
        ("BAPASX,Bapas X,bapas,99", "line 4: region 99 is unknown"),
        ("lppplg,Duplicate,lapas,16", "line 4: code LPPPLG repeats line 2"),
        ("BAPASX,Bapas\x0bX,bapas,16", "line 4: name contains control characters (U+000B)"),
        ('BAPASX,"Bapas\tX",bapas,16', "line 4: name contains control characters (U+0009)"),
    ],
    ids=[
        "bad-code",
        "empty-name",
        "unknown-kind",
        "unknown-region",
        "duplicate",
        "vertical-tab-in-name",
        "tab-in-name",
    ],
)
def test_a_bad_row_is_reported_by_line_and_nothing_is_applied(
    sqlite_settings: Settings, sessions_for: Factory, bad_line: str, complaint: str
) -> None:
    factory = sessions_for(sqlite_settings)
    before = snapshot(factory)
    with pytest.raises(UnitImportError) as error, transaction(factory) as session:
        import_units_csv(session, GOOD + bad_line + "\n")
    assert any(p.startswith(complaint) for p in error.value.problems), error.value.problems
    assert snapshot(factory) == before


def test_the_cli_imports_lists_and_refuses_a_bad_file(
    sqlite_settings: Settings, sessions_for: Factory, tmp_path: Path
) -> None:
    factory = sessions_for(sqlite_settings)
    good = tmp_path / "upt.csv"
    good.write_text(GOOD, encoding="utf-8")
    done = run_cli(sqlite_settings, "units", "import", str(good))
    assert done.returncode == 0, done.stderr
    assert "created 2, updated 0, unchanged 0" in done.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "BAPASX,Bapas X,penjara,16\n", encoding="utf-8")
    refused = run_cli(sqlite_settings, "units", "import", str(bad))
    assert refused.returncode == 1
    assert "line 4: kind 'penjara'" in refused.stderr
    assert "nothing imported" in refused.stderr
    with factory() as session:
        assert session.get(Unit, "BAPASX") is None

    listed = run_cli(sqlite_settings, "units", "list", "--region", "16")
    assert listed.returncode == 0
    assert "LPPPLG" in listed.stdout
    assert "Kota Palembang" in listed.stdout


@pytest.fixture
def api(sqlite_settings: Settings, sessions_for: Factory) -> Iterator[TestClient]:
    headers = make_key(sessions_for(sqlite_settings))
    with TestClient(create_app(sqlite_settings), headers=headers) as client:
        yield client


def test_intake_tells_an_admin_that_a_unit_is_not_registered(api: TestClient) -> None:
    # an admin sees every unit, so naming the unknown one reveals nothing (scoped keys: 404)
    answer = api.post(
        "/v1/submissions/P2HAM/2025/9999/documents",
        data={"criterion": "P2H-02-LAKTASI"},
        files={"files": ("a.jpg", photo_jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "unknown_unit"
    assert "tidak terdaftar" in body["message"]
    assert "not registered" in body["message_en"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/v1/submissions/P2HAM/2025/{unit}/documents", id="documents"),
        pytest.param("POST", "/v1/submissions/P2HAM/2025/{unit}/bundles", id="bundles"),
        pytest.param("POST", "/v1/uploads", id="presigned upload"),
    ],
)
def test_an_unknown_unit_answers_a_scoped_key_exactly_like_a_unit_it_may_not_see(
    sqlite_settings: Settings, sessions_for: Factory, method: str, path: str
) -> None:
    factory = sessions_for(sqlite_settings)
    own, hidden = make_unit(factory), make_unit(factory)
    headers = make_key(factory, "unit", units=[own])

    def attempt(unit: str) -> tuple[int, dict[str, object]]:
        with TestClient(create_app(sqlite_settings), headers=headers) as client:
            if path == "/v1/uploads":
                answer = client.post(
                    path,
                    json={
                        "programme": "P2HAM",
                        "period": "2025",
                        "unit": unit,
                        "name": "a.jpg",
                        "criterion": "P2H-02-LAKTASI",
                        "size": 3,
                        "sha256": "0" * 64,
                    },
                )
            else:
                answer = client.post(
                    path.format(unit=unit),
                    data={"criterion": "P2H-02-LAKTASI"},
                    files={"files": ("a.jpg", photo_jpeg(), "image/jpeg")},
                )
        return answer.status_code, answer.json()

    unknown = attempt("9999")
    assert unknown == attempt(hidden)
    assert unknown[0] == 404
    assert unknown[1]["code"] == "not_found"


def test_intake_refuses_an_inactive_unit_and_matches_codes_case_insensitively(
    api: TestClient,
) -> None:
    created = api.post(
        "/v1/units", json={"code": "bapasoku", "name": "Bapas OKU", "kind": "bapas", "region": "16"}
    )
    assert created.status_code == 201
    assert created.json()["code"] == "BAPASOKU"
    assert api.get("/v1/submissions/P2HAM/2025/BapasOku").json()["unit"]["code"] == "BAPASOKU"
    assert api.post("/v1/units/bapasoku/deactivate").json()["active"] is False
    answer = api.post(
        "/v1/submissions/P2HAM/2025/bapasoku/documents",
        data={"criterion": "P2H-02-LAKTASI"},
        files={"files": ("a.jpg", photo_jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "unit_inactive"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Bapas\x0bOKU", id="vertical-tab"),
        pytest.param("Bapas\nOKU", id="newline"),
        pytest.param("Bapas\x00OKU", id="nul"),
    ],
)
def test_the_units_api_refuses_a_name_with_a_control_character(api: TestClient, name: str) -> None:
    answer = api.post(
        "/v1/units", json={"code": "BAPASCTL", "name": name, "kind": "bapas", "region": "16"}
    )
    assert answer.status_code == 422, answer.text
    assert (answer.json()["code"], answer.json()["detail"]["fields"]) == (
        "control_character",
        ["name"],
    )
    assert "BAPASCTL" not in {u["code"] for u in api.get("/v1/units").json()}


def test_a_key_name_with_a_control_character_is_refused(sqlite_settings: Settings) -> None:
    refused = run_cli(sqlite_settings, "keys", "create", "--role", "admin", "--name", "Ad\x1bmin")
    assert refused.returncode == 2
    assert "control characters (U+001B)" in refused.stderr
