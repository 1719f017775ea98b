"""Idempotency-Key: the same request replays, another body is refused, dead reservations expire."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.tables import Document, IdempotencyRecord, Submission, utcnow
from intake.app import create_app
from tests.support.factories import photo_jpeg
from tests.support.services import make_key, make_unit
from worker.runtime import WorkerRuntime
from worker.uploads import expire_idempotency_records

Factory = Callable[[Settings], sessionmaker[Session]]
PHOTO = "P2H-02-LAKTASI"


@pytest.fixture
def api(
    sqlite_settings: Settings, sessions_for: Factory
) -> Iterator[tuple[TestClient, str, sessionmaker[Session]]]:
    factory = sessions_for(sqlite_settings)
    with TestClient(create_app(sqlite_settings), headers=make_key(factory)) as client:
        yield client, make_unit(factory), factory


def send(
    client: TestClient,
    unit: str,
    key: str,
    photo: bytes,
    name: str = "foto.jpg",
    criterion: str = PHOTO,
) -> Any:  # the TestClient's response
    return client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        data={"criterion": criterion},
        files={"files": (name, photo, "image/jpeg")},
        headers={"Idempotency-Key": key},
    )


def documents(factory: sessionmaker[Session], unit: str) -> int:
    with factory() as session:
        return int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Document)
                .join(Submission)
                .where(Submission.unit_code == unit)
            )
            or 0
        )


FIRST = photo_jpeg(seed=61)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"photo": photo_jpeg(seed=62)}, id="other bytes"),
        pytest.param({"name": "foto-lain.jpg"}, id="other file name"),
        pytest.param({"criterion": "P2H-02-IBADAH"}, id="other criterion field"),
    ],
)
def test_the_same_key_with_another_body_is_refused_and_the_first_answer_stays(
    api: tuple[TestClient, str, sessionmaker[Session]], change: dict[str, Any]
) -> None:
    client, unit, factory = api
    first = send(client, unit, "k-1", FIRST)
    assert first.status_code == 202, first.text
    other = send(client, unit, "k-1", **({"photo": FIRST} | change))
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["message"]
    assert documents(factory, unit) == 1
    again = send(client, unit, "k-1", FIRST)  # the same request still replays its answer
    assert again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def _orphan(factory: sessionmaker[Session], key: str, age_seconds: float) -> None:
    """Make the answered record look like a reservation whose request died `age` ago."""
    with transaction(factory) as session:
        session.execute(
            sa.update(IdempotencyRecord)
            .where(IdempotencyRecord.key == key)
            .values(
                status_code=None,
                response=None,
                token="dead-request",
                created_at=utcnow() - timedelta(seconds=age_seconds),
            )
        )


def test_a_reservation_whose_request_died_is_taken_over_once_its_lease_has_run_out(
    api: tuple[TestClient, str, sessionmaker[Session]], sqlite_settings: Settings
) -> None:
    client, unit, factory = api
    assert send(client, unit, "k-2", FIRST).status_code == 202
    lease = sqlite_settings.idempotency_lease_seconds

    _orphan(factory, "k-2", age_seconds=lease / 2)
    busy = send(client, unit, "k-2", FIRST)
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency_in_progress"
    assert int(busy.headers["Retry-After"]) in range(1, 31)

    _orphan(factory, "k-2", age_seconds=lease + 1)
    taken = send(client, unit, "k-2", FIRST)
    assert taken.status_code == 202, taken.text
    assert "Idempotent-Replayed" not in taken.headers
    replayed = send(client, unit, "k-2", FIRST)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json()["id"] == taken.json()["id"]


def test_the_sweeper_deletes_records_past_their_retention_and_keeps_the_others(
    api: tuple[TestClient, str, sessionmaker[Session]], sqlite_settings: Settings
) -> None:
    client, unit, factory = api
    for key, seed in (("old-answered", 63), ("old-reserved", 64), ("fresh", 65)):
        assert send(client, unit, key, photo_jpeg(seed=seed)).status_code == 202
    retention = sqlite_settings.idempotency_retention_seconds
    _orphan(factory, "old-reserved", age_seconds=retention + 60)
    with transaction(factory) as session:
        session.execute(
            sa.update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old-answered")
            .values(created_at=utcnow() - timedelta(seconds=retention + 60))
        )

    assert expire_idempotency_records(WorkerRuntime(sqlite_settings)) == 2
    with factory() as session:
        left = session.scalars(sa.select(IdempotencyRecord.key)).all()
    assert left == ["fresh"]
