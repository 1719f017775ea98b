"""The example portal client, run as a portal developer would, against a real API and worker."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import make_key, make_unit
from tests.support.stack import ROOT, start_api, start_worker

pytestmark = pytest.mark.e2e


def test_the_example_client_uploads_a_folder_hears_the_webhook_and_prints_every_status(
    pg_settings: Settings,
    tmp_path: Path,
    sessions_for: Callable[[Settings], sessionmaker[Session]],
) -> None:
    settings = pg_settings.model_copy(
        update={"webhook_allow_private": True, "webhook_backoff_seconds": 0.2}
    )
    factory = sessions_for(settings)
    unit = make_unit(factory, kind="lapas")
    key = make_key(factory, "portal", units=[unit])["Authorization"].removeprefix("Bearer ")
    folder = tmp_path / "bukti"
    (folder / "P2H-02-LAKTASI").mkdir(parents=True)
    (folder / "P2H-02-LAKTASI" / "1.jpg").write_bytes(photo_jpeg(seed=61))
    (folder / "P2H-02-LAKTASI" / "2.jpg").write_bytes(photo_jpeg(seed=62))
    (folder / f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf").write_bytes(decree_pdf())
    (folder / "catatan.txt").write_text("tidak terikat kriteria")
    api, base = start_api(settings, tmp_path)
    worker = start_worker(settings, tmp_path)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "examples/portal_client.py",
                str(folder),
                "--url",
                base,
                "--key",
                key,
                *("--programme", "P2HAM", "--period", "2025", "--unit", unit),
                *("--listen", "0", "--timeout", "90"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=150,
            check=False,
        )
    finally:
        worker.stop()
        api.stop()
    out = done.stdout
    assert "3 file(s) queued, 1 refused at intake" in out, out + done.stderr
    assert "webhook: 1 verified batch.completed event(s), 0 refused" in out
    assert out.count("passed") >= 3
    assert "criterion_missing" in out
    assert done.returncode == 1  # one file was refused, so not everything passed
