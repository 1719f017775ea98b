"""Batches of evidence for the fault and recovery tests, and what their rows must look like
once settled: every document final once, no finding twice."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.tables import Document, FindingRow, Submission
from tests.support.factories import photo_jpeg
from tests.support.stack import (
    FINAL,
    wait_until,
)

PHOTO_ITEMS = ["P2H-01-PARKIR", "P2H-01-RAMP", "P2H-02-LOKET", "P2H-02-TOILET", "P2H-02-LAKTASI"]


EXPLAINED = {"attempts-exhausted", "object-missing"}


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def photos(count: int, seed: int) -> dict[str, bytes]:
    """Distinct photos (800 px: a smaller one goes to a person) over photo criteria, by folder."""
    return {
        f"{PHOTO_ITEMS[i % len(PHOTO_ITEMS)]}/foto-{seed}-{i:03d}.jpg": photo_jpeg(
            1066 + i % 64, 800, seed=seed * 1000 + i, exif_datetime=None, quality=60
        )
        for i in range(count)
    }


def upload_bundle(client: httpx.Client, unit: str, entries: dict[str, bytes]) -> list[str]:
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/bundles",
        content=zip_of(entries),
        headers={"Content-Type": "application/zip"},
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["total"] == len(entries), answer.json()["rejected"]
    return [d["id"] for d in answer.json()["documents"]]


def upload_files(
    client: httpx.Client, unit: str, entries: dict[str, bytes], **headers: str
) -> httpx.Response:
    files = [
        ("files", (name.rsplit("/", 1)[-1], data, "image/jpeg")) for name, data in entries.items()
    ]
    return client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        data={"criterion": "P2H-02-LAKTASI"},
        files=files,
        headers=headers,
    )


@dataclass(frozen=True)
class Row:
    status: str
    reason: str | None
    attempts: int
    rechecks: int


def rows(factory: sessionmaker[Session], unit: str) -> dict[str, Row]:
    with factory() as session:
        found = session.execute(
            sa.select(
                Document.id,
                Document.status,
                Document.status_reason,
                Document.attempts,
                Document.rechecks,
            )
            .join(Submission, Document.submission_id == Submission.id)
            .where(Submission.unit_code == unit)
        )
        return {r.id: Row(r.status, r.status_reason, r.attempts, r.rechecks) for r in found}


def wait_rows(
    factory: sessionmaker[Session], unit: str, statuses: set[str], timeout: float
) -> dict[str, Row]:
    """Poll until every document of the unit has one of `statuses`; fail showing the rows."""
    seen: dict[str, Row] = {}

    def reached() -> bool:
        seen.clear()
        seen.update(rows(factory, unit))
        return bool(seen) and {r.status for r in seen.values()} <= statuses

    try:
        wait_until(reached, timeout, f"every document to be {sorted(statuses)}", interval=0.25)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; now {sorted(set(seen.values()), key=str)}") from None
    return dict(seen)


def all_final(factory: sessionmaker[Session], unit: str, expected: int) -> dict[str, Row]:
    now = rows(factory, unit)
    done = len(now) == expected and all(r.status in FINAL for r in now.values())
    return now if done else {}


def statuses_of(factory: sessionmaker[Session], unit: str) -> str:
    """How many of the unit's documents are in each status: what a timed-out wait shows."""
    counts: dict[str, int] = {}
    for row in rows(factory, unit).values():
        counts[row.status] = counts.get(row.status, 0) + 1
    return "statuses " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def assert_settled_once(
    factory: sessionmaker[Session], unit: str, expected: int, max_attempts: int
) -> dict[str, Row]:
    """Every document final, within its attempts, unable_to_check only with a reason, and
    one finding per check: no check recorded twice however often its message came."""
    final = rows(factory, unit)
    assert len(final) == expected
    assert {r.status for r in final.values()} <= FINAL - {"superseded"}
    assert all(r.attempts <= max_attempts for r in final.values()), final
    unexplained = {
        d: r
        for d, r in final.items()
        if r.status == "unable_to_check" and r.reason not in EXPLAINED
    }
    assert not unexplained
    with factory() as session:
        per_document = session.execute(
            sa.select(
                FindingRow.document_id,
                sa.func.count(),
                sa.func.count(sa.distinct(FindingRow.check_id)),
            )
            .where(FindingRow.document_id.in_(list(final)))
            .group_by(FindingRow.document_id)
        ).all()
    assert per_document, "no findings recorded"
    duplicated = [(d, n, distinct) for d, n, distinct in per_document if n != distinct]
    assert not duplicated
    checked = {d for d, r in final.items() if r.status != "unable_to_check"}
    assert checked <= {d for d, _, _ in per_document}
    return final
