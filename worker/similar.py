"""The worker's searches once a file's facts are known: store the photo's pHash and ask the region
for look-alikes; store the PDF's text print and ask for copies in other bytes. Each stores in
a transaction of its own before it searches, so two files checked at once meet each other."""

from __future__ import annotations

from collections.abc import Callable

from infra.copies import find_text_copies, store_text_print
from infra.db import transaction
from infra.photos import find_similar, store_phash
from rules.facts import FileFacts
from rules.similar import FileMatch, PhotoMatch
from rules.textprint import text_print
from worker.runtime import WorkerRuntime

Search = Callable[[FileFacts], list[PhotoMatch]]
CopySearch = Callable[[FileFacts], list[FileMatch]]


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


def copy_search(
    rt: WorkerRuntime, *, document_id: str, submission_id: int, sha256: str
) -> CopySearch:
    """What `check_path` calls once a PDF's facts are known: other units' copies of its text."""

    def search(facts: FileFacts) -> list[FileMatch]:
        printed = text_print(facts.pdf)
        with transaction(rt.sessions) as session:  # none clears an earlier extraction's print
            store_text_print(session, document_id, printed)
        if printed is None:
            return []
        with transaction(rt.sessions) as session:
            return find_text_copies(
                session,
                document_id=document_id,
                submission_id=submission_id,
                sha256=sha256,
                text_sha256=printed,
            )

    return search
