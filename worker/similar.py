"""The worker's near-duplicate search: store the pHash, then ask the region for look-alikes."""

from __future__ import annotations

from collections.abc import Callable

from infra.db import transaction
from infra.photos import find_similar, store_phash
from rules.facts import FileFacts
from rules.similar import PhotoMatch
from worker.runtime import WorkerRuntime

Search = Callable[[FileFacts], list[PhotoMatch]]


def region_search(
    rt: WorkerRuntime, *, document_id: str, submission_id: int, criterion_id: str, sha256: str
) -> Search:
    """What `check_path` calls once a photo's facts are known."""

    def search(facts: FileFacts) -> list[PhotoMatch]:
        phash = facts.image.phash if facts.image else None
        if phash is None:
            return []
        with transaction(rt.sessions) as session:  # committed first: a look-alike checked at
            store_phash(session, document_id, phash)  # the same time finds this one
        with transaction(rt.sessions) as session:
            return find_similar(
                session,
                document_id=document_id,
                submission_id=submission_id,
                criterion_id=criterion_id,
                sha256=sha256,
                phash=phash,
            )

    return search
