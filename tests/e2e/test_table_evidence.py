"""Data tables (CSV and XLSX) end as their cells say, through a real worker and `absah verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from tests.support.factories import table_csv, table_xlsx
from tests.support.services import make_key, make_unit
from tests.support.stack import ROOT, start_api, start_worker, wait_final
from tests.support.tables import CASES

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cells(rows: list[list[str]]) -> list[list[object]]:
    """As a person types them into Excel: figures become numbers, words stay text."""
    return [[int(c) if c.isdigit() else c for c in row] for row in rows]


def table_files(unit: str) -> dict[str, tuple[str, bytes, str]]:
    """case-format -> (canonical name, bytes, content type), for Aksi 1 B04 of 2025."""
    files = {}
    for seq, (case, (rows, _, _)) in enumerate(sorted(CASES.items()), start=1):
        stem = f"{unit}_AKSIHAM_2025-B04_A1_DATA_{seq:02d}"
        files[f"{case}-csv"] = (f"{stem}.csv", table_csv(rows), "text/csv")
        xlsx = table_xlsx(_xlsx_cells(rows), title="Pemetaan PEKKA 2025")
        files[f"{case}-xlsx"] = (f"{stem}.xlsx", xlsx, XLSX)
    return files


EXPECTED = {
    f"{case}-{fmt}": (status, reason)
    for case, (_, status, reason) in CASES.items()
    for fmt in ("csv", "xlsx")
}


def test_absah_verify_reads_each_table_to_its_verdict(tmp_path: Path) -> None:
    folder = tmp_path / "bukti"
    folder.mkdir()
    names = {}
    for case, (name, payload, _) in table_files("1604").items():
        (folder / name).write_bytes(payload)
        names[name] = case
    done = subprocess.run(
        [sys.executable, "-m", "absah.cli", "verify", str(folder), "-p", "AKSIHAM",
         "--period", "2025-B04", "-u", "1604", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    got = {names[d["name"]]: (d["status"], d["reason_code"]) for d in report["documents"]}
    assert got == EXPECTED


@pytest.fixture
def stack(pg_settings: Settings, tmp_path: Path, sessions_for: Factory) -> Iterator[httpx.Client]:
    headers = make_key(sessions_for(pg_settings))
    api, base = start_api(pg_settings, tmp_path)
    worker = start_worker(pg_settings, tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
            yield client
    finally:
        worker.stop()
        api.stop()


def test_uploaded_tables_end_as_their_cells_say_through_the_worker(
    stack: httpx.Client, pg_settings: Settings, sessions_for: Factory
) -> None:
    unit = make_unit(sessions_for(pg_settings), kind="kabupaten")
    files = table_files(unit)
    answer = stack.post(
        f"/v1/submissions/AKSIHAM/2025-B04/{unit}/documents",
        files=[("files", spec) for spec in files.values()],
    )
    assert answer.status_code == 202, answer.text
    # the answer lists the documents in the order they were sent
    ids = dict(zip(files, (d["id"] for d in answer.json()["documents"]), strict=True))
    final = wait_final(stack, list(ids.values()), timeout=90)
    got = {case: (final[i]["status"], final[i]["status_reason"]) for case, i in ids.items()}
    assert got == EXPECTED
    nihil = final[ids["nihil-xlsx"]]
    finding = next(f for f in nihil["findings"] if f["check_id"] == "table-schema")
    assert finding["location"] == {
        "sheet": "Data",
        "row": 5,
        "column": "Jumlah Perempuan Kepala Keluarga",
    }
    assert "lembar Data, baris 5" in finding["message"]
