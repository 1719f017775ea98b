"""Who holds a claim or a lock (host, process, task), and whether that holder is provably gone."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache


@cache
def this_host() -> str:
    """This machine as a claim records it: the host name and the pid namespace.

    Two containers may share a host name while their process ids are counted apart; the
    namespace keeps "same host, pid not alive" a proof and not a guess.
    """
    try:
        namespace = os.readlink("/proc/self/ns/pid")  # pid:[4026531836]
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{namespace}"[:255]


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True  # no /proc here: kill(0) said it exists


@dataclass(frozen=True)
class Holder:
    """The process holding a claim: a worker child, identified to prove it dead later."""

    host: str
    pid: int
    task_id: str | None = None

    @classmethod
    def here(cls, task_id: str | None = None) -> Holder:
        return cls(this_host(), os.getpid(), task_id)

    def replaces(self, host: str | None, pid: int | None, task_id: str | None) -> bool:
        """Whether a claim recorded by (host, pid, task_id) is provably abandoned for this
        holder: the same message delivered again (a message is redelivered only once its
        earlier run ended: a retry, a lost worker, or a visibility timeout far above the hard
        time limit), or a holder that is gone."""
        if task_id is not None and task_id == self.task_id:
            return True
        return holder_gone(host, pid)


def holder_gone(host: str | None, pid: int | None) -> bool:
    """Provably gone: recorded on this machine and its process is not alive — or it is this
    very process, which checks one document at a time, so a claim of its own that it is not
    working on was left by an earlier task (a lost database connection mid-check)."""
    if host is None or pid is None or host != this_host():
        return False
    return pid == os.getpid() or not process_alive(pid)
