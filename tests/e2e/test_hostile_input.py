"""A hostile corpus over HTTP through a real worker: each file ends with its own status and reason.

The corpus is generated (tests/factories.py, tests/zips.py), uploaded once per module to a real
API and worker on PostgreSQL and S3, polled to final statuses, and each row of the tables below
is then one test. Each file goes to a unit of its own, so no row sees another (duplicates).
Afterwards the worker must still be alive and bounded, and a normal upload must still pass.

`reason` is the document's `status_reason`; a passed file has none, so for it `reason` names
the finding that shows the hostile part was seen and handled (e.g. `exif-date-missing`).
"""

from __future__ import annotations

import hashlib
import mimetypes
import random
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.db import create_db_engine, create_session_factory
from infra.settings import Settings
from tests.support import factories as f
from tests.support import zips
from tests.support.services import make_key, make_unit, server_settings
from tests.support.stack import (
    Process,
    celery_of,
    children,
    start_api,
    start_worker,
    wait_final,
)

pytestmark = pytest.mark.e2e

MB = 1024 * 1024
SK = "P2H-00-SKTIM"  # one evidence kind: an SK decree, PDF
PHOTO = "P2H-02-LAKTASI"  # facility photos, JPEG or PNG
MEMORY_LIMIT_MB = 1536


@dataclass(frozen=True)
class Case:
    """One uploaded file and how it must end."""

    id: str
    build: Callable[[], bytes]
    name: str
    criterion: str
    status: str
    reason: str


FAIL, REVIEW, PASS = "failed", "needs_review", "passed"


def js_decree() -> bytes:
    return f.with_javascript(f.decree_pdf())


def ten_thousand_pages() -> bytes:
    return f.pdf_with_pages(10_000)


CORPUS = [
    Case("truncated pdf", f.truncated_pdf, "sk.pdf", SK, FAIL, "pdf-broken"),
    Case("encrypted pdf", f.encrypted_pdf, "sk.pdf", SK, FAIL, "pdf-encrypted"),
    Case("javascript in a decree", js_decree, "sk.pdf", SK, REVIEW, "pdf-risky-content"),
    Case("10,000 pages", ten_thousand_pages, "sk.pdf", SK, FAIL, "pdf-too-many-pages"),
    Case("garbage after the header", f.garbage_after_header_pdf, "sk.pdf", SK, FAIL, "pdf-broken"),
    Case("html renamed .pdf", f.html_renamed, "sk.pdf", SK, FAIL, "mime-not-allowed"),
    Case("executable renamed .pdf", f.exe_like, "sk.pdf", SK, FAIL, "mime-not-allowed"),
    Case("pdf that is also a zip", f.pdf_zip_polyglot, "sk.pdf", SK, REVIEW, "pdf-risky-content"),
    Case("jpeg+pdf named .pdf", f.jpeg_with_pdf_appended, "sk.pdf", SK, FAIL, "mime-not-allowed"),
    # a photo with a PDF after its end opens as two things: a person looks (a motion video
    # that phones append there is left alone, tests/unit/test_extract.py)
    Case(
        "jpeg+pdf named .jpg",
        f.jpeg_with_pdf_appended,
        "foto.jpg",
        PHOTO,
        REVIEW,
        "image-appended-file",
    ),
    Case("decompression-bomb png", f.png_bomb, "foto.png", PHOTO, FAIL, "image-too-many-pixels"),
    Case("broken jpeg", f.broken_jpeg, "foto.jpg", PHOTO, FAIL, "image-broken"),
    Case("60 KB junk exif", f.jpeg_with_huge_exif, "foto.jpg", PHOTO, PASS, "exif-date-missing"),
    Case(
        "long exif date", f.jpeg_with_long_exif_date, "foto.jpg", PHOTO, PASS, "exif-date-missing"
    ),
    Case("zero bytes as a pdf", f.zero_bytes, "sk.pdf", SK, FAIL, "size-empty"),
    Case("zero bytes as a photo", f.zero_bytes, "foto.jpg", PHOTO, FAIL, "size-empty"),
]


@dataclass(frozen=True)
class NameCase:
    """A decree sent under an awkward name: the name is kept and shown, the key is safe."""

    id: str
    sent: bytes  # the filename exactly as it stands in the multipart header
    shown: str  # the name kept and shown back
    stored: str  # the last part of the storage key
    status: str = PASS
    reason: str = "name-not-canonical"


