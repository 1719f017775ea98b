"""A verifiers' workspace for in-process API tests: a region of the test's own, its units and
keys, and documents whose machine statuses are set directly (no worker)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx2
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from infra.assessment import reassess
from infra.db import transaction
from infra.keys import Role, create_key
from infra.settings import Settings
from infra.tables import Document, FindingRow, Region, Submission, utcnow
from infra.units import UnitRow, apply_units, seed_registry
from rules.catalog import Catalog
from rules.catalogs import CatalogSet
from tests.support.accounts import Person, make_person

Headers = dict[str, str]


def hours_ago(hours: float) -> datetime:
    return utcnow() - timedelta(hours=hours)


@dataclass
class Workspace:
    settings: Settings
    sessions: sessionmaker[Session]
    client: TestClient
    catalogs: CatalogSet
    region: str = field(default_factory=lambda: "R" + secrets.token_hex(3).upper())

    def __post_init__(self) -> None:
        with transaction(self.sessions) as session:
            seed_registry(session)
        self.add_region(self.region)
        self.admin = self.key(Role.ADMIN, name="Admin Uji")
        self.verifier = self.key(Role.VERIFIER, region=self.region, name="Verifikator Satu")
        self.person_verifier = self.person(
            Role.VERIFIER, region=self.region, name="Verifikator Satu"
        )

    # ---- registry and keys -------------------------------------------------------------

    def add_region(self, code: str) -> None:
        with transaction(self.sessions) as session:
            session.add(Region(code=code, name=f"Provinsi Uji {code}"))

    def unit(self, kind: str = "kota", region: str | None = None, name: str | None = None) -> str:
        """A unit of this test's own, in its region unless told otherwise."""
        code = "T" + secrets.token_hex(4).upper()
        row = UnitRow(code, name or f"Kota Uji {code}", kind, region or self.region)
        with transaction(self.sessions) as session:
            apply_units(session, [row])
        return code

    def key(
        self,
        role: Role,
        *,
        units: list[str] | None = None,
        region: str | None = None,
        name: str | None = None,
    ) -> Headers:
        with transaction(self.sessions) as session:
            new = create_key(
                session, role=role, name=name or f"uji {role}", units=units, region=region
            )
        return {"Authorization": f"Bearer {new.secret}"}

    def person(
        self,
        role: Role,
        *,
        region: str | None = None,
        unit: str | None = None,
        name: str | None = None,
    ) -> Person:
        """An account (a person) with a known password."""
        return make_person(self.sessions, self.settings, role, region=region, unit=unit, name=name)

    def elsewhere(self) -> tuple[Headers, str]:
        """A verifier of another region (which has a unit of its own) and that unit."""
        region = "R" + secrets.token_hex(3).upper()
        self.add_region(region)
        unit = self.unit(region=region)
        return self.key(Role.VERIFIER, region=region, name="Verifikator Lain"), unit

    # ---- documents with machine statuses ----------------------------------------------

    def catalog(self, programme: str = "P2HAM", period: str = "2025") -> Catalog:
        return self.catalogs.select(programme, period)[0]

    def upload(
        self,
        unit: str,
        criterion: str,
        statuses: list[str],
        *,
        kind: str | None = "facility_photo",
        at: datetime | None = None,
        programme: str = "P2HAM",
        period: str = "2025",
        assess: bool = True,
    ) -> list[str]:
        """Documents as intake would record them, with the statuses a worker would set."""
        catalog = self.catalog(programme, period)
        ids: list[str] = []
        with transaction(self.sessions) as session:
            sub = self._submission(session, programme, period, unit)
            for status in statuses:
                doc = Document(
                    submission_id=sub.id,
                    criterion_id=criterion,
                    kind=kind,
                    original_name=f"{unit}_{programme}_{period}_{criterion}_{len(ids) + 1}.jpg",
                    storage_key=f"test/{secrets.token_hex(8)}",
                    size=1000,
                    sha256=secrets.token_hex(32),
                    status=status,
                    ruleset_version=catalog.ruleset_version,
                    created_at=at or utcnow(),
                )
                session.add(doc)
                session.flush()
                ids.append(doc.id)
        if assess:
            self.reassess(unit, programme, period)
        return ids

    def fill(self, unit: str, criterion: str, *, programme: str = "P2HAM") -> list[str]:
        """Passed documents meeting every evidence requirement of a criterion."""
        ids = []
        for req in self.catalog(programme).leaves[criterion].evidence:
            ids += self.upload(unit, criterion, ["passed"] * req.min, kind=req.kind, assess=False)
        self.reassess(unit, programme)
        return ids

    def set_status(self, doc_ids: list[str], status: str, unit: str) -> None:
        with transaction(self.sessions) as session:
            session.execute(
                sa.update(Document).where(Document.id.in_(doc_ids)).values(status=status)
            )
        self.reassess(unit)

    def add_finding(
        self, doc_id: str, outcome: str, reason: str, message: str, **where: Any
    ) -> None:
        with transaction(self.sessions) as session:
            doc = session.get(Document, doc_id)
            assert doc is not None
            assert doc.ruleset_version is not None
            session.add(
                FindingRow(
                    document_id=doc_id,
                    sha256=doc.sha256,
                    ruleset_version=doc.ruleset_version,
                    check_id=f"check-{reason}",
                    outcome=outcome,
                    reason_code=reason,
                    message_id=message,
                    message_en=f"(en) {message}",
                    location=where or None,
                )
            )

    def reassess(self, unit: str, programme: str = "P2HAM", period: str = "2025") -> None:
        with transaction(self.sessions) as session:
            sub = self._submission(session, programme, period, unit)
            reassess(session, self.catalog(programme, period), sub.id)

    @staticmethod
    def _submission(session: Session, programme: str, period: str, unit: str) -> Submission:
        query = sa.select(Submission).where(
            Submission.programme == programme,
            Submission.period == period,
            Submission.unit_code == unit,
        )
        sub = session.scalars(query).one_or_none()
        if sub is None:
            sub = Submission(programme=programme, period=period, unit_code=unit)
            session.add(sub)
            session.flush()
        return sub

    # ---- HTTP ---------------------------------------------------------------------------

    @staticmethod
    def path(unit: str, tail: str = "", programme: str = "P2HAM", period: str = "2025") -> str:
        return f"/v1/submissions/{programme}/{period}/{unit}{tail}"

    def decide(
        self, unit: str, criterion: str, headers: Headers | None = None, **body: Any
    ) -> httpx2.Response:
        return self.client.post(
            self.path(unit, f"/criteria/{criterion}/decision"),
            json=body,
            headers=headers or self.verifier,
        )

    def queue(self, headers: Headers | None = None, **params: Any) -> dict[str, Any]:
        params.setdefault("region", self.region)
        answer = self.client.get("/v1/review-queue", params=params, headers=headers or self.admin)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body
