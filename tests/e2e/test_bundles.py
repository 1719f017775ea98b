"""ZIP bundles over HTTP with a real worker: roll-up, hostile archives, idempotent retries."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from infra.storage import S3Store, create_store
from tests.support.factories import decree_pdf, photo_jpeg
from tests.support.services import make_key, make_unit
from tests.support.stack import start_api, start_worker, wait_until

pytestmark = pytest.mark.e2e
Factory = Callable[[Settings], sessionmaker[Session]]

PHOTO_ITEMS = [
    "P2H-01-PARKIR",
    "P2H-01-RAMP",
    "P2H-01-GUIDING",
    "P2H-02-LOKET",
    "P2H-02-TOILET",
    "P2H-02-LAKTASI",
    "P2H-02-KUNJUNGAN",
]


def stored_keys(settings: Settings) -> list[str]:
    store = create_store(settings)
    assert isinstance(store, S3Store)
    pages = store.client.get_paginator("list_objects_v2").paginate(Bucket=store.bucket)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def evidence_zip(unit: str) -> bytes:
    """50 entries: an SK by canonical name, 44 photos in criterion folders, 5 problems."""
    entries = {f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf": decree_pdf()}
    for i in range(44):
        item = PHOTO_ITEMS[i % len(PHOTO_ITEMS)]
        # at least 800 px on the shorter side: a smaller photo goes to a person (needs_review)
        entries[f"bukti/{item}/foto-{i:02d}.jpg"] = photo_jpeg(
            1066 + i, 800, seed=100 + i, exif_datetime=None
        )
    entries["bukti/P2H-02-LAKTASI/bukan-foto.jpg"] = b"%PDF-1.4 not really a photo"
    entries["tanpa-kriteria.pdf"] = decree_pdf()
    entries["bukti/P2H-99-NOPE/x.jpg"] = photo_jpeg(seed=1)
    entries["../../keluar.pdf"] = b"%PDF-1.4 escape"
    entries["lagi.zip"] = zip_of({"a.txt": b"a"})
    return zip_of(entries)


@pytest.fixture
def stack(
    pg_settings: Settings, tmp_path: Path, sessions_for: Factory
) -> Iterator[tuple[httpx.Client, str, Settings]]:
    settings = pg_settings.model_copy(update={"max_bundle_entries": 60, "max_bundle_ratio": 50})
    factory = sessions_for(settings)
    unit = make_unit(factory, kind="lapas")
    headers = make_key(factory, "portal", units=[unit])
    api, base = start_api(settings, tmp_path)
    worker = start_worker(settings, tmp_path, concurrency=2)
    try:
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            yield client, unit, settings
    finally:
        worker.stop()
        api.stop()


def test_a_zip_of_fifty_files_rolls_up_into_one_correct_batch(
    stack: tuple[httpx.Client, str, Settings],
) -> None:
    client, unit, settings = stack
    archive = evidence_zip(unit)
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/bundles",
        content=archive,
        headers={"Content-Type": "application/zip"},
    )
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    assert batch["total"] == 46  # SK + 44 photos + the fake photo
    # the bundle's bytes are stored once, as its entries; the ZIP itself is only described
    sha = hashlib.sha256(archive).hexdigest()
    assert batch["archive"] == {"name": "bundle.zip", "size": len(archive), "sha256": sha}
    keys = stored_keys(settings)
    assert len(keys) == 46, keys
    assert not [k for k in keys if k.endswith(".zip")]
    rejected = {r["name"]: r["code"] for r in batch["rejected"]}
    assert rejected == {
        "tanpa-kriteria.pdf": "criterion_missing",
        "bukti/P2H-99-NOPE/x.jpg": "unknown_criterion",
        "../../keluar.pdf": "entry_path_traversal",
        "lagi.zip": "entry_nested_archive",
    }

    def complete() -> dict[str, object] | None:
        body: dict[str, object] = client.get(batch["status_url"]).json()
        return body if body["complete"] else None

    final = wait_until(complete, 120, "the batch to complete", interval=0.5)
    counts = final["counts"]
    assert counts["passed"] == 45, final
    assert counts["failed"] == 1
    assert sum(counts.values()) == 46
    submission = client.get(f"/v1/submissions/P2HAM/2025/{unit}").json()
    status = {c["id"]: c["status"] for c in submission["criteria"]}
    assert {status[item] for item in PHOTO_ITEMS} == {"complete"}
    assert status["P2H-00-SKTIM"] == "complete"


@pytest.mark.parametrize(
    ("archive", "code"),
    [
        (b"this is not a zip at all", "not_a_zip"),
        (zip_of({f"f{i}.jpg": b"x" for i in range(61)}), "archive_too_many_entries"),
    ],
    ids=["not-a-zip", "too-many-entries"],
)
def test_a_hostile_archive_is_refused_whole_with_its_code(
    stack: tuple[httpx.Client, str, Settings], archive: bytes, code: str
) -> None:
    client, unit, _ = stack
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/bundles",
        content=archive,
        headers={"Content-Type": "application/zip"},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == code
    assert answer.json()["message"]


def hostile_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("P2H-02-LAKTASI/bom.jpg", b"\0" * (5 * 1024 * 1024))  # ratio ~1000
        link = zipfile.ZipInfo("P2H-02-LAKTASI/tautan.jpg")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("/mutlak.pdf", b"%PDF-1.4")
        zf.writestr("P2H-02-LAKTASI/foto.jpg", photo_jpeg(seed=9))
    return buffer.getvalue()


def test_hostile_entries_are_listed_and_nothing_harmful_is_stored(
    stack: tuple[httpx.Client, str, Settings],
) -> None:
    client, unit, _ = stack
    answer = client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/bundles",
        files={"file": ("bukti.zip", hostile_entries(), "application/zip")},
    )
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    assert {r["name"]: r["code"] for r in batch["rejected"]} == {
        "P2H-02-LAKTASI/bom.jpg": "entry_ratio_exceeded",
        "P2H-02-LAKTASI/tautan.jpg": "entry_link",
        "/mutlak.pdf": "entry_absolute_path",
    }
    assert [d["name"] for d in batch["documents"]] == ["foto.jpg"]


def test_a_retried_bundle_with_the_same_idempotency_key_creates_nothing_new(
    stack: tuple[httpx.Client, str, Settings],
) -> None:
    client, unit, _ = stack
    body = zip_of({"P2H-02-IBADAH/a.jpg": photo_jpeg(seed=21)})
    headers = {"Content-Type": "application/zip", "Idempotency-Key": "portal-batch-7781"}
    url = f"/v1/submissions/P2HAM/2025/{unit}/bundles"
    first = client.post(url, content=body, headers=headers)
    again = client.post(url, content=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other = client.post(url, content=body, headers={"Content-Type": "application/zip"})
    assert other.status_code == 202
    assert other.json()["total"] == 0  # same bytes, same criterion: flagged, not stored twice
    assert other.json()["rejected"][0]["code"] == "duplicate_file"
    assert other.json()["rejected"][0]["duplicate_of"] == first.json()["documents"][0]["id"]