NAMES = [
    NameCase("300 characters", b"a" * 300 + b".pdf", "a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    NameCase("600 characters", b"b" * 600 + b".pdf", "b" * 508 + ".pdf", "b" * 116 + ".pdf"),
    NameCase(
        "emoji and arabic",
        "SK Tim 😀 تقرير.pdf".encode(),
        "SK Tim 😀 تقرير.pdf",
        "SK_Tim.pdf",
    ),
    NameCase("arabic only", "تقرير.pdf".encode(), "تقرير.pdf", "file.pdf"),
    NameCase(
        "emoji only, no extension",
        "😀".encode(),
        "😀",
        "file",
        FAIL,
        "extension-not-allowed",
    ),
    NameCase("empty", b"", "", "file", FAIL, "extension-not-allowed"),
    NameCase(
        "control characters",
        b"ctl\x01\x1f\tname.pdf",
        "ctl\ufffd\ufffd\ufffdname.pdf",
        "ctlname.pdf",
    ),
    NameCase("a terminal escape", b"\x1b[31mmerah.pdf", "\ufffd[31mmerah.pdf", "31mmerah.pdf"),
    NameCase("a nul byte", b"nul\x00x.pdf", "nul\ufffdx.pdf", "nulx.pdf"),
    NameCase("windows traversal", b"..\\..\\evil.pdf", "..\\..\\evil.pdf", "evil.pdf"),
    NameCase("unix traversal", b"../../evil.pdf", "../../evil.pdf", "evil.pdf"),
]


@dataclass(frozen=True)
class ZipCase:
    """A ZIP sent to the bundle endpoint: one entry refused, or the whole archive."""

    id: str
    build: Callable[[], bytes]
    code: str
    http: int = 202  # 202: the entry is listed as rejected and its neighbour kept


def _noise(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def _given(data: bytes) -> Callable[[], bytes]:
    return lambda: data


ZIP_ATTACKS = [
    ZipCase("dot-dot", lambda: zips.beside("../../evil.pdf"), "entry_path_traversal"),
    ZipCase("backslash dot-dot", lambda: zips.beside("..\\..\\evil.pdf"), "entry_path_traversal"),
    ZipCase("absolute", lambda: zips.beside("/etc/passwd"), "entry_absolute_path"),
    ZipCase("drive", lambda: zips.beside("C:\\Windows\\evil.pdf"), "entry_absolute_path"),
    ZipCase("empty name", lambda: zips.beside(""), "entry_empty_name"),
    ZipCase("long name", lambda: zips.beside("a" * 252 + ".pdf"), "entry_name_too_long"),
    ZipCase("symlink", zips.symlink, "entry_link"),
    ZipCase("encrypted entry", zips.encrypted, "entry_encrypted"),
    ZipCase("nested by name", lambda: zips.beside("arsip.zip"), "entry_nested_archive"),
    *(
        ZipCase(f"{kind} disguised", _given(data), "entry_nested_archive")
        for kind, data in zips.DISGUISED.items()
    ),
    ZipCase("zip bomb", zips.bomb, "entry_ratio_exceeded"),
    ZipCase(
        "entry over the size limit",
        lambda: zips.beside("besar.pdf", _noise(5 * MB)),
        "entry_too_large",
    ),
    ZipCase("bad crc", zips.corrupt, "entry_corrupt"),
    ZipCase("bad deflate", zips.corrupt_deflate, "entry_corrupt"),
    ZipCase("deflate64", zips.unsupported_method, "entry_corrupt"),
    ZipCase("understated size", zips.lying_size, "entry_corrupt"),
    ZipCase("not a zip", zips.not_a_zip, "not_a_zip", 422),
    ZipCase("empty body", lambda: b"", "not_a_zip", 422),
    ZipCase("cut in half", zips.truncated, "not_a_zip", 422),
    ZipCase("too many entries", lambda: zips.too_many(61), "archive_too_many_entries", 422),
    ZipCase(
        "lying entry count",
        lambda: zips.lying_count(100, declared=1),
        "archive_too_many_entries",
        422,
    ),
    ZipCase(
        "expands past the total",
        lambda: zips.build(("a.pdf", _noise(3 * MB + 1)), ("b.pdf", _noise(3 * MB + 2))),
        "archive_too_large",
        422,
    ),
    ZipCase("bad directory", zips.corrupt_directory, "archive_corrupt", 422),
    ZipCase("over the bundle size", lambda: _noise(12 * MB + 1), "file_too_large", 413),
]


@dataclass
class Stack:
    client: httpx.Client
    settings: Settings
    sessions: sessionmaker[Session]
    api: Process
    worker: Process


@dataclass
class Outcomes:
    answers: dict[str, httpx.Response] = field(default_factory=dict)
    final: dict[str, dict[str, Any]] = field(default_factory=dict)  # case id → document


@pytest.fixture(scope="module")
def stack(
    pg_database: str, redis_url: str, s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """One API and one worker for the corpus, with small bounds so each is cheap to pass."""
    logs = tmp_path_factory.mktemp("hostile")
    settings = server_settings(
        pg_database,
        redis_url,
        s3_endpoint,
        logs / "data",
        max_attempts=2,
        max_upload_bytes=4 * MB,
        max_bundle_bytes=12 * MB,
        max_bundle_entries=60,
        max_bundle_expanded_bytes=6 * MB,
        task_soft_time_limit=20,  # a file that would hang ends the test, not the afternoon
        task_time_limit=30,
        worker_memory_limit_mb=MEMORY_LIMIT_MB,
    )
    engine = create_db_engine(settings)
    sessions = create_session_factory(engine)
    headers = make_key(sessions)
    api, base = start_api(settings, logs)
    worker = start_worker(settings, logs, concurrency=2)
    try:
        with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
            yield Stack(client, settings, sessions, api, worker)
    finally:
        worker.stop()
        api.stop()
        engine.dispose()


def multipart(
    filename: bytes, data: bytes, fields: dict[str, str], field_name: str = "files"
) -> tuple[bytes, dict[str, str]]:
    """A multipart body written by hand, so the server sees the name's exact bytes (httpx would
    percent-encode control characters, as browsers do)."""
    boundary = f"absah-hostile-{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    declared = mimetypes.guess_type(filename.decode(errors="replace"))[0]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; filename="'
    tail = f'"\r\nContent-Type: {declared or "application/octet-stream"}\r\n\r\n'
    body = b"".join(parts) + head.encode() + filename + tail.encode() + data
    body += f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(stack: Stack, filename: bytes, data: bytes, criterion: str) -> httpx.Response:
    unit = make_unit(stack.sessions)
    body, headers = multipart(filename, data, {"criterion": criterion})
    return stack.client.post(
        f"/v1/submissions/P2HAM/2025/{unit}/documents", content=body, headers=headers
    )


def send_bundle(stack: Stack, case: ZipCase) -> httpx.Response:
    unit = make_unit(stack.sessions)
    url = f"/v1/submissions/P2HAM/2025/{unit}/bundles"
    if case.http == 202:  # entry attacks: the criterion binds the good neighbour
        body, headers = multipart(b"bukti.zip", case.build(), {"criterion": SK}, "file")
        return stack.client.post(url, content=body, headers=headers)
    return stack.client.post(url, content=case.build(), headers={"Content-Type": "application/zip"})


@pytest.fixture(scope="module")
def outcomes(stack: Stack) -> Outcomes:
    """Every file of the corpus uploaded, and every stored document polled to a final status."""
    seen = Outcomes()
    for case in CORPUS:
        seen.answers[case.id] = upload(stack, case.name.encode(), case.build(), case.criterion)
    for name in NAMES:
        seen.answers[name.id] = upload(stack, name.sent, f.decree_pdf(), SK)
    for attack in ZIP_ATTACKS:
        seen.answers[attack.id] = send_bundle(stack, attack)
    ids = {
        case_id: docs[0]["id"]
        for case_id, answer in seen.answers.items()
        if answer.status_code == 202 and (docs := answer.json()["documents"])
    }
    final = wait_final(stack.client, list(ids.values()), timeout=180)
    seen.final = {case_id: final[doc_id] for case_id, doc_id in ids.items()}
    return seen


def accepted(outcomes: Outcomes, case_id: str) -> dict[str, Any]:
    answer = outcomes.answers[case_id]
    assert answer.status_code == 202, answer.text
    assert len(answer.json()["documents"]) == 1, answer.text
    return outcomes.final[case_id]


def assert_ends(doc: dict[str, Any], status: str, reason: str) -> None:
    codes = {finding["reason_code"] for finding in doc["findings"]}
    assert doc["status"] == status, (doc["status"], doc["status_reason"], codes)
    if status == "passed":
        assert doc["status_reason"] is None
        assert reason in codes, codes
    else:
        assert doc["status_reason"] == reason, (doc["status_reason"], codes)
    assert all(finding["message"] and finding["message_en"] for finding in doc["findings"])


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_a_hostile_file_ends_with_its_exact_status_and_reason(
    outcomes: Outcomes, case: Case
) -> None:
    doc = accepted(outcomes, case.id)
    assert_ends(doc, case.status, case.reason)
    assert doc["name"] == case.name
    assert doc["attempts"] == 1  # checked once: no crash, no time limit, no retry


@pytest.mark.parametrize("case", NAMES, ids=[case.id for case in NAMES])
def test_an_awkward_name_is_kept_shown_back_and_stored_under_a_safe_key(
    stack: Stack, outcomes: Outcomes, case: NameCase
) -> None:
    doc = accepted(outcomes, case.id)
    assert doc["name"] == case.shown
    assert outcomes.answers[case.id].json()["documents"][0]["name"] == case.shown
    assert_ends(doc, case.status, case.reason)
    content = stack.client.get(doc["content_url"])
    assert content.status_code == 200
    assert hashlib.sha256(content.content).hexdigest() == doc["sha256"]
    disposition = content.headers["content-disposition"]
    assert disposition == f'attachment; filename="{case.stored}"'
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,120}", case.stored)


@pytest.mark.parametrize("case", ZIP_ATTACKS, ids=[case.id for case in ZIP_ATTACKS])
def test_a_zip_attack_on_the_bundle_endpoint_is_answered_with_its_exact_code(
    outcomes: Outcomes, case: ZipCase
) -> None:
    answer = outcomes.answers[case.id]
    assert answer.status_code == case.http, answer.text
    body = answer.json()
    if case.http != 202:  # refused whole: a JSON error with a stable code, nothing kept
        assert body["code"] == case.code
        assert body["message"]
        assert body["message"] != body["message_en"]
        return
    assert [entry["code"] for entry in body["rejected"]] == [case.code]
    assert body["rejected"][0]["message"] != body["rejected"][0]["message_en"]
    assert [doc["name"] for doc in body["documents"]] == ["baik.pdf"]  # the neighbour is kept
    assert_ends(outcomes.final[case.id], "failed", "pdf-broken")  # zips.GOOD_PDF has no xref


def data_limit(pid: int) -> int:
    limits = Path(f"/proc/{pid}/limits").read_text()
    match = re.search(r"^Max data size\s+(\d+)\s+(\d+)\s+bytes", limits, re.MULTILINE)
    assert match, limits
    return int(match[1])


def test_after_the_corpus_the_worker_lives_bounded_and_a_normal_upload_still_passes(
    stack: Stack, outcomes: Outcomes
) -> None:
    kept_a_neighbour = sum(case.http == 202 for case in ZIP_ATTACKS)
    assert len(outcomes.final) == len(CORPUS) + len(NAMES) + kept_a_neighbour
    assert stack.worker.alive(), stack.worker.output()
    assert stack.api.alive(), stack.api.output()
    log = stack.worker.log.read_text(errors="replace")
    for sign in ("Traceback", "TimeLimitExceeded", "WorkerLostError", "MemoryError", "SIGKILL"):
        assert sign not in log, f"{sign} in the worker log"
    assert "Traceback" not in stack.api.log.read_text(errors="replace")
    pool = children(celery_of(stack.worker))  # absah worker → its Celery worker → the pool
    assert pool, "the prefork pool has no children"
    assert {data_limit(child) for child in pool} == {MEMORY_LIMIT_MB * MB}
    assert stack.client.get("/healthz").status_code == 200
    assert stack.client.get("/readyz").status_code == 200

    decree = upload(stack, b"SK Tim P2HAM.pdf", f.decree_pdf(), SK)
    photo = upload(stack, b"foto laktasi.jpg", f.photo_jpeg(seed=77), PHOTO)
    ids = [answer.json()["documents"][0]["id"] for answer in (decree, photo)]
    final = wait_final(stack.client, ids, timeout=60)
    assert [final[doc_id]["status"] for doc_id in ids] == ["passed", "passed"]
