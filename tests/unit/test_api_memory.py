"""The API keeps freed megabyte buffers for the next request instead of faulting them in
again (absah/memory.py): each case runs in a fresh interpreter, as an API process starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.stack import ROOT

# A request's buffers: six megabytes allocated, touched and freed, fifty times over
_CYCLES = """
import resource, sys
from absah.memory import keep_freed_buffers
if sys.argv[1] == "keep":
    assert keep_freed_buffers()
elif sys.argv[1] == "factory":  # as uvicorn starts the API
    from absah.asgi import create
    create()
def cycle():
    held = [b"x" * (1 << 20) for _ in range(6)]
    del held
cycle()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    cycle()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str, env: dict[str, str] | None = None) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _CYCLES, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout)


def test_freed_request_buffers_are_reused_without_faulting_pages_in_again() -> None:
    plain, kept = _page_faults("plain"), _page_faults("keep")
    # glibc's default gives the freed top of the heap back: 256 faults a megabyte, each cycle
    assert plain > 50 * 6 * 100
    assert kept < 500


def test_the_api_factory_sets_it_for_every_api_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ABSAH_")}
    env["ABSAH_DATA_DIR"] = str(tmp_path)
    env["ABSAH_BROKER_URL"] = "redis://127.0.0.1:6379/15"  # named, never reached here
    assert _page_faults("factory", env) < 500
