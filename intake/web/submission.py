"""Pengajuan: one submission's criteria, documents with findings and previews, and the decision
form per criterion (posting to record_decision)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.keys import Principal, Role
from infra.statuses import DecisionKind
from infra.text import CONTROL_CHARACTER
from infra.webhooks import send_deliveries
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.scope import find_submission, review_target
from intake.views import DocumentOut, FindingOut
from intake.web.queue import SUBMISSION, Address, submission_page
from intake.web.render import page, redirect
from intake.web.session import Viewer, check_csrf, flash
from intake.web.twins import Twin, twins_of
from intake.workspace.claims import claim_out, live_claim
from intake.workspace.decision_views import LABELS_ID as DECISION_LABELS
from intake.workspace.decision_views import DecisionIn
from intake.workspace.decisions import overrides, record_decision
from intake.workspace.preview import previewable
from intake.workspace.reading import CriterionOut, submission_view
from intake.workspace.waiting import ATTENTION_LABELS, Attention, Upload, criterion_flags
from rules.catalog import Catalog
from rules.completeness import CriterionStatus
from rules.naming import PATTERN

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]
UNDECIDABLE = {CriterionStatus.PENDING, CriterionStatus.NOT_APPLICABLE}
ERROR_FIELDS = {
    "note_required": "catatan",
    "override_reason_required": "alasan",
    f"{CONTROL_CHARACTER}_catatan": "catatan",
    f"{CONTROL_CHARACTER}_alasan": "alasan",
}
# Findings: failures first, then what needs a person, warnings; passed and skipped last.
FINDING_ORDER = {"fail": 0, "warn": 2, "pass": 3, "skip": 4}
# Documents likewise: refused, to look at, still checking, passed; replaced ones at the end.
DOCUMENT_ORDER = {"failed": 0, "needs_review": 1, "unable_to_check": 1, "passed": 3}


def finding_rank(f: FindingOut) -> tuple[int, str]:
    review = f.needs_review and f.outcome != "fail"
    return (1 if review else FINDING_ORDER.get(f.outcome, 2), f.check_id)


def document_rank(doc: DocumentOut) -> int:
    return 9 if doc.status == "superseded" else DOCUMENT_ORDER.get(doc.status, 2)


# Warnings about the name alone: shown once per submission, not on every card.
NAME_ONLY = {"name-not-canonical"}


def name_only(f: FindingOut) -> bool:
    return f.outcome == "warn" and f.reason_code in NAME_ONLY and not f.needs_review


@dataclass
class DocumentCard:
    doc: DocumentOut
    kind_name: str
    problems: list[FindingOut]  # fail, needs review, warn: shown
    passed: list[FindingOut]  # pass, skip: folded away
    previewable: bool
    twins: list[Twin] = field(default_factory=list)  # look-alike photos of other documents
    named_badly: bool = False  # its name-only warning is in the submission's one notice


@dataclass
class CriterionCard:
    criterion: CriterionOut
    documents: list[DocumentCard]
    decidable: bool
    override_for: list[str]  # decision labels that would go against the machine verdict
    old: list[DocumentCard] = field(default_factory=list)  # superseded: folded history
    attention: list[Attention] = field(default_factory=list)  # waiting, and what for
    refused: int = 0  # live files the system refused
    flagged: int = 0  # live files a person must look at
    next_id: str | None = None  # the next criterion needing attention
    error: str | None = None
    error_field: str | None = None  # the form field the refusal is about (focused)
    sent: dict[str, str] = field(default_factory=dict)  # the refused form's values, kept


def document_card(catalog: Catalog, doc: DocumentOut) -> DocumentCard:
    ranked = sorted(doc.findings, key=finding_rank)
    kind = catalog.evidence_kinds.get(doc.kind) if doc.kind else None
    return DocumentCard(
        doc=doc,
        kind_name=kind.name_id if kind else (doc.kind or "jenis belum dikenali"),
        problems=[
            f
            for f in ranked
            if (f.outcome in {"fail", "warn"} or f.needs_review) and not name_only(f)
        ],
        passed=[f for f in ranked if f.outcome in {"pass", "skip"} and not f.needs_review],
        previewable=previewable(doc.detected_mime) and doc.status != "superseded",
        twins=twins_of(doc),
        named_badly=any(name_only(f) for f in ranked),
    )


def criterion_card(catalog: Catalog, criterion: CriterionOut, submitted: bool) -> CriterionCard:
    machine = CriterionStatus(criterion.status)
    any_failed = any(d.status == "failed" for d in criterion.documents)
    ranked = sorted(criterion.documents, key=document_rank)  # stable: upload order within
    live = [d for d in ranked if d.status != "superseded"]
    decision = criterion.decision
    waiting = decision is None or (
        decision.decision is DecisionKind.REVISION_REQUESTED and decision.resubmitted
    )
    uploads = [Upload(d.criterion, d.status, d.created_at) for d in live]
    return CriterionCard(
        criterion=criterion,
        documents=[document_card(catalog, d) for d in live],
        old=[document_card(catalog, d) for d in ranked if d.status == "superseded"],
        decidable=submitted and machine not in UNDECIDABLE,
        override_for=[
            DECISION_LABELS[k] for k in DecisionKind if overrides(k, machine, any_failed)
        ],
        attention=criterion_flags(machine, uploads, bool(decision and decision.resubmitted))
        if waiting and live and machine not in UNDECIDABLE
        else [],
        refused=sum(1 for d in live if d.status == "failed"),
        flagged=sum(1 for d in live if d.status in {"needs_review", "unable_to_check"}),
    )


def chain_attention(cards: list[CriterionCard]) -> list[CriterionCard]:
    """The criteria needing attention in page order, each pointing at the next one."""
    needing = [c for c in cards if c.attention]
    for here, after in pairwise(needing):
        here.next_id = after.criterion.id
    return needing


def submission_context(
    session: Session, rt: ApiRuntime, viewer: Principal, programme: str, period: str, unit: str
) -> dict[str, Any]:
    """What the page shows; 404 (ApiError) when the viewer may not see the unit."""
    target = review_target(session, rt, viewer, programme, period, unit)
    view = submission_view(session, target, viewer)
    submission = find_submission(session, target)
    claim = live_claim(session, submission.id) if submission else None
    cards = [criterion_card(target.catalog, c, submission is not None) for c in view.criteria]
    needing = chain_attention(cards)
    badly_named = [d.doc for c in cards for d in c.documents if d.named_badly]
    return {
        "needing": needing,
        "badly_named": badly_named,
        "name_pattern": PATTERN,
        "attention_labels": ATTENTION_LABELS,
        "acceptable": [c for c in cards if c.criterion.id in set(view.acceptable)],
        "can_decide": viewer.role in {Role.VERIFIER, Role.ADMIN},
        "can_replace": viewer.role is Role.ADMIN,
        "view": view,
        "catalog": target.catalog,
        "cards": cards,
        "submitted": submission is not None,
        "claim": claim_out(claim, viewer) if claim else None,
        "base": submission_page(view.programme, view.period, view.unit.code),
        "choices": [(k.value, DECISION_LABELS[k]) for k in DecisionKind],
        "section": "antrean",
    }


@router.get(SUBMISSION)
def submission_page_view(
    request: Request, address: Address, viewer: Viewer, session: DbSession, rt: Runtime
) -> Response:
    context = submission_context(session, rt, viewer, *address)
    return page(request, "pengajuan.html", viewer, **context)


@router.post(SUBMISSION + "/keputusan/{criterion}")
def decision_form(
    request: Request,
    address: Address,
    criterion: str,
    viewer: Viewer,
    rt: Runtime,
    csrf: FormText = "",
    keputusan: FormText = "",
    catatan: FormText = "",
    alasan: FormText = "",
) -> Response:
    """Record the decision and go back to the criterion; a refusal is shown beside the form,
    with what was typed kept."""
    check_csrf(request, csrf)
    sent = {"keputusan": keputusan, "catatan": catatan, "alasan": alasan}
    try:
        body = DecisionIn.model_validate(
            {"decision": keputusan, "note": catatan or None, "override_reason": alasan or None}
        )
    except ValidationError as exc:
        refusal = _form_refusal(exc)
        return _refused(request, rt, viewer, address, criterion, sent, refusal)
    try:
        with transaction(rt.sessions) as session:
            target = review_target(session, rt, viewer, *address)
            recorded = record_decision(session, target, viewer, criterion, body)
    except ApiError as exc:
        if exc.status == 404:
            raise
        return _refused(request, rt, viewer, address, criterion, sent, exc)
    send_deliveries(rt.sender, recorded.deliveries)
    decided = recorded.decision
    text = f"Keputusan “{decided.label}” untuk {decided.criterion} sudah dicatat."
    flash(request, text, where=decided.criterion)
    base = submission_page(target.programme, str(target.period), target.unit.code)
    return redirect(f"{base}#k-{decided.criterion}")


def _form_refusal(exc: ValidationError) -> ApiError:
    """Why the decision form cannot be read, naming the field a control character is in."""
    for error in exc.errors():
        if error["type"] == CONTROL_CHARACTER and error["loc"]:
            field = {"note": "catatan", "override_reason": "alasan"}.get(str(error["loc"][0]), "")
            return ApiError(
                422,
                f"{CONTROL_CHARACTER}_{field}",
                f"Isian {field} memuat karakter kendali (mis. tab vertikal yang ikut tersalin "
                "dari Word); hapus karakter itu lalu simpan lagi.",
                f"The {error['loc'][0]} field contains a control character; remove it.",
            )
    return ApiError(
        422,
        "invalid_form",
        "Pilih salah satu keputusan (Memenuhi, Perlu Perbaikan atau Tidak Memenuhi); "
        "catatan dan alasan paling banyak 4000 karakter.",
        "Choose a decision; note and reason at most 4000 characters.",
    )


def _refused(
    request: Request,
    rt: ApiRuntime,
    viewer: Principal,
    where: tuple[str, str, str],
    criterion: str,
    sent: dict[str, str],
    refusal: ApiError,
) -> Response:
    """The page again, the refusal beside the criterion's form, what was typed kept."""
    with rt.sessions() as session:
        context = submission_context(session, rt, viewer, *where)
    for card in context["cards"]:
        if card.criterion.id == criterion.strip().upper():
            card.error, card.sent = refusal.body.message, sent
            card.error_field = ERROR_FIELDS.get(refusal.body.code)
    return page(request, "pengajuan.html", viewer, status=refusal.status, **context)
