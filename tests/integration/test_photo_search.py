"""Near-duplicate photos across units of a region: through the pipeline, and at 200,000 hashes."""

from __future__ import annotations

import hashlib
import random
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, transaction
from infra.photos import find_similar
from infra.settings import Settings
from infra.tables import Document, FindingRow, Submission, Unit
from infra.units import UnitRow, apply_units
from tests.support.factories import photo_jpeg, reworked_photo
from tests.support.records import add_document
from worker.photos import to_signed
from worker.pipeline import Result, verify_document
from worker.runtime import WorkerRuntime

Factory = Callable[[Settings], sessionmaker[Session]]
LAKTASI = "P2H-02-LAKTASI"


def _units(factory: sessionmaker[Session], n: int, region: str | None = None) -> list[str]:
    """Units in a region of this test's own, so no other test's photos are in its search."""
    region = region or "R" + secrets.token_hex(3).upper()
    codes = ["T" + secrets.token_hex(4).upper() for _ in range(n)]
    with transaction(factory) as session:
        rows = [UnitRow(c, f"Unit uji {c}", "lapas", region, f"Wilayah {region}") for c in codes]
        apply_units(session, rows)
    return codes


def _verdict(factory: sessionmaker[Session], doc_id: str) -> tuple[str, dict[str, object]]:
    with factory() as session:
        doc = session.get(Document, doc_id)
        assert doc is not None
        finding = session.scalars(
            sa.select(FindingRow).where(
                FindingRow.document_id == doc_id, FindingRow.check_id == "photo-near-duplicate"
            )
        ).one()
        return doc.status, {"reason": finding.reason_code, **(finding.details or {})}


