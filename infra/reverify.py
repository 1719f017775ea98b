"""Re-verification in the database: which documents carry a rule-set version other than the
catalog in force (stale), the claim that takes one back into checking, and the marks of the
versions already scheduled."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from infra.states import Claim
from infra.statuses import DocumentStatus
from infra.tables import Document, ReverifySchedule, Submission, utcnow
from rules.catalogs import CatalogSet

# Documents with a verdict of their own: re-checked under a new catalog. Waiting and checking
# ones get the catalog in force anyway; unable_to_check has no verdict (absah recheck);
# superseded never counts.
REVERIFIABLE = (DocumentStatus.PASSED, DocumentStatus.FAILED, DocumentStatus.NEEDS_REVIEW)


@dataclass(frozen=True)
class Scope:
    """Which documents a re-verification covers; None is every one."""

    programme: str | None = None
    period: str | None = None
    unit: str | None = None
    units: Any = None  # an SQL selection of unit codes (who is looking may see only these)

    def where(self) -> list[Any]:
        found: list[Any] = [Document.status.in_(list(REVERIFIABLE))]
        found.append(Document.ruleset_version.is_not(None))
        if self.programme:
            found.append(Submission.programme == self.programme)
        if self.period:
            found.append(Submission.period == self.period)
        if self.unit:
            found.append(Submission.unit_code == self.unit)
        if self.units is not None:
            found.append(Submission.unit_code.in_(self.units))
        return found


def in_force(catalogs: CatalogSet, programme: str, period: str) -> str | None:
    """The rule-set version now in force for a programme's period (None: no catalog covers it)."""
    try:
        catalog, _ = catalogs.select(programme, period)
    except (LookupError, ValueError):  # unknown programme, a period no catalog covers
        return None
    return catalog.ruleset_version


def _stale_groups(
    session: Session, catalogs: CatalogSet, scope: Scope
) -> list[tuple[str, str, str, str, int]]:
    """(programme, period, stamped version, version in force, count) for every stale group."""
    rows = session.execute(
        sa.select(
            Submission.programme, Submission.period, Document.ruleset_version, sa.func.count()
        )
        .join(Submission, Submission.id == Document.submission_id)
        .where(*scope.where())
        .group_by(Submission.programme, Submission.period, Document.ruleset_version)
    )
    found = []
    for programme, period, version, count in rows:
        current = in_force(catalogs, programme, period)
        if current is not None and version is not None and version != current:
            found.append((programme, period, version, current, int(count)))
    return found


def stale_counts(
    session: Session, catalogs: CatalogSet, scope: Scope | None = None
) -> dict[str, int]:
    """How many documents wait for re-verification, by the version in force they wait for."""
    counts: dict[str, int] = {}
    for _, _, _, current, count in _stale_groups(session, catalogs, scope or Scope()):
        counts[current] = counts.get(current, 0) + count
    return counts


@dataclass(frozen=True)
class Stale:
    document_id: str
    programme: str
    period: str
    unit: str
    name: str
    status: str
    ruleset_version: str
    in_force: str


def stale_documents(session: Session, catalogs: CatalogSet, scope: Scope) -> list[Stale]:
    """Every stale document in scope, oldest first."""
    found: list[Stale] = []
    groups = {(p, per): cur for p, per, _, cur, _ in _stale_groups(session, catalogs, scope)}
    for (programme, period), current in sorted(groups.items()):
        rows = session.execute(
            sa.select(
                Document.id,
                Submission.unit_code,
                Document.original_name,
                Document.status,
                Document.ruleset_version,
            )
            .join(Submission, Submission.id == Document.submission_id)
            .where(
                *scope.where(),
                Submission.programme == programme,
                Submission.period == period,
                Document.ruleset_version != current,
            )
            .order_by(Document.created_at, Document.id)
        )
        found.extend(
            Stale(doc_id, programme, period, unit, name, status, version or "", current)
            for doc_id, unit, name, status, version in rows
        )
    return found


@dataclass(frozen=True)
class Before:
    """The verdict a re-verification started from."""

    status: str
    reason: str | None
    ruleset_version: str


