"""Matriks and the downloads a signed-in verifier takes away: the matrix (CSV, XLSX), a unit's
findings, and the print-ready Laporan Hasil Pemeriksaan. The API's export endpoints take API
keys only; these call the same functions with the session's verifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from infra.days import WIB
from infra.keys import Principal
from infra.tables import Submission, Unit
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.scope import review_target, visible_units
from intake.web.queue import SUBMISSION, Address, submission_page, visible_choices
from intake.web.render import PAGE_HEADERS, page
from intake.web.session import Viewer
from intake.workspace import exports
from intake.workspace.matrix import Matrix, matrix_for
from intake.workspace.progress import (
    SEGMENT_LABELS,
    SEGMENTS,
    STAGE_LABELS,
    STAGES,
    build_progress,
)
from intake.workspace.reading import submission_view
from intake.workspace.report import render_report
from rules.completeness import LABELS_ID, CriterionStatus

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=64)]
SHORT_STATUS = LABELS_ID  # LENGKAP, BELUM LENGKAP, Perlu cek manual: one style everywhere
# The report carries its own print styles inline; it loads nothing else.
REPORT_HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
}


def latest_period(session: Session, viewer: Principal, programme: str) -> str:
    """The newest period any visible unit handed in for, else the current year."""
    found = session.scalar(
        sa.select(sa.func.max(Submission.period))
        .join(Unit, Unit.code == Submission.unit_code)
        .where(Submission.programme == programme, visible_units(viewer))
    )
    return found or str(datetime.now(UTC).astimezone(WIB).year)


@dataclass(frozen=True)
class Choice:
    """The matrix a page shows: the programme (P2HAM unless chosen), the period (the newest any
    visible unit handed in for, unless chosen), the region (all, unless chosen)."""

    programmes: list[str]
    chosen: dict[str, str]
    matrix: Matrix | None
    problem: str | None  # why there is no matrix (a bad programme, period or region)


def matrix_choice(
    viewer: Viewer,
    session: DbSession,
    rt: Runtime,
    programme: Text = "",
    period: Text = "",
    region: Text = "",
) -> Choice:
    programmes = rt.catalogs.programmes()
    programme = programme.strip().upper() or ("P2HAM" if "P2HAM" in programmes else programmes[0])
    period = period.strip().upper() or latest_period(session, viewer, programme)
    chosen = {"programme": programme, "period": period, "region": region.strip()}
    try:
        matrix = matrix_for(session, rt, viewer, programme, period, chosen["region"] or None)[0]
    except ApiError as exc:
        return Choice(programmes, chosen, None, exc.body.message)
    return Choice(programmes, chosen, matrix, None)


Chosen = Annotated[Choice, Depends(matrix_choice)]


@router.get("/ui/kemajuan")
def progress_page(request: Request, viewer: Viewer, session: DbSession, choice: Chosen) -> Response:
    """Kemajuan: per unit uploaded / complete / decided / ready as bars (server-drawn SVG),
    and the counts the Kanwil reports upward."""
    return page(
        request,
        "kemajuan.html",
        viewer,
        section="kemajuan",
        progress=build_progress(choice.matrix) if choice.matrix else None,
        problem=choice.problem,
        chosen=choice.chosen,
        programmes=choice.programmes,
        stages=STAGES,
        stage_labels=STAGE_LABELS,
        segments=SEGMENTS,
        segment_labels=SEGMENT_LABELS,
        submission_page=submission_page,
        **visible_choices(session, viewer),
    )


@router.get("/ui/matriks")
def matrix_page(
    request: Request, viewer: Viewer, session: DbSession, choice: Chosen, mengunggah: Text = ""
) -> Response:
    matrix = choice.matrix
    return page(
        request,
        "matriks.html",
        viewer,
        section="matriks",
        matrix=matrix,
        rows=[u for u in matrix.units if u.submitted or not mengunggah] if matrix else [],
        only_submitted=bool(mengunggah),
        problem=choice.problem,
        chosen=choice.chosen,
        query=urlencode({k: v for k, v in choice.chosen.items() if v}),
        programmes=choice.programmes,
        short_status=SHORT_STATUS,
        status_labels=LABELS_ID,
        statuses=list(CriterionStatus),
        submission_page=submission_page,
        **visible_choices(session, viewer),
    )


def _download(body: bytes, media_type: str, name: str) -> Response:
    headers = {**exports.attachment(name), "Cache-Control": "no-store"}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/ui/ekspor/matriks.{fmt}")
def matrix_download(
    fmt: str,
    viewer: Viewer,
    session: DbSession,
    rt: Runtime,
    programme: Text,
    period: Text,
    region: Text = "",
) -> Response:
    """The same workbook or CSV as GET /v1/matrix.xlsx|.csv, for the session's verifier."""
    if fmt not in {"csv", "xlsx"}:
        raise ApiError(404, "not_found", "Format tidak dikenal.", "Unknown format.")
    matrix, catalog = matrix_for(session, rt, viewer, programme, period, region.strip() or None)
    name = f"matriks_{matrix.programme}_{matrix.period}.{fmt}"
    if fmt == "csv":
        return _download(exports.matrix_csv(matrix, catalog), exports.CSV_TYPE, name)
    return _download(exports.matrix_xlsx(matrix, catalog), exports.XLSX_TYPE, name)


@router.get(SUBMISSION + "/temuan.{fmt}")
def findings_download(
    fmt: str, address: Address, viewer: Viewer, session: DbSession, rt: Runtime
) -> Response:
    if fmt not in {"csv", "xlsx"}:
        raise ApiError(404, "not_found", "Format tidak dikenal.", "Unknown format.")
    target = review_target(session, rt, viewer, *address)
    view = submission_view(session, target, viewer)
    name = f"temuan_{target.programme}_{target.period}_{target.unit.code}.{fmt}"
    if fmt == "csv":
        return _download(exports.findings_csv(view), exports.CSV_TYPE, name)
    return _download(exports.findings_xlsx(view), exports.XLSX_TYPE, name)


@router.get(SUBMISSION + "/laporan")
def report_page(address: Address, viewer: Viewer, session: DbSession, rt: Runtime) -> HTMLResponse:
    """The Laporan Hasil Pemeriksaan, ready to print on A4."""
    target = review_target(session, rt, viewer, *address)
    view = submission_view(session, target, viewer)
    html = render_report(view, target.catalog, rt.settings.office_name, viewer.name)
    return HTMLResponse(html, headers=REPORT_HEADERS)
