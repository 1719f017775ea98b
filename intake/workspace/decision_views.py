"""Decisions as the API and pages show them: the words, what a verifier sends, what is read back
(with who decided and whether the machine changed since)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from infra.statuses import DecisionKind
from infra.tables import Account, Decision
from infra.text import PlainText

LABELS_ID = {
    DecisionKind.ACCEPTED: "Memenuhi",
    DecisionKind.REVISION_REQUESTED: "Perlu Perbaikan",
    DecisionKind.REJECTED: "Tidak Memenuhi",
}


LABELS_EN = {
    DecisionKind.ACCEPTED: "Meets the criterion",
    DecisionKind.REVISION_REQUESTED: "Revision requested",
    DecisionKind.REJECTED: "Does not meet the criterion",
}


READY_LABELS = {True: "Siap diunggah", False: "Belum siap"}


MACHINE_CHANGED = "hasil sistem berubah sejak keputusan"


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: DecisionKind
    note: PlainText | None = Field(
        default=None, max_length=4000, description="required unless the decision is accepted"
    )
    override_reason: PlainText | None = Field(
        default=None,
        max_length=4000,
        description="required when the decision goes against the machine verdict",
    )


class DecisionOut(BaseModel):
    id: int
    criterion: str
    decision: DecisionKind
    label: str = Field(description="Memenuhi, Perlu Perbaikan or Tidak Memenuhi")
    label_en: str
    note: str | None
    machine_status: str = Field(description="the machine verdict when the decision was made")
    override: bool
    override_reason: str | None
    by: str = Field(description="who decided: the person's name (or the key's)")
    by_key_id: str | None = Field(description="the key used, if a key was used")
    by_account: str | None = Field(
        default=None, description="the username of the person who decided, if signed in"
    )
    at: datetime
    resubmitted: bool = Field(
        default=False, description="revision requested and a document was uploaded since"
    )
    machine_status_now: str | None = Field(
        default=None, description="the machine verdict now (a re-check may have changed it)"
    )
    machine_changed: bool = Field(
        default=False, description="the machine verdict changed after the decision was made"
    )
    machine_changed_label: str | None = Field(
        default=None, description=f'"{MACHINE_CHANGED}" when machine_changed'
    )


def decision_out(
    row: Decision,
    resubmitted: bool = False,
    machine_now: str | None = None,
    usernames: Mapping[str, str] | None = None,
) -> DecisionOut:
    """`machine_now`: the criterion's machine verdict now; `usernames`: account id → username,
    for the decisions people made."""
    usernames = usernames or {}
    kind = DecisionKind(row.decision)
    changed = machine_now is not None and machine_now != row.machine_status
    return DecisionOut(
        id=row.id,
        criterion=row.criterion_id,
        decision=kind,
        label=LABELS_ID[kind],
        label_en=LABELS_EN[kind],
        note=row.note,
        machine_status=row.machine_status,
        override=row.override,
        override_reason=row.override_reason,
        by=row.decided_by_name,
        by_key_id=row.decided_by,
        by_account=usernames.get(row.decided_by_account) if row.decided_by_account else None,
        at=row.decided_at,
        resubmitted=resubmitted,
        machine_status_now=machine_now,
        machine_changed=changed,
        machine_changed_label=MACHINE_CHANGED if changed else None,
    )


def usernames_of(session: Session, rows: Iterable[Decision]) -> dict[str, str]:
    """account id → username of the people who made these decisions."""
    ids = {r.decided_by_account for r in rows if r.decided_by_account}
    if not ids:
        return {}
    found = session.execute(sa.select(Account.id, Account.username).where(Account.id.in_(ids)))
    return {str(row[0]): str(row[1]) for row in found}
