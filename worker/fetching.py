"""Fetch a document's bytes and prove they are the bytes intake recorded (size and SHA-256)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from infra.storage import ObjectStore

CHUNK = 1024 * 1024


class ObjectChanged(Exception):
    """The stored object is not the one that was received: no verdict may come of it."""


def fetch_object(store: ObjectStore, key: str, size: int, sha256: str, dest: Path) -> None:
    """Download `key` to `dest`; raise ObjectChanged when its size or SHA-256 differ."""
    store.download(key, dest)
    digest, got = hashlib.sha256(), 0
    with dest.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            got += len(block)
    if got != size or digest.hexdigest() != sha256:
        raise ObjectChanged(
            f"stored object {key} is {got} bytes, sha256 {digest.hexdigest()}; "
            f"recorded {size} bytes, sha256 {sha256}"
        )
