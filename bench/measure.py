"""What /proc says about processes and the machine: peak memory, CPU time, load."""

from __future__ import annotations

import math
import mmap
import os
import platform
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


@dataclass(frozen=True)
class Memory:
    """VmHWM (peak resident set) and VmRSS (current), in bytes."""

    peak: int
    current: int


def memory(pid: int) -> Memory:
    fields: dict[str, int] = {}
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) * 1024  # kB
    return Memory(fields.get("VmHWM", 0), fields.get("VmRSS", 0))


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after `comm` (which may hold spaces and parentheses)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process itself has used so far."""
    rest = _stat(pid)
    return (int(rest[11]) + int(rest[12])) / _TICKS  # utime, stime (fields 14, 15)


def _pids() -> Iterator[int]:
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def pids_with_cmdline(fragment: str) -> list[int]:
    """Processes whose command line contains `fragment` (e.g. PostgreSQL backends of a database)."""
    found = []
    needle = fragment.encode()
    for candidate in _pids():
        try:
            if needle in (PROC / str(candidate) / "cmdline").read_bytes():
                found.append(candidate)
        except OSError:
            continue
    return found


def total_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (OSError, ValueError, IndexError):
            continue
    return total


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def fresh_page_us(megabytes: int = 32, rounds: int = 3) -> float:
    """Microseconds of CPU the kernel takes to give this process a new page (the fault and its
    zeroing), the fastest of `rounds` fresh mappings of `megabytes`, each page touched once.

    Every megabyte a process writes to a new file or allocates afresh pays this per page: on
    bare metal a fraction of a microsecond, on a virtual machine several times more. The stack
    writes each file's bytes to new files (the request body, then the entry) and in-process
    checking does not, so the figure tells how much of the ratio is this machine's.
    """
    page = mmap.PAGESIZE
    best = math.inf
    for _ in range(rounds):
        with mmap.mmap(-1, megabytes * MB) as region:
            started = time.process_time()
            for offset in range(0, len(region), page):
                region[offset] = 1
            best = min(best, time.process_time() - started)
    return 1e6 * best / (megabytes * MB // page)


def machine() -> dict[str, object]:
    meminfo = (PROC / "meminfo").read_text().split("\n", 1)[0]  # MemTotal:  N kB
    return {
        "cores": os.cpu_count(),
        "ram_mb": int(meminfo.split()[1]) // 1024,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "fresh_page_us": round(fresh_page_us(), 2),
    }


class RssSampler:
    """Samples a process's VmRSS in a thread; `peak` is the largest value seen."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, memory(self.pid).current)
            except OSError:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (fraction in 0..1); 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
