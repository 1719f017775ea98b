"""The README's curl examples run as written on a fresh install (`absah run --port`, embedded
defaults: SQLite, local objects, private Redis), and a taken port stops `absah run` at once
with a message naming the setting."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.stack import ROOT, Process, free_port, wait_until
from tests.support.zips import build

pytestmark = pytest.mark.e2e

STATUS = "@@status="


def block_after(heading: str) -> str:
    """The first ```bash block after a README heading."""
    text = (ROOT / "README.md").read_text()
    start = text.index(heading)
    found = re.search(r"```bash\n(.*?)```", text[start:], re.S)
    assert found, heading
    return found.group(1)


def runnable(block: str, port: int, **placeholders: str) -> str:
    """The block with its lines joined, the port ours, curl telling its status, and the
    `<placeholders>` of read-back lines filled in (lines left with one are skipped)."""
    block = block.replace("\\\n", " ").replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    for name, value in placeholders.items():
        block = block.replace(f"<{name}>", value)
    lines = [line for line in block.splitlines() if "<" not in line]
    text = "\n".join(lines).replace("curl -s ", f"curl -s -w '\\n{STATUS}%{{http_code}}\\n' ")
    return "set -euo pipefail\n" + text + "\n"


def answers(output: str) -> list[tuple[int, Any]]:
    """(status, JSON body) of each curl the block ran."""
    parts = re.split(rf"\n?{STATUS}(\d+)\n", output)
    return [
        (int(code), json.loads(body) if body.strip() else None)
        for body, code in zip(parts[0:-1:2], parts[1::2], strict=True)
    ]


def run_block(script: str, cwd: Path, env: dict[str, str]) -> list[tuple[int, Any]]:
    done = subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return answers(done.stdout)


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder as a new user has it: the evidence files, `.venv/bin/absah`, no data yet."""
    (tmp_path / "1671_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf").write_bytes(decree_pdf())
    (tmp_path / "laktasi1.jpg").write_bytes(photo_jpeg(seed=51))
    (tmp_path / "laktasi2.jpg").write_bytes(photo_jpeg(seed=52))
    (tmp_path / "laktasi2-baru.jpg").write_bytes(photo_jpeg(seed=53))
    (tmp_path / "bukti.zip").write_bytes(
        build(("bukti/P2H-01-PARKIR/foto1.jpg", photo_jpeg(seed=54)))
    )
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "absah").write_text(f'#!/bin/sh\nexec {sys.executable} -m absah.cli "$@"\n')
    (venv / "absah").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ABSAH_")}
    env.update(ABSAH_DATA_DIR=str(tmp_path / "absah-data"), PYTHONPATH=str(ROOT))
    return tmp_path, env


def test_the_readme_examples_answer_as_written_on_a_fresh_install(
    fresh: tuple[Path, dict[str, str]],
) -> None:
    folder, env = fresh
    port = free_port()
    app = Process(["run", "--port", str(port)], env, folder / "run.log")
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert app.alive(), app.output()
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, 90, "absah run to answer /healthz")
        uploads = run_block(runnable(block_after("### Try it with curl"), port), folder, env)
        assert [s for s, _ in uploads] == [202, 202, 202, 200], uploads
        key = (folder / "absah-data" / "admin-key.txt").read_text().strip()
        admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"})

        def checked() -> bool:
            view = admin.get("/v1/submissions/P2HAM/2025/1671").json()
            return all(c["status"] != "pending" for c in view["criteria"])

        wait_until(checked, 90, "the README's uploads to be checked", interval=0.5)

        work = run_block(runnable(block_after("### Verifiers' workspace"), port), folder, env)
        (queue_status, queue), claim, decision, bulk = work
        assert queue_status == 200
        assert [i["unit"]["code"] for i in queue["items"]] == ["1671"]
        assert claim[0] == 200
        assert decision[0] == 201, decision
        assert decision[1]["decision"] == "revision_requested"
        assert bulk[0] == 201, bulk
        assert [d["criterion"] for d in bulk[1]] == ["P2H-02-LAKTASI"]

        view = admin.get("/v1/submissions/P2HAM/2025/1671").json()
        laktasi = next(c for c in view["criteria"] if c["id"] == "P2H-02-LAKTASI")
        old = next(d["id"] for d in laktasi["documents"] if d["name"] == "laktasi2.jpg")
        replaced = run_block(
            runnable(block_after("### Replacing a file"), port, id=old), folder, env
        )
        assert replaced[0][0] == 202, replaced
        assert replaced[0][1]["replaced"]["superseded_by"] == replaced[0][1]["document"]["id"]
    finally:
        app.stop()


def test_absah_run_on_a_taken_port_says_which_setting_to_change(
    fresh: tuple[Path, dict[str, str]],
) -> None:
    folder, env = fresh
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "absah.cli", "run", "--port", str(port)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "--port" in done.stderr
    assert "ABSAH_API_PORT" in done.stderr
    assert not (folder / "absah-data").exists()  # nothing started, nothing created
