"""Antrean: the review queue page with its filters and pages, and the claim/release buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Query, Request, Response
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.keys import Principal, Role
from infra.tables import Region, Submission, Unit
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.scope import (
    ensure_reviewer,
    require_submission,
    review_target,
    visible_region,
    visible_unit,
    visible_units,
)
from intake.web.render import page, redirect
from intake.web.session import Viewer, check_csrf, flash, local_path
from intake.workspace.claims import claim_submission, release_submission
from intake.workspace.dates import tanggal
from intake.workspace.queue import (
    SORT_LABELS,
    ClaimFilter,
    QueueFilter,
    QueueSort,
    WaitingStatus,
    review_queue,
)
from intake.workspace.waiting import ATTENTION_LABELS, Attention
from rules.completeness import LABELS_ID, CriterionStatus

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SUBMISSION = "/ui/pengajuan/{programme}/{period}/{unit}"
FormText = Annotated[str, Form()]


def submission_page(programme: str, period: str, unit: str) -> str:
    return f"/ui/pengajuan/{programme}/{period}/{unit}"


def submission_address(programme: str, period: str, unit: str) -> tuple[str, str, str]:
    """The submission a page's path names (SUBMISSION): programme, period, unit."""
    return programme, period, unit


Address = Annotated[tuple[str, str, str], Depends(submission_address)]


def visible_choices(session: Session, viewer: Principal) -> dict[str, Any]:
    """What the filter lists offer: the caller's units and, for an admin, every region."""
    units = session.execute(
        sa.select(Unit.code, Unit.name).where(visible_units(viewer)).order_by(Unit.code)
    ).all()
    regions = (
        session.execute(sa.select(Region.code, Region.name).order_by(Region.code)).all()
        if viewer.role is Role.ADMIN
        else []
    )
    return {"units": units, "regions": regions}


def _filters(session: Session, rt: Runtime, viewer: Principal, raw: dict[str, str]) -> QueueFilter:
    """The queue filter from the form's fields; a bad one raises ApiError (shown on the page)."""
    programme = raw["programme"].strip().upper() or None
    if programme and programme not in rt.catalogs.programmes():
        raise ApiError(
            422,
            "unknown_programme",
            f"Program '{programme}' tidak dikenal.",
            f"Unknown programme '{programme}'.",
        )
    status, attention = raw["status"].strip(), raw["perhatian"].strip()
    sort, claim = raw["urut"].strip() or QueueSort.ATTENTION.value, raw["pegang"].strip()
    known = (
        (status, WaitingStatus),
        (attention, Attention),
        (sort, QueueSort),
        (claim, ClaimFilter),
    )
    if any(value and value not in {c.value for c in choice} for value, choice in known):
        raise ApiError(422, "invalid_filter", "Saringan tidak dikenal.", "Unknown filter.")
    return QueueFilter(
        programme=programme,
        period=raw["period"].strip().upper() or None,
        region=visible_region(session, viewer, raw["region"]).code if raw["region"] else None,
        unit=visible_unit(session, viewer, raw["unit"]).code if raw["unit"].strip() else None,
        search=raw["q"].strip()[:200] or None,
        statuses=(WaitingStatus(status),) if status else (),
        attention=(Attention(attention),) if attention else (),
        claim=ClaimFilter(claim) if claim else None,
        include_done=raw["semua"] == "1",
        sort=QueueSort(sort),
    )


@router.get("/ui/antrean")
def queue_page(
    request: Request,
    viewer: Viewer,
    session: DbSession,
    rt: Runtime,
    programme: str = "",
    period: str = "",
    status: str = "",
    unit: str = "",
    region: str = "",
    q: str = "",
    urut: str = "",
    perhatian: str = "",
    pegang: str = "",
    semua: str = "",
    halaman: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    raw = {"programme": programme, "period": period, "status": status, "unit": unit}
    raw.update(region=region.strip(), q=q, urut=urut, perhatian=perhatian, pegang=pegang)
    raw["semua"] = semua
    problem, queue = None, None
    try:
        filters = _filters(session, rt, viewer, raw)
        offset = (halaman - 1) * PAGE_SIZE
        queue = review_queue(session, rt.catalogs, viewer, filters, PAGE_SIZE, offset)
    except ApiError as exc:
        problem = exc.body.message
    here = {k: v for k, v in raw.items() if v}
    return page(
        request,
        "antrean.html",
        viewer,
        section="antrean",
        queue=queue,
        problem=problem,
        raw=raw,
        halaman=halaman,
        page_size=PAGE_SIZE,
        page_url=lambda n: "/ui/antrean?" + urlencode({**here, "halaman": n}),
        back_to=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        programmes=rt.catalogs.programmes(),
        statuses=[(s.value, LABELS_ID[CriterionStatus(s.value)]) for s in WaitingStatus],
        attentions=[(a.value, ATTENTION_LABELS[a]) for a in Attention],
        sorts=list(SORT_LABELS.items()),
        claims=[
            ("free", "Belum ditangani"),
            ("mine", "Saya tangani"),
            ("others", "Ditangani orang lain"),
        ],
        attention_labels=ATTENTION_LABELS,
        criterion_labels=LABELS_ID,
        submission_page=submission_page,
        **visible_choices(session, viewer),
    )


Act = Callable[[Session, Submission], str]  # does the hold move, answers the flash's words


def _hold_action(
    request: Request,
    rt: Runtime,
    viewer: Principal,
    address: tuple[str, str, str],
    csrf: str,
    kembali: str,
    act: Act,
) -> Response:
    """Claim or release: CSRF, role, the locked submission, a flash, back to the page."""
    check_csrf(request, csrf)
    ensure_reviewer(viewer, "menangani pengajuan", "claim submissions")
    programme, period, unit = address
    try:
        with transaction(rt.sessions) as session:
            target = review_target(session, rt, viewer, programme, period, unit)
            message = act(session, require_submission(session, target, lock=True))
        flash(request, f"Pengajuan {target.unit.name} {message}.")
    except ApiError as exc:
        if exc.status == 404:
            raise
        flash(request, exc.body.message, "error")
    return redirect(local_path(kembali, submission_page(programme, period, unit)))


def _claim(viewer: Principal) -> Act:
    def claim(session: Session, submission: Submission) -> str:
        held = claim_submission(session, submission, viewer)
        return f"Anda tangani sampai {tanggal(held.until, with_time=True)}"

    return claim


def _release(viewer: Principal) -> Act:
    def release(session: Session, submission: Submission) -> str:
        release_submission(session, submission, viewer)
        return "Anda lepaskan"

    return release


def _hold_route(
    path: str, act: Callable[[Principal], Callable[[Session, Submission], str]]
) -> None:
    """tangani holds the submission (30 minutes; claiming again renews), lepas lets it go."""

    def hold_form(
        request: Request,
        address: Address,
        viewer: Viewer,
        rt: Runtime,
        csrf: FormText = "",
        kembali: FormText = "",
    ) -> Response:
        return _hold_action(request, rt, viewer, address, csrf, kembali, act(viewer))

    router.add_api_route(path, hold_form, methods=["POST"], name=path.rsplit("/", 1)[-1])


_hold_route(f"{SUBMISSION}/tangani", _claim)
_hold_route(f"{SUBMISSION}/lepas", _release)
