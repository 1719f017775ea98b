"""The supervisor of `absah run` (and of `absah worker`): each part a child process, restarted
with backoff when it dies."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import click

from infra.lifetime import ends_with_parent

Start = Callable[[], "subprocess.Popen[bytes]"]


@dataclass
class Part:
    """One supervised process: how to start it, and its restart state."""

    name: str
    start: Start
    stop_timeout: float = 30.0
    hurry: int | None = None  # sent on a second stop request (Celery: SIGQUIT, a cold stop)
    done_when_ok: bool = False  # an exit with code 0 is the part's choice: stop, not restart
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    delay: float = 0.0
    restart_at: float | None = None


def part(name: str, args: list[str], env: dict[str, str], **options: Any) -> Part:
    """An `absah ARGS` child process that ends when its supervisor does."""
    command = [sys.executable, "-m", "absah.cli", *args]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, preexec_fn=ends_with_parent())

    return Part(name, start, **options)


class Supervisor:
    """Starts the parts in order, restarts one that dies (1 s, 2 s, 4 s … at most `max_delay`;
    back to 1 s once a part has run `stable` seconds), logs each restart, and stops them all
    in reverse order on SIGTERM or Ctrl-C (a second one sends each part its `hurry` signal).

    With `fail_fast` seconds, a part whose very first run exits with an error status sooner
    than that is a fault to fix (a bad setting), not a crash to ride out: everything stops and
    `run` returns that status, so whatever started the supervisor sees the failure."""

    def __init__(
        self,
        parts: list[Part],
        *,
        min_delay: float = 1.0,
        max_delay: float = 30.0,
        stable: float = 60.0,
        fail_fast: float | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.parts = parts
        self.min_delay, self.max_delay, self.stable = min_delay, max_delay, stable
        self.fail_fast = fail_fast
        self.echo = echo or (lambda text: click.echo(f"absah: {text}", err=True))
        self.stopping = False
        self.exit_code = 0

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        if self.stopping:  # asked again while stopping: hurry the parts that can be hurried
            for part in self.parts:
                if part.hurry is not None and part.process and part.process.poll() is None:
                    part.process.send_signal(part.hurry)
        self.stopping = True

    def run(self) -> int:
        """Start everything and watch until asked to stop (or a part ends the run); then stop
        everything. Returns 0, or the status of a part that failed fast."""
        previous = {s: signal.signal(s, self.request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            for part in self.parts:
                if self.stopping:
                    break
                self._start(part, first=True)
            while not self.stopping:
                self.watch()
                time.sleep(0.2)
        finally:
            self.stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self.exit_code

    def watch(self) -> None:
        """One round: notice parts that died, restart those whose delay is over."""
        now = time.monotonic()
        for part in self.parts:
            if self.stopping:
                return
            if part.restart_at is not None:
                if now >= part.restart_at:
                    self._start(part, first=False)
                continue
            if part.process is None or part.process.poll() is None:
                continue
            code, ran = part.process.returncode, now - part.started_at
            if code == 0 and part.done_when_ok:
                self.echo(f"{part.name} ended by itself (code 0) after {ran:.0f} s; stopping")
                self.stopping = True
                return
            if self.fail_fast and part.restarts == 0 and code > 0 and ran < self.fail_fast:
                self.echo(
                    f"{part.name} exited (code {code}) {ran:.0f} s after it started; not "
                    "restarting: see its message above"
                )
                self.exit_code, self.stopping = code, True
                return
            part.delay = self.min_delay if ran >= self.stable or part.delay == 0 else part.delay * 2
            part.delay = min(part.delay, self.max_delay)
            part.restart_at = now + part.delay
            self.echo(
                f"{part.name} exited (code {code}) after {ran:.0f} s; "
                f"restarting in {part.delay:g} s"
            )

    def _start(self, part: Part, *, first: bool) -> None:
        part.restart_at = None
        part.started_at = time.monotonic()
        try:
            part.process = part.start()
        except Exception as exc:  # e.g. a port taken: counts as a death, retried with backoff
            self.echo(f"{part.name} did not start: {exc}")
            part.process = None
            part.delay = min(max(part.delay * 2, self.min_delay), self.max_delay)
            part.restart_at = time.monotonic() + part.delay
            if first:
                raise
            return
        if not first:
            part.restarts += 1
            self.echo(f"{part.name} restarted (pid {part.process.pid}, restart {part.restarts})")

    def stop_all(self) -> None:
        self.stopping = True
        for part in reversed(self.parts):
            proc = part.process
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=part.stop_timeout)
            except subprocess.TimeoutExpired:
                self.echo(f"{part.name} did not stop in {part.stop_timeout:g} s; killed")
                proc.kill()
                proc.wait(timeout=10)
