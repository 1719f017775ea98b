"""Stand-ins at the system boundary for tests that are not about it: senders that record,
a broker and a store that are down."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.queue import VERIFY_DOCUMENT
from infra.storage import StorageUnavailable


class Sender:
    """Records what would have been enqueued (the broker is not what these tests are about)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_task(self, name: str, kwargs: dict[str, Any], **_: Any) -> None:
        if name == VERIFY_DOCUMENT:
            self.sent.append(kwargs["document_id"])


class Messages:
    """Records every message as (task name, keyword arguments), in the order sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send_task(self, name: str, kwargs: dict[str, Any], **_: Any) -> None:
        self.sent.append((name, kwargs))


class DownBroker:
    """A broker that is away: every send fails as a refused connection does."""

    def send_task(self, name: str, kwargs: dict[str, Any], **_: Any) -> None:
        raise ConnectionRefusedError("broker away")


class DownStore:
    """Storage that is unreachable."""

    def check(self) -> None:
        raise StorageUnavailable("connection refused")

    def download(self, key: str, dest: Path) -> None:
        raise StorageUnavailable("connection refused")
