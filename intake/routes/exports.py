"""The completeness matrix and the downloads: matrix CSV/XLSX, a unit's findings CSV/XLSX and
its print-ready Laporan Hasil Pemeriksaan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import HTMLResponse

from intake.address import Target
from intake.auth import Caller
from intake.deps import DbSession, Runtime
from intake.errors import error_responses
from intake.scope import ReviewTarget
from intake.views import file_responses
from intake.workspace import exports
from intake.workspace.matrix import Matrix, matrix_for
from intake.workspace.reading import submission_view
from intake.workspace.report import render_report
from rules.catalog import Catalog

router = APIRouter(tags=["exports"])

ERRORS = error_responses(404, 422, 503)  # JSON, also where the success is CSV, XLSX or HTML
CSV = {**ERRORS, **file_responses(exports.CSV_TYPE)}
XLSX = {**ERRORS, **file_responses(exports.XLSX_TYPE)}
SUBMISSION = "/v1/submissions/{programme}/{period}/{unit}"
Programme = Annotated[str, Query(description="KKPHAM, P2HAM or AKSIHAM")]
Period = Annotated[str, Query(description="2025, or 2025-B08 for AKSIHAM")]
Region = Annotated[str | None, Query(description="a province code, e.g. 16")]


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers=exports.attachment(name))


def _base(target: Target) -> str:
    return f"{target.programme}_{target.period}_{target.unit.code}"


def _matrix(
    programme: Programme,
    period: Period,
    session: DbSession,
    rt: Runtime,
    caller: Caller,
    region: Region = None,
) -> tuple[Matrix, Catalog]:
    return matrix_for(session, rt, caller, programme, period, region)


ChosenMatrix = Annotated[tuple[Matrix, Catalog], Depends(_matrix)]


@router.get("/v1/matrix", response_model=Matrix, responses=ERRORS)
def get_matrix(chosen: ChosenMatrix) -> Matrix:
    """Units the caller sees × leaf criteria: machine status and decision per cell, with
    counts per region. Units without a submission are evaluated over no documents."""
    return chosen[0]


@router.get("/v1/matrix.csv", response_class=Response, responses=CSV)
def get_matrix_csv(chosen: ChosenMatrix) -> Response:
    """The matrix as CSV (UTF-8 with BOM), one row per unit × criterion."""
    matrix, catalog = chosen
    name = f"matriks_{matrix.programme}_{matrix.period}.csv"
    return _download(exports.matrix_csv(matrix, catalog), exports.CSV_TYPE, name)


@router.get("/v1/matrix.xlsx", response_class=Response, responses=XLSX)
def get_matrix_xlsx(chosen: ChosenMatrix) -> Response:
    """The matrix as an Excel workbook: sheet Matriks (unit × criterion) and Ringkasan."""
    matrix, catalog = chosen
    name = f"matriks_{matrix.programme}_{matrix.period}.xlsx"
    return _download(exports.matrix_xlsx(matrix, catalog), exports.XLSX_TYPE, name)


@router.get(f"{SUBMISSION}/findings.csv", response_class=Response, responses=CSV)
def get_findings_csv(
    target: ReviewTarget, session: DbSession, rt: Runtime, caller: Caller
) -> Response:
    """Every document of the submission with its findings, as CSV."""
    body = exports.findings_csv(submission_view(session, target, caller))
    return _download(body, exports.CSV_TYPE, f"temuan_{_base(target)}.csv")


@router.get(f"{SUBMISSION}/findings.xlsx", response_class=Response, responses=XLSX)
def get_findings_xlsx(
    target: ReviewTarget, session: DbSession, rt: Runtime, caller: Caller
) -> Response:
    """Every document of the submission with its findings, as an Excel workbook."""
    body = exports.findings_xlsx(submission_view(session, target, caller))
    return _download(body, exports.XLSX_TYPE, f"temuan_{_base(target)}.xlsx")


@router.get(f"{SUBMISSION}/report.html", response_class=HTMLResponse, responses=ERRORS)
def get_report(
    target: ReviewTarget, session: DbSession, rt: Runtime, caller: Caller
) -> HTMLResponse:
    """The Laporan Hasil Pemeriksaan, ready to print on A4 (opens in the browser)."""
    view = submission_view(session, target, caller)
    html = render_report(view, target.catalog, rt.settings.office_name, caller.name)
    name = f"laporan_{_base(target)}.html"
    return HTMLResponse(html, headers={"Content-Disposition": f'inline; filename="{name}"'})
