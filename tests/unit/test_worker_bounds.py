"""Per-task bounds of a worker child: Celery's time limits and memory recycling, a hard RLIMIT."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from infra.queue import celery_config
from infra.settings import Settings
from tests.support import factories
from tests.support.stack import ROOT
from worker import extract
from worker.limits import ExtractLimits


def test_every_task_has_a_soft_and_hard_time_limit_and_children_are_recycled_by_memory(
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        broker_url="redis://127.0.0.1:1/0",
        task_soft_time_limit=50,
        task_time_limit=60,
        worker_max_memory_mb=700,
    )
    config = celery_config(settings)
    assert (config["task_soft_time_limit"], config["task_time_limit"]) == (50, 60)
    assert config["worker_max_memory_per_child"] == 700 * 1024  # Celery counts KiB
    assert config["broker_transport_options"]["visibility_timeout"] > 60


PROBE = """
import sys
from worker.app import bound_memory
bound_memory(int(sys.argv[1]))
try:
    block = bytearray(int(sys.argv[2]) * 1024 * 1024)
except MemoryError:
    print("MemoryError")
else:
    print("allocated")
"""


@pytest.mark.parametrize(
    ("limit_mb", "allocate_mb", "outcome"),
    [
        pytest.param(512, 768, "MemoryError", id="past the bound"),
        pytest.param(512, 128, "allocated", id="within the bound"),
        pytest.param(0, 768, "allocated", id="bound turned off"),
    ],
)
def test_a_bounded_process_gets_memory_error_past_its_bound_and_lives_on(
    limit_mb: int, allocate_mb: int, outcome: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(limit_mb), str(allocate_mb)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout.strip() == outcome, run.stderr


def _exhausted(*_: object, **__: object) -> None:
    raise MemoryError


@pytest.mark.parametrize(
    ("owner", "name", "data"),
    [
        pytest.param(extract, "PdfReader", b"%PDF-1.4\n%%EOF\n", id="pdf"),
        pytest.param(Image, "open", factories.photo_png(32, 32), id="image"),
    ],
)
def test_a_file_that_exhausts_the_memory_bound_is_not_reported_broken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner: object, name: str, data: bytes
) -> None:
    """The bound is the system's limit, not a verdict on the file: the MemoryError reaches the
    pipeline, which retries and, past its attempts, ends the document unable_to_check."""
    monkeypatch.setattr(owner, name, _exhausted)
    path = tmp_path / "berkas"
    path.write_bytes(data)
    with pytest.raises(MemoryError):
        extract.extract_facts(
            path,
            name="berkas",
            size=len(data),
            sha256="0" * 64,
            declared_mime=None,
            limits=ExtractLimits(),
        )
