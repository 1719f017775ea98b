"""Records as the product makes them, for tests that start from there: a document as intake
stores it (bytes, then the row), a presigned upload reserved, and the issue's evidence uploaded
over HTTP."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra import states
from infra.db import transaction
from infra.names import document_key
from infra.settings import Settings
from infra.statuses import DocumentStatus
from infra.storage import create_store
from infra.tables import Document, Submission, new_id
from tests.support.factories import decree_pdf, photo_jpeg


def add_document(
    settings: Settings,
    factory: sessionmaker[Session],
    unit: str,
    payload: bytes,
    name: str,
    criterion: str = "P2H-00-SKTIM",
    period: str = "2025",
) -> str:
    """What intake does, minus HTTP: bytes first, then the row (in the unit's P2HAM
    submission of `period`)."""
    doc_id = new_id()
    key = document_key("P2HAM", period, unit, criterion, doc_id, name)
    source = settings.data_dir / f"{doc_id}.upload"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(payload)
    create_store(settings).put_file(key, source)
    with transaction(factory) as session:
        sub = session.scalars(
            sa.select(Submission).where(Submission.unit_code == unit, Submission.period == period)
        ).first()
        if sub is None:
            sub = Submission(programme="P2HAM", period=period, unit_code=unit)
            session.add(sub)
            session.flush()
        session.add(
            Document(
                id=doc_id,
                submission_id=sub.id,
                criterion_id=criterion,
                original_name=name,
                storage_key=key,
                size=len(payload),
                sha256=hashlib.sha256(payload).hexdigest(),
                status="received",
            )
        )
    return doc_id


def finish_claim(
    session: Session, claim: states.Claim, status: DocumentStatus, reason: str | None = None
) -> bool:
    """states.finish with nothing found (no kind, type, rule-set or findings): whether the
    claim may still write its verdict is all these tests ask."""
    return states.finish(
        session,
        claim,
        status=status,
        reason=reason,
        kind=None,
        detected_mime=None,
        ruleset_version=None,
        findings=[],
    )


def reserve_upload(
    client: httpx.Client | TestClient,
    unit: str,
    payload: bytes,
    *,
    declared: bytes | None = None,
    name: str = "sk-tim.pdf",
    criterion: str = "P2H-00-SKTIM",
) -> dict[str, Any]:
    """POST /v1/uploads for these bytes (with `declared`, other bytes' size and SHA-256 are
    declared instead), declared a PDF; the ticket, after a 201."""
    body = declared if declared is not None else payload
    answer = client.post(
        "/v1/uploads",
        json={
            "programme": "P2HAM",
            "period": "2025",
            "unit": unit,
            "name": name,
            "criterion": criterion,
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
            "content_type": "application/pdf",
        },
    )
    assert answer.status_code == 201, answer.text
    ticket: dict[str, Any] = answer.json()
    return ticket


def upload_evidence(client: httpx.Client, unit: str) -> dict[str, str]:
    """The issue's scenario: a valid SK Tim, two lactation-room photos, a JPEG named .pdf."""
    base = f"/v1/submissions/P2HAM/2025/{unit}/documents"
    ids: dict[str, str] = {}
    # photos of this unit's own: the same photo from two units of a region is a re-used photo
    seed = int(hashlib.sha256(unit.encode()).hexdigest()[:8], 16)
    answer = client.post(
        base,
        files={
            "files": (f"{unit}_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf", decree_pdf(), "application/pdf")
        },
    )
    assert answer.status_code == 202, answer.text
    ids["decree"] = answer.json()["documents"][0]["id"]
    answer = client.post(
        base,
        data={"criterion": "P2H-02-LAKTASI"},
        files=[
            ("files", ("laktasi-1.jpg", photo_jpeg(seed=seed), "image/jpeg")),
            ("files", ("laktasi-2.jpg", photo_jpeg(seed=seed + 1), "image/jpeg")),
        ],
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert {d["status"] for d in body["documents"]} <= {"received", "queued", "checking", "passed"}
    ids["photo1"], ids["photo2"] = (d["id"] for d in body["documents"])
    answer = client.post(
        base,
        data={"criterion": "P2H-00-SKTIM"},
        files={"files": ("sk-palsu.pdf", photo_jpeg(seed=3), "application/pdf")},
    )
    assert answer.status_code == 202, answer.text
    ids["fake"] = answer.json()["documents"][0]["id"]
    return ids
