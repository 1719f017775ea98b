"""`absah verify` on a generated folder and ZIP: the worker's checks, offline, with exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra.units import seed_issuer_registry
from rules.catalogs import load_catalogs
from tests.support.factories import decree_pdf, photo_jpeg, text_pdf
from tests.support.stack import ROOT

DECLARATION = (
    "SURAT PERNYATAAN PENCANANGAN PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA\n"
    "Yang bertanda tangan di bawah ini, Wali Kota Palembang, menyatakan pencanangan "
    "P2HAM pada unit pelayanan kami."
)


def complete_folder(root: Path, unit: str = "1671") -> Path:
    """Everything a `kota` needs for P2HAM 2025, in criterion folders and canonical names."""
    catalog, _ = load_catalogs().select("P2HAM", "2025")
    seed = 0
    for cid, criterion in catalog.leaves.items():
        folder = root / "bukti" / cid
        folder.mkdir(parents=True, exist_ok=True)
        for req in criterion.evidence:
            for n in range(req.min):
                seed += 1
                if req.kind in ("facility_photo", "activity_photo"):
                    (folder / f"foto-{seed:02d}.jpg").write_bytes(photo_jpeg(seed=seed))
                elif req.kind == "declaration_pdf":
                    name = f"{unit}_P2HAM_2025_{cid}_PERNYATAAN_{n + 1:02d}.pdf"
                    (root / name).write_bytes(text_pdf(DECLARATION))
                elif req.kind == "sk_decree_pdf":
                    (root / f"{unit}_P2HAM_2025_{cid}_SK_{n + 1:02d}.pdf").write_bytes(
                        decree_pdf(office=seed_issuer_registry()[1][unit][0])  # its own decree
                    )
    return root


def verify(path: Path, *extra: str, unit: str = "1671") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "absah.cli",
            "verify",
            str(path),
            "--programme",
            "P2HAM",
            "--period",
            "2025",
            "--unit",
            unit,
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def as_zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def test_a_complete_folder_passes_with_exit_status_zero(tmp_path: Path) -> None:
    done = verify(complete_folder(tmp_path / "bukti-kota"), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["ok"] is True
    assert report["unit_kind"] == "kota"
    assert {d["status"] for d in report["documents"]} == {"passed"}
    statuses = {c["id"]: c["status"] for c in report["criteria"]}
    assert statuses["P2H-02-KUNJUNGAN"] == "not_applicable"  # only prisons need it
    assert set(statuses.values()) == {"complete", "not_applicable"}


def test_the_same_evidence_as_a_zip_gives_the_same_verdicts(tmp_path: Path) -> None:
    folder = complete_folder(tmp_path / "bukti")
    from_folder = json.loads(verify(folder, "--format", "json").stdout)
    from_zip = json.loads(verify(as_zip(folder, tmp_path / "bukti.zip"), "--format", "json").stdout)
    assert [(d["name"], d["status"]) for d in from_zip["documents"]] == [
        (d["name"], d["status"]) for d in from_folder["documents"]
    ]
    assert from_zip["criteria"] == from_folder["criteria"]


def test_problems_give_exit_one_and_reasons_a_verifier_can_act_on(tmp_path: Path) -> None:
    folder = complete_folder(tmp_path / "bukti")
    laktasi = folder / "bukti" / "P2H-02-LAKTASI"
    for photo in laktasi.iterdir():
        photo.unlink()
    (laktasi / "scan.jpg").write_bytes(decree_pdf())  # a PDF renamed .jpg
    (folder / "catatan.txt").write_text("tanpa kriteria")
    done = verify(folder)
    assert done.returncode == 1
    table = done.stdout
    assert "DITOLAK     P2H-02-LAKTASI       bukti/P2H-02-LAKTASI/scan.jpg" in table
    assert "Isi berkas terdeteksi sebagai dokumen PDF" in table
    assert "Kriteria tidak diketahui" in table
    assert "P2H-02-LAKTASI       BELUM LENGKAP" in table
    assert "kurang: Foto fasilitas 0/2" in table
    assert table.rstrip().endswith("Hasil: BELUM LENGKAP ATAU ADA MASALAH")


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--programme", "NOPE", "--period", "2025", "--unit", "1671"], "unknown programme"),
        (["--programme", "AKSIHAM", "--period", "2025-B06", "--unit", "1671"], "2025-B06"),
        (["--programme", "P2HAM", "--unit", "1671"], "Missing option '--period'"),
    ],
    ids=["unknown-programme", "bad-period", "missing-option"],
)
def test_bad_usage_exits_two_with_a_message(
    tmp_path: Path, args: list[str], complaint: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "absah.cli", "verify", str(tmp_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert complaint in done.stderr


def test_a_hostile_zip_is_refused_with_exit_two(tmp_path: Path) -> None:
    bad = tmp_path / "bukan.zip"
    bad.write_bytes(b"bukan zip")
    done = verify(bad)
    assert done.returncode == 2
    assert "not_a_zip" in done.stderr