def test_a_reworked_photo_from_another_unit_is_found_and_a_different_room_is_not(
    settings: Settings, sessions_for: Factory
) -> None:
    factory = sessions_for(settings)
    first, second, third, fourth = _units(factory, 4)
    [outsider] = _units(factory, 1)  # same photo, another region: not this region's business
    rt = WorkerRuntime(settings)
    original = photo_jpeg(seed=101)
    docs = {
        "original": add_document(settings, factory, first, original, "a.jpg", LAKTASI),
        "reworked": add_document(
            settings, factory, second, reworked_photo(original), "b.jpg", LAKTASI
        ),
        "other-room": add_document(
            settings, factory, third, photo_jpeg(seed=102), "c.jpg", LAKTASI
        ),
        "same-file": add_document(settings, factory, fourth, original, "d.jpg", LAKTASI),
        "elsewhere": add_document(settings, factory, outsider, photo_jpeg(seed=103), "e.jpg"),
    }
    for doc_id in docs.values():
        assert verify_document(rt, doc_id) is Result.CHECKED

    status, found = _verdict(factory, docs["reworked"])
    assert (status, found["reason"]) == ("needs_review", "photo-near-duplicate")
    assert (found["other_document"], found["other_unit_code"]) == (docs["original"], first)
    assert (found["other_criterion"], found["other_period"]) == (LAKTASI, "2025")
    # the day in WIB, as the page shows the other file's upload (UTC+7: after 17.00 UTC, tomorrow)
    assert found["other_date"] == (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()
    assert _verdict(factory, docs["other-room"]) == (
        "passed",
        {"reason": "photo-unique", "max_distance": 6},
    )
    status, found = _verdict(factory, docs["same-file"])
    assert (status, found["reason"]) == ("needs_review", "photo-exact-duplicate")


def _corpus(settings: Settings, n: int, planted: list[int]) -> tuple[int, str]:
    """`n` photo documents with random hashes in one region, bulk-loaded with COPY."""
    engine = create_db_engine(settings)
    factory = sessionmaker(engine)
    units = _units(factory, 50, region="RBIG")
    with transaction(factory) as session:
        subs = [Submission(programme="P2HAM", period="2025", unit_code=u) for u in units]
        session.add_all(subs)
        session.flush()
        sub_ids = [s.id for s in subs]
    rng = random.Random(13)
    now = datetime.now(UTC).replace(tzinfo=None)
    raw = engine.raw_connection()
    pg = cast(psycopg.Connection[Any], raw.driver_connection)
    try:
        with (
            pg.cursor() as cur,
            cur.copy(
                "COPY documents (id, submission_id, criterion_id, original_name, storage_key, size,"
                " sha256, status, attempts, rechecks, created_at, updated_at, phash) FROM STDIN"
            ) as copy,
        ):
            for i in range(n):
                phash = planted[i] if i < len(planted) else to_signed(rng.getrandbits(64))
                copy.write_row(
                    (f"00000000-0000-0000-0000-{i:012d}", sub_ids[i % 50], LAKTASI, f"{i}.jpg",
                     f"k/{i}", 1000, hashlib.sha256(str(i).encode()).hexdigest(), "passed",
                     1, 0, now, now, phash)
                )  # fmt: skip
        pg.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE documents"))
    engine.dispose()
    return sub_ids[0], units[0]


def test_the_region_search_stays_fast_past_200000_photos_on_postgresql(
    own_pg_settings: Settings, sessions_for: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    probe = to_signed(random.Random(7).getrandbits(64))
    planted = [
        probe ^ 0b111,
        probe ^ (0b11 << 40),
        to_signed((probe ^ (0xFFFF << 8)) & (2**64 - 1)),
    ]
    started = time.monotonic()
    sub_id, _ = _corpus(own_pg_settings, 200_000, planted)
    loaded = time.monotonic() - started
    factory = sessions_for(own_pg_settings)
    with factory() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == 200_000
        timings = []
        for _ in range(5):
            started = time.monotonic()
            matches = find_similar(
                session, document_id="probe", submission_id=sub_id, criterion_id="P2H-01-RAMP",
                sha256="0" * 64, phash=probe, within=6,
            )  # fmt: skip
            timings.append(time.monotonic() - started)
        region = session.scalar(sa.select(Unit.region_code).limit(1))
    assert region is not None
    # the two planted within 6 bits, nearest first; the one 16 bits away is left out
    assert [m.distance for m in matches] == [2, 3]
    with capsys.disabled():
        print(
            f"\nnear-duplicate search over 200,000 hashes: best {min(timings) * 1000:.0f} ms, "
            f"worst {max(timings) * 1000:.0f} ms (corpus loaded in {loaded:.1f} s)"
        )


def test_the_search_filters_orders_and_limits_in_the_database_on_both_engines(
    settings: Settings, sessions_for: Factory
) -> None:
    """SQLite (the embedded default) once sent every photo of the region to Python for the
    distance (19 ms a search at 3,000 photos); now both engines compute it in SQL and send
    back only the nearest matches: the same answer, a fraction of the rows."""
    factory = sessions_for(settings)
    units = _units(factory, 3)
    probe = to_signed(random.Random(11).getrandbits(64))
    rng = random.Random(5)
    near = {
        probe ^ (1 << 3): 1,
        probe ^ 0b1011: 3,
        to_signed((probe ^ (0b11111 << 50)) & (2**64 - 1)): 5,
    }
    with transaction(factory) as session:
        subs = [Submission(programme="P2HAM", period="2025", unit_code=u) for u in units]
        session.add_all(subs)
        session.flush()
        hashes = list(near) + [to_signed(rng.getrandbits(64)) for _ in range(600)]
        hashes += [probe ^ (0b1111111 << 20)]  # 7 bits away: past `within`
        for i, phash in enumerate(hashes):
            session.add(
                Document(
                    id=secrets.token_hex(16), submission_id=subs[i % 3].id, criterion_id=LAKTASI,
                    original_name=f"{i}.jpg", storage_key=f"k/{secrets.token_hex(8)}", size=1,
                    sha256=hashlib.sha256(str(i).encode()).hexdigest(), status="passed",
                    phash=phash,
                )
            )  # fmt: skip
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = factory.kw["bind"]
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        with factory() as session:
            matches = find_similar(
                session, document_id="probe", submission_id=subs[0].id,
                criterion_id="P2H-01-RAMP", sha256="0" * 64, phash=probe, within=6, limit=2,
            )  # fmt: skip
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert [m.distance for m in matches] == [1, 3]  # nearest first, cut at the limit
    search = next(s for s in statements if "phash" in s and "LIMIT" in s.upper())
    distance = "bit_count" if engine.dialect.name == "postgresql" else "hamming64"
    assert distance in search.split("WHERE", 1)[1]  # the distance filters in SQL
