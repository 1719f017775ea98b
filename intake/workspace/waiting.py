"""What waits in one submission: which criteria await a decision, what needs attention first,
and the counts a queue row shows (pure: rows in, a summary out)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from infra.tables import Decision
from rules.completeness import IN_PROGRESS, CriterionStatus, CriterionVerdict

WAITABLE = frozenset(
    {CriterionStatus.COMPLETE, CriterionStatus.INCOMPLETE, CriterionStatus.NEEDS_REVIEW}
)
LOOK = frozenset({"failed", "needs_review", "unable_to_check"})  # a document a person must see


class Attention(StrEnum):
    """What needs a verifier first, in this order."""

    FAILED = "failed"  # a file the system refused
    NEEDS_REVIEW = "needs_review"  # a file or criterion only a person can judge
    INCOMPLETE = "incomplete"  # evidence missing
    RESUBMITTED = "resubmitted"  # revision was requested and a new file came since


ATTENTION_ORDER = list(Attention)
ATTENTION_LABELS = {
    Attention.FAILED: "berkas ditolak sistem",
    Attention.NEEDS_REVIEW: "perlu cek manual",
    Attention.INCOMPLETE: "BELUM LENGKAP",
    Attention.RESUBMITTED: "unggahan perbaikan",
}


@dataclass(frozen=True)
class Upload:
    criterion_id: str
    status: str
    created_at: datetime


@dataclass
class Waiting:
    """One submission's criteria waiting for a decision, and its counts."""

    criteria: list[str] = field(default_factory=list)  # attention first, then catalog order
    statuses: dict[str, str] = field(default_factory=dict)  # waiting criterion → machine status
    attention: Counter[Attention] = field(default_factory=Counter)
    oldest: datetime | None = None
    documents: Counter[str] = field(default_factory=Counter)  # live documents by status
    superseded: int = 0
    machine: Counter[str] = field(default_factory=Counter)  # every criterion by status
    decisions: Counter[str] = field(default_factory=Counter)  # applicable ones; "undecided"

    @property
    def rank(self) -> int:
        """0 when a file was refused, … 4 when nothing but complete criteria wait."""
        for i, flag in enumerate(ATTENTION_ORDER):
            if self.attention[flag]:
                return i
        return len(ATTENTION_ORDER)


def criterion_flags(status: str, docs: list[Upload], resubmitted: bool) -> list[Attention]:
    flags = []
    if any(d.status == "failed" for d in docs):
        flags.append(Attention.FAILED)
    if status == CriterionStatus.NEEDS_REVIEW or any(d.status in LOOK - {"failed"} for d in docs):
        flags.append(Attention.NEEDS_REVIEW)
    if status == CriterionStatus.INCOMPLETE:
        flags.append(Attention.INCOMPLETE)
    if resubmitted:
        flags.append(Attention.RESUBMITTED)
    return flags


def summarise(
    verdicts: dict[str, CriterionVerdict],
    uploads: list[Upload],
    decisions: dict[str, Decision],
) -> Waiting:
    """Waiting = machine check done (complete, incomplete, needs_review; no file in progress),
    with live documents, and undecided or resubmitted after a revision request. Waiting since
    its first live document, or the first one after the revision request."""
    out = Waiting()
    live: dict[str, list[Upload]] = {}
    for u in uploads:
        if u.status == "superseded":
            out.superseded += 1
            continue
        out.documents[u.status] += 1
        live.setdefault(u.criterion_id, []).append(u)
    ranked: list[tuple[int, int, str]] = []
    for order, (cid, verdict) in enumerate(verdicts.items()):
        out.machine[verdict.status] += 1
        decision = decisions.get(cid)
        if verdict.status != CriterionStatus.NOT_APPLICABLE:
            out.decisions[decision.decision if decision else "undecided"] += 1
        docs = live.get(cid, [])
        if verdict.status not in WAITABLE or not docs or any(d.status in IN_PROGRESS for d in docs):
            continue
        after = (
            [d.created_at for d in docs if d.created_at > decision.decided_at]
            if decision is not None and decision.decision == "revision_requested"
            else []
        )
        if decision is not None and not after:
            continue
        since = min(after) if after else min(d.created_at for d in docs)
        out.oldest = since if out.oldest is None else min(out.oldest, since)
        flags = criterion_flags(verdict.status, docs, bool(after))
        for flag in flags:
            out.attention[flag] += (
                sum(1 for d in docs if d.status == "failed") if flag is Attention.FAILED else 1
            )
        first = min((ATTENTION_ORDER.index(f) for f in flags), default=len(ATTENTION_ORDER))
        ranked.append((first, order, cid))
        out.statuses[cid] = verdict.status
    out.criteria = [cid for _, _, cid in sorted(ranked)]
    return out
