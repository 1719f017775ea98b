"""The supervisor of `absah run` and `absah worker`, over real child processes: when a part
that ends is started again, when it is not, and what a second stop request does."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

from absah.supervise import Part, Supervisor


def child(code: str) -> Part:
    return Part("child", lambda: subprocess.Popen([sys.executable, "-c", code]))


def quiet(parts: list[Part], **options: float) -> tuple[Supervisor, list[str]]:
    said: list[str] = []
    return Supervisor(parts, min_delay=0.05, echo=said.append, **options), said


def stop_after(supervisor: Supervisor, seconds: float) -> None:
    def stop() -> None:
        time.sleep(seconds)
        supervisor.request_stop(signal.SIGTERM, None)

    threading.Thread(target=stop, daemon=True).start()


def run_to_its_own_end(supervisor: Supervisor) -> int:
    """Run a supervisor that must end by itself, long before the safety-net stop at 5 s."""
    stop_after(supervisor, 5.0)
    started = time.monotonic()
    code = supervisor.run()
    assert time.monotonic() - started < 4
    return code


def test_a_part_that_fails_is_started_again() -> None:
    part = child("import sys; sys.exit(3)")
    supervisor, said = quiet([part])
    stop_after(supervisor, 1.0)
    assert supervisor.run() == 0
    assert part.restarts >= 2
    assert any("exited (code 3)" in line and "restarting" in line for line in said)


def test_a_first_run_that_fails_fast_ends_the_supervisor_with_its_status() -> None:
    """A bad setting: the command that started the supervisor must see the failure instead of
    a part restarted for ever."""
    part = child("import sys; sys.exit(3)")
    supervisor, said = quiet([part], fail_fast=10.0)
    assert run_to_its_own_end(supervisor) == 3
    assert part.restarts == 0
    assert "not restarting" in said[-1]


def test_a_part_killed_by_a_signal_is_started_again_even_when_failing_fast() -> None:
    part = child("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    supervisor, _ = quiet([part], fail_fast=10.0)
    stop_after(supervisor, 1.0)
    assert supervisor.run() == 0
    assert part.restarts >= 1


def test_a_part_done_when_ok_that_ends_with_0_ends_the_supervisor() -> None:
    part = child("pass")
    part.done_when_ok = True
    supervisor, said = quiet([part])
    assert run_to_its_own_end(supervisor) == 0
    assert part.restarts == 0
    assert "ended by itself" in said[-1]


def test_a_second_stop_request_hurries_a_part_that_ignores_the_first() -> None:
    """Celery stops warm on SIGTERM (running checks finish); a second request sends its cold
    stop signal. Here the child ignores SIGTERM and ends only on SIGQUIT."""
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGQUIT, lambda *_: sys.exit(0))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    part = Part(
        "stubborn",
        lambda: subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE),
        stop_timeout=30,
        hurry=signal.SIGQUIT,
    )
    supervisor, _ = quiet([part])

    def stop_twice() -> None:
        while part.process is None:
            time.sleep(0.01)
        assert part.process.stdout is not None
        part.process.stdout.readline()  # its handlers are in place
        supervisor.request_stop(signal.SIGTERM, None)
        time.sleep(0.5)
        supervisor.request_stop(signal.SIGTERM, None)

    threading.Thread(target=stop_twice, daemon=True).start()
    started = time.monotonic()
    assert supervisor.run() == 0
    assert time.monotonic() - started < 10  # not the 30 s stop timeout
    assert part.process is not None
    assert part.process.returncode == 0  # it ended on SIGQUIT, not killed
