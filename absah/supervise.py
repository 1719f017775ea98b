"""The supervisor of `absah run` (and of `absah worker`): each part a child process, restarted
with backoff when it dies."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType

import click

Start = Callable[[], "subprocess.Popen[bytes]"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def ends_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for a part, so that it ends when absah run does, even when absah run is
    killed outright (SIGKILL leaves it no time to stop anything): the kernel sends the part
    SIGTERM (Linux's PR_SET_PDEATHSIG). None where there is no such call."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the child
    parent = os.getpid()

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # absah run died before the signal was armed
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


@dataclass
class Part:
    """One supervised process: how to start it, and its restart state."""

    name: str
    start: Start
    stop_timeout: float = 30.0
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    delay: float = 0.0
    restart_at: float | None = None


def part(name: str, args: list[str], env: dict[str, str], *, stop_timeout: float = 30.0) -> Part:
    """An `absah ARGS` child process that ends when its supervisor does."""
    command = [sys.executable, "-m", "absah.cli", *args]
    return Part(
        name,
        lambda: subprocess.Popen(command, env=env, preexec_fn=ends_with_parent()),
        stop_timeout=stop_timeout,
    )


class Supervisor:
    """Starts the parts in order, restarts one that dies (1 s, 2 s, 4 s … at most `max_delay`;
    back to 1 s once a part has run `stable` seconds), logs each restart, and stops them all
    in reverse order on SIGTERM or Ctrl-C."""

    def __init__(
        self,
        parts: list[Part],
        *,
        min_delay: float = 1.0,
        max_delay: float = 30.0,
        stable: float = 60.0,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.parts = parts
        self.min_delay, self.max_delay, self.stable = min_delay, max_delay, stable
        self.echo = echo or (lambda text: click.echo(f"absah: {text}", err=True))
        self.stopping = False

    def request_stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> None:
        """Start everything and watch until asked to stop; then stop everything."""
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
            ran = now - part.started_at
            part.delay = self.min_delay if ran >= self.stable or part.delay == 0 else part.delay * 2
            part.delay = min(part.delay, self.max_delay)
            part.restart_at = now + part.delay
            self.echo(
                f"{part.name} exited (code {part.process.returncode}) after {ran:.0f} s; "
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
