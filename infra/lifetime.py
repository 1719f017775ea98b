"""A child process's life tied to its parent's: when the parent dies, however it dies (SIGKILL
leaves it no time to stop anything), the kernel sends the child SIGTERM (Linux's
PR_SET_PDEATHSIG). Elsewhere than Linux there is no such call and nothing is armed."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return prctl


def end_with(parent: int, prctl: Callable[..., int] | None = None) -> None:
    """Called in the child: SIGTERM to this process when `parent` dies; at once if `parent`
    is already gone (it died between the fork and this call)."""
    prctl = prctl or _prctl()
    if prctl is None:
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


def ends_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for a child started by this process, tying it to this process."""
    prctl = _prctl()  # looked up here, not in the child between fork and exec
    if prctl is None:
        return None
    parent = os.getpid()
    return lambda: end_with(parent, prctl)
