"""Over HTTP, through a real worker: a decree, two photos and a fake PDF end in exact statuses."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from tests.support.records import upload_evidence
from tests.support.services import make_key, make_unit
from tests.support.stack import start_api, start_run, start_worker, wait_final

pytestmark = pytest.mark.e2e


def assert_verdicts(client: httpx.Client, unit: str, ids: dict[str, str]) -> None:
    final = wait_final(client, list(ids.values()), timeout=90)
    decree, photo1, photo2, fake = (final[ids[k]] for k in ("decree", "photo1", "photo2", "fake"))

    assert decree["status"] == "passed", decree
    assert decree["kind"] == "sk_decree_pdf"
    assert decree["detected_mime"] == "application/pdf"
    codes = {f["check_id"]: f["reason_code"] for f in decree["findings"]}
    assert codes["decree-structure"] == "decree-ok"
    assert codes["decree-date"] == "decree-date-ok"
    assert codes["keywords"] == "keywords-ok"
    assert codes["file-name"] == "name-ok"
    assert all(f["ruleset_version"] == decree["ruleset_version"] for f in decree["findings"])
    assert all(f["message"] and f["message_en"] for f in decree["findings"])

    for photo in (photo1, photo2):
        assert photo["status"] == "passed", photo
        assert photo["kind"] == "facility_photo"
        assert {f["check_id"]: f["outcome"] for f in photo["findings"]}["image-decodes"] == "pass"

    assert fake["status"] == "failed", fake
    assert fake["status_reason"] == "mime-not-allowed"
    assert fake["detected_mime"] == "image/jpeg"
    fake_codes = {f["reason_code"] for f in fake["findings"] if f["outcome"] == "fail"}
    assert fake_codes == {"mime-not-allowed", "extension-mismatch"}

    submission = client.get(f"/v1/submissions/P2HAM/2025/{unit}").json()
    criteria = {c["id"]: c for c in submission["criteria"]}
    assert criteria["P2H-00-SKTIM"]["status"] == "complete"
    assert criteria["P2H-02-LAKTASI"]["status"] == "complete"
    assert criteria["P2H-01-PARKIR"]["status"] == "incomplete"
    assert criteria["P2H-01-PARKIR"]["missing"] == [
        {
            "kind": "facility_photo",
            "kind_name": "Foto fasilitas",
            "min": 2,
            "have": 0,
            "in_review": 0,
        }
    ]
    assert criteria["P2H-02-KUNJUNGAN"]["status"] == "incomplete"  # a lapas needs it
    assert len(criteria["P2H-00-SKTIM"]["documents"]) == 2


@pytest.fixture
def pg_stack(
    pg_settings: Settings, tmp_path: Path, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> Iterator[tuple[httpx.Client, Settings]]:
    headers = make_key(sessions_for(pg_settings))
    api, base = start_api(pg_settings, tmp_path)
    worker = start_worker(pg_settings, tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
            yield client, pg_settings
    finally:
        worker.stop()
        api.stop()


def test_uploads_on_postgres_and_s3_end_with_exact_statuses(
    pg_stack: tuple[httpx.Client, Settings],
    sessions_for: Callable[[Settings], sessionmaker[Session]],
) -> None:
    client, settings = pg_stack
    unit = make_unit(sessions_for(settings), kind="lapas")
    assert_verdicts(client, unit, upload_evidence(client, unit))


def test_the_run_command_on_embedded_defaults_checks_uploads(tmp_path: Path) -> None:
    """`absah run` with nothing configured: SQLite, a local object folder, a private Redis."""
    proc, base, _ = start_run(tmp_path)
    try:
        printed = proc.log.read_text(errors="replace")  # the whole log: the key is at its start
        assert "private Redis started" in printed
        assert "first admin key" in printed
        key_file = (tmp_path / "data" / "admin-key.txt").resolve()
        key = key_file.read_text().strip()
        assert key not in printed  # the file has it; the terminal and the log never
        assert str(key_file) in printed
        account_file = (tmp_path / "data" / "admin-account.txt").resolve()
        password = account_file.read_text().splitlines()[1].removeprefix("password: ")
        assert password not in printed  # the first admin account's password: the same
        assert str(account_file) in printed
        with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as browser:
            form = browser.get("/ui/masuk").text
            token = re.search(r'name="csrf" value="([^"]+)"', form)
            assert token
            signed_in = browser.post(
                "/ui/masuk",
                data={"username": "admin", "password": password, "csrf": token.group(1)},
            )
            assert signed_in.url.path == "/ui/akun/totp"  # an admin sets up TOTP first
        assert httpx.get(f"{base}/v1/units").status_code == 401
        with httpx.Client(base_url=base, timeout=30, headers={"X-API-Key": key}) as client:
            units = client.get("/v1/units").json()
            assert {u["code"] for u in units} >= {"16", "1601", "1671", "1674"}
            client.post(
                "/v1/units",
                json={
                    "code": "lpppLG",
                    "name": "Lapas Perempuan IIA Palembang",
                    "kind": "lapas",
                    "region": "16",
                },
            )
            assert_verdicts(client, "LPPPLG", upload_evidence(client, "LPPPLG"))
        assert (tmp_path / "data" / "absah.sqlite3").is_file()
        assert any((tmp_path / "data" / "objects" / "P2HAM").rglob("*.pdf"))
    finally:
        proc.stop()
