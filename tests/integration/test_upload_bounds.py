"""A multipart request is taken whole or not at all: cut off, or over the cap, nothing stays."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.tables import Document, Submission
from intake.app import create_app
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import make_key, make_unit

Factory = Callable[[Settings], sessionmaker[Session]]
BOUNDARY = "absahtestboundary"
CTYPE = f"multipart/form-data; boundary={BOUNDARY}"


def part(name: str, filename: str, data: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
    )


def field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    )


WHOLE = (
    field("criterion", "P2H-02-LAKTASI")
    + part("files", "foto-1.jpg", photo_jpeg(seed=1))
    + part("files", "foto-2.jpg", photo_jpeg(seed=2))
    + f"--{BOUNDARY}--\r\n".encode()
)


def stored(factory: sessionmaker[Session], settings: Settings, unit: str) -> tuple[int, bool]:
    """(documents of the unit, whether any object sits under the unit's prefix)."""
    with factory() as session:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(Document)
            .join(Submission)
            .where(Submission.unit_code == unit)
        )
    objects = settings.objects_dir() / "P2HAM" / "2025" / unit
    return int(count or 0), objects.exists() and any(p.is_file() for p in objects.rglob("*"))


@pytest.fixture
def api(sqlite_settings: Settings, sessions_for: Factory) -> Iterator[tuple[TestClient, str]]:
    factory = sessions_for(sqlite_settings)
    with TestClient(create_app(sqlite_settings), headers=make_key(factory)) as client:
        yield client, make_unit(factory)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(WHOLE[: -len(f"--{BOUNDARY}--\r\n")], id="no closing boundary"),
        pytest.param(WHOLE[:-200], id="cut inside the last file"),
        pytest.param(WHOLE[: -len(f"\r\n--{BOUNDARY}--\r\n") + 4], id="cut inside the delimiter"),
    ],
)
def test_a_body_cut_off_before_its_closing_boundary_is_refused_and_nothing_is_stored(
    api: tuple[TestClient, str],
    sqlite_settings: Settings,
    sessions_for: Factory,
    body: bytes,
) -> None:
    client, unit = api
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        content=body,
        headers={"Content-Type": CTYPE},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid_multipart"
    assert stored(sessions_for(sqlite_settings), sqlite_settings, unit) == (0, False)


def test_the_whole_body_is_taken(
    api: tuple[TestClient, str], sqlite_settings: Settings, sessions_for: Factory
) -> None:
    client, unit = api
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents",
        content=WHOLE,
        headers={"Content-Type": CTYPE},
    )
    assert answer.status_code == 202, answer.text
    assert stored(sessions_for(sqlite_settings), sqlite_settings, unit) == (2, True)


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 4096):
        yield data[start : start + 4096]


@pytest.mark.parametrize(
    ("path", "body", "ctype"),
    [
        pytest.param("documents", WHOLE, CTYPE, id="files, streamed without a length"),
        pytest.param("bundles", decree_pdf() * 40, "application/zip", id="raw bundle, streamed"),
    ],
)
def test_a_request_over_the_total_cap_is_refused_while_it_streams_and_nothing_is_stored(
    sqlite_settings: Settings, sessions_for: Factory, path: str, body: bytes, ctype: str
) -> None:
    settings = sqlite_settings.model_copy(update={"max_request_bytes": 50_000})
    factory = sessions_for(settings)
    unit = make_unit(factory)
    assert len(body) > 50_000
    with TestClient(create_app(settings), headers=make_key(factory)) as client:
        answer = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/{path}",
            content=_chunks(body),
            headers={"Content-Type": ctype},
        )
        declared = client.post(
            f"/v1/submissions/P2HAM/2025/{unit}/{path}",
            content=body,
            headers={"Content-Type": ctype},
        )
    for refused in (answer, declared):
        assert refused.status_code == 413, refused.text
        assert refused.json()["code"] == "request_too_large"
    assert stored(factory, settings, unit) == (0, False)
