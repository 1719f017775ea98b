"""Uncompleted presigned uploads are expired by the sweeper: the object goes, the row says so."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.db import transaction
from infra.settings import Settings
from infra.tables import Upload, utcnow
from intake.app import create_app
from tests.support.factories import decree_pdf
from tests.support.services import make_key, make_unit
from worker.runtime import WorkerRuntime
from worker.uploads import expire_uploads

Factory = Callable[[Settings], sessionmaker[Session]]


def test_an_upload_left_uncompleted_past_its_expiry_is_removed_and_refused(
    pg_settings: Settings, sessions_for: Factory
) -> None:
    settings = pg_settings.model_copy(update={"upload_expiry_grace_seconds": 0})
    factory = sessions_for(settings)
    unit = make_unit(factory)
    payload = decree_pdf()
    with TestClient(create_app(settings), headers=make_key(factory)) as api:
        ticket = api.post(
            "/v1/uploads",
            json={
                "programme": "P2HAM",
                "period": "2025",
                "unit": unit,
                "name": "sk.pdf",
                "criterion": "P2H-00-SKTIM",
                "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(),
            },
        ).json()
        fresh = api.post(
            "/v1/uploads",
            json={
                "programme": "P2HAM",
                "period": "2025",
                "unit": unit,
                "name": "sk2.pdf",
                "criterion": "P2H-00-SKTIM",
                "size": 3,
                "sha256": "0" * 64,
            },
        ).json()
        assert httpx.put(ticket["url"], content=payload, headers=ticket["headers"]).is_success
        with transaction(factory) as session:
            session.execute(
                sa.update(Upload)
                .where(Upload.id == ticket["id"])
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )

        rt = WorkerRuntime(settings)
        assert expire_uploads(rt) == 1
        assert expire_uploads(rt) == 0  # nothing left to expire
        with factory() as session:
            row = session.get(Upload, ticket["id"])
            assert row is not None
            assert row.status == "expired"
            assert rt.store.head(row.storage_key) is None
            untouched = session.get(Upload, fresh["id"])
            assert untouched is not None
            assert untouched.status == "pending"
        refused = api.post(ticket["complete_url"])
        assert refused.status_code == 410
        assert refused.json()["code"] == "upload_expired"
