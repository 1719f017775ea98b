"""Decrees as units really send them, over HTTP through real workers (OCR on its own queue)
and through `absah verify` offline: scans, another unit's decree, electronic signatures."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.units import UnitRow, apply_units, seed_registry
from tests.support.factories import decree_pdf, text_pdf
from tests.support.scans import ScanStyle, scan_of
from tests.support.services import make_key
from tests.support.signing import modified_after_signing, signed_pdf
from tests.support.stack import ROOT, settings_env, start_api, start_worker, wait_final

pytestmark = pytest.mark.e2e

LETTER = (
    "PEMERINTAH KOTA UJI\nNomor : 005/123/2025\nSifat : Biasa\nLampiran : -\n"
    "Hal : Undangan Rapat Koordinasi P2HAM\n\nYth. Kepala Kantor Wilayah\ndi Palembang\n\n"
    "Dengan hormat, kami mengundang Bapak/Ibu untuk menghadiri rapat koordinasi tim "
    "pelayanan publik berbasis hak asasi manusia pada hari Senin.\n\nSEKRETARIS DAERAH"
)


def own_kota(factory: sessionmaker[Session]) -> tuple[str, str]:
    """A kota of this test's own, with its issuer registered: (code, issuer)."""
    code = "T" + secrets.token_hex(4).upper()
    issuer = f"WALI KOTA UJI {code[-4:]}"
    with transaction(factory) as session:
        seed_registry(session)
        apply_units(session, [UnitRow(code, f"Kota Uji {code}", "kota", "16", issuer=issuer)])
    return code, issuer


def files_for(unit: str, issuer: str) -> dict[str, bytes]:
    grey = ScanStyle(dpi=150, skew_degrees=-3, noise=20, watermark=True)
    colour = ScanStyle(dpi=200, colour=True, skew_degrees=2, jpeg_quality=40, seed=2)
    signed = signed_pdf(decree_pdf(office=issuer))
    return {
        "scan": scan_of(decree_pdf(office=issuer), grey),
        "letter": scan_of(text_pdf(LETTER), ScanStyle(dpi=150, seed=3)),
        "old": scan_of(decree_pdf(office=issuer, date_text="pada tanggal 4 Juni 2019"), colour),
        "other": scan_of(decree_pdf(office="WALI KOTA PALEMBANG"), ScanStyle(dpi=150, seed=4)),
        "signed": signed,
        "modified": modified_after_signing(signed),
    }


def codes_of(document: dict[str, Any]) -> dict[str, str]:
    return {f["check_id"]: f["reason_code"] for f in document["findings"]}


EXPECTED = {
    "scan": ("passed", None),
    "letter": ("failed", "decree-markers-missing"),
    "old": ("needs_review", "decree-date-outside-period"),
    "other": ("failed", "decree-wrong-issuer"),
    "signed": ("passed", None),
    "modified": ("needs_review", "esign-modified"),
}


@pytest.fixture
def stack(
    pg_settings: Settings, tmp_path: Path, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> Iterator[tuple[httpx.Client, sessionmaker[Session]]]:
    factory = sessions_for(pg_settings)
    headers = make_key(factory)
    api, base = start_api(pg_settings, tmp_path)
    checks = start_worker(pg_settings, tmp_path, queues="checks", concurrency=1)
    ocr = start_worker(pg_settings, tmp_path, queues="ocr", concurrency=1)
    try:
        with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
            yield client, factory
    finally:
        for process in (ocr, checks, api):
            process.stop()


def test_scanned_and_signed_decrees_end_in_exact_statuses_through_the_workers(
    stack: tuple[httpx.Client, sessionmaker[Session]],
) -> None:
    client, factory = stack
    unit, issuer = own_kota(factory)
    ids: dict[str, str] = {}
    for key, data in files_for(unit, issuer).items():
        name = f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_{len(ids) + 1:02d}.pdf"
        answer = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/documents",
            files={"files": (name, data, "application/pdf")},
        )
        assert answer.status_code == 202, answer.text
        ids[key] = answer.json()["documents"][0]["id"]
    final = wait_final(client, list(ids.values()), timeout=240)
    docs = {key: final[doc_id] for key, doc_id in ids.items()}
    for key, (status, reason) in EXPECTED.items():
        assert (docs[key]["status"], docs[key]["status_reason"]) == (status, reason), docs[key]

    scan = codes_of(docs["scan"])
    assert scan["pdf-text-layer"] == "pdf-text-ocr"
    assert (scan["decree-structure"], scan["decree-issuer"]) == ("decree-ok", "decree-issuer-ok")
    said = next(f for f in docs["scan"]["findings"] if f["check_id"] == "pdf-text-layer")
    assert "OCR" in said["message"]
    assert "%" in said["message"]
    other = next(f for f in docs["other"]["findings"] if f["check_id"] == "decree-issuer")
    assert "Kota Palembang" in other["message"]
    signed = next(f for f in docs["signed"]["findings"] if f["check_id"] == "pdf-signature")
    assert signed["reason_code"] == "esign-intact-unverified"
    assert "SRI ASTUTI" in signed["message"]
    assert "tidak diverifikasi" in signed["message"]


def test_absah_verify_reads_scans_and_signatures_offline(tmp_path: Path) -> None:
    folder = tmp_path / "bukti"
    folder.mkdir()
    files = files_for("1672", "WALI KOTA PRABUMULIH")
    for n, key in enumerate(("scan", "other", "signed", "modified"), start=1):
        (folder / f"1672_P2HAM_2025_P2H-00-SKTIM_SK_{n:02d}.pdf").write_bytes(files[key])
    env = settings_env(Settings(data_dir=tmp_path / "data"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "absah.cli",
            "verify",
            str(folder),
            "-p",
            "P2HAM",
            "--period",
            "2025",
            "-u",
            "1672",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    by_seq = {d["name"][-6:-4]: d for d in report["documents"]}
    got = {seq: (d["status"], d["reason_code"]) for seq, d in by_seq.items()}
    assert got == {
        "01": ("passed", None),
        "02": ("failed", "decree-wrong-issuer"),
        "03": ("passed", None),
        "04": ("needs_review", "esign-modified"),
    }, by_seq