def claim_stale(
    session: Session,
    document_id: str,
    current: str,
    lease_seconds: int,
    *,
    unaware_of: datetime | None = None,
) -> tuple[Claim, Before] | None:
    """A final document stamped with another version than `current` (or, with `unaware_of`,
    last checked before that moment) → checking, for one holder: a concurrent check or a
    second re-verification message finds nothing to claim. Attempts start again at one: this
    is a new round, not a retry of the last."""
    outdated = Document.ruleset_version != current
    if unaware_of is not None:
        outdated = sa.or_(outdated, Document.checked_at < unaware_of)
    row = session.execute(
        sa.select(Document.status, Document.status_reason, Document.ruleset_version).where(
            Document.id == document_id
        )
    ).one_or_none()
    if row is None:
        return None
    now = utcnow()
    token = str(uuid.uuid4())
    result = session.execute(
        sa.update(Document)
        .where(
            Document.id == document_id,
            Document.status == row.status,
            Document.status.in_(list(REVERIFIABLE)),
            Document.ruleset_version.is_not(None),
            outdated,
        )
        .values(
            status=DocumentStatus.CHECKING,
            claim_token=token,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            attempts=1,
            updated_at=now,
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    before = Before(row.status, row.status_reason, row.ruleset_version)
    return Claim(document_id, token, 1), before


def restore(session: Session, claim: Claim, before: Before, error: str) -> bool:
    """checking → the verdict it had, for the holder: a re-verification that could not finish
    (storage down) leaves the earlier verdict in force, still stale, to be tried again."""
    result = session.execute(
        sa.update(Document)
        .where(
            Document.id == claim.document_id,
            Document.status == DocumentStatus.CHECKING,
            Document.claim_token == claim.token,
        )
        .values(
            status=before.status,
            claim_token=None,
            lease_expires_at=None,
            last_error=error[:2000],
            updated_at=utcnow(),
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def schedules(session: Session) -> dict[str, ReverifySchedule]:
    return {r.ruleset_version: r for r in session.scalars(sa.select(ReverifySchedule))}


def mark_scheduled(
    session: Session, programme: str, version: str, source: str, documents: int
) -> bool:
    """Note that `version`'s stale documents were sent; False when someone else noted it first
    (another worker starting at the same time), so only one of them sends."""
    try:
        with session.begin_nested():
            session.add(
                ReverifySchedule(
                    ruleset_version=version,
                    programme=programme,
                    source=source,
                    scheduled_at=utcnow(),
                    documents=documents,
                    remaining=documents,
                )
            )
    except IntegrityError:
        return False
    return True


def renew_schedule(
    session: Session, version: str, seen: datetime, source: str, documents: int
) -> bool:
    """Take over a mark to send again (a stalled run, or a person's `absah reverify`):
    compare-and-set on when it was last sent, so two sweepers never both re-send."""
    result = session.execute(
        sa.update(ReverifySchedule)
        .where(ReverifySchedule.ruleset_version == version, ReverifySchedule.scheduled_at == seen)
        .values(scheduled_at=utcnow(), source=source, documents=documents, remaining=documents)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def note_remaining(session: Session, version: str, remaining: int) -> None:
    session.execute(
        sa.update(ReverifySchedule)
        .where(ReverifySchedule.ruleset_version == version)
        .values(remaining=remaining)
    )


def settled(session: Session, docs: list[Stale]) -> int:
    """How many of these are done: stamped with the version they waited for, or left without
    a verdict (unable_to_check, superseded), so progress can reach the end."""
    wanted = {d.document_id: d.in_force for d in docs}
    ids = list(wanted)
    done = 0
    for i in range(0, len(ids), 500):
        rows = session.execute(
            sa.select(Document.id, Document.status, Document.ruleset_version).where(
                Document.id.in_(ids[i : i + 500])
            )
        )
        for doc_id, status, version in rows:
            if status in (DocumentStatus.UNABLE_TO_CHECK, DocumentStatus.SUPERSEDED) or (
                status in REVERIFIABLE and version == wanted[doc_id]
            ):
                done += 1
    return done


def status_counts(session: Session, ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        for status, n in session.execute(
            sa.select(Document.status, sa.func.count())
            .where(Document.id.in_(ids[i : i + 500]))
            .group_by(Document.status)
        ):
            counts[status] = counts.get(status, 0) + int(n)
    return counts
