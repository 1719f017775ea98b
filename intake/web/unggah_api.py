"""The upload page's JSON calls under /ui/unggah/api: the page session (the cookie is /ui
only, so never the /v1 routes) plus an X-CSRF-Token header on every call that changes
something. Each route calls the same plain function as its /v1 sibling."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from infra.keys import Principal
from infra.multipart import PART_BYTES
from infra.storage import S3Store
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.scope import review_target
from intake.upload.bundles import receive_bundle
from intake.upload.multipart import (
    MultipartOut,
    PartOut,
    PartUrl,
    abort_multipart,
    finish_multipart,
    put_local_part,
    sign_parts,
    start_multipart,
    uploaded_parts,
)
from intake.upload.presigned import (
    UploadIn,
    UploadOut,
    complete_upload,
    create_upload,
    put_content,
    upload_out,
)
from intake.upload.replacing import replace_document
from intake.upload.submitting import submit
from intake.web.render import PAGE_API
from intake.web.session import OPERATOR_ROLES, PageRefused, check_csrf, current_viewer
from intake.workspace.reading import SubmissionOut, submission_view
from rules.binding import BindingProblem, bind_file

router = APIRouter(prefix=PAGE_API.rstrip("/"), include_in_schema=False)
SAFE = {"GET", "HEAD"}


def page_operator(request: Request, rt: Runtime) -> Principal:
    """The session's unit operator; 401 without one, 403 for other roles or a bad token."""
    principal = current_viewer(request, rt)
    if principal is None:
        raise ApiError(
            401,
            "signed_out",
            "Sesi Anda sudah berakhir. Muat ulang halaman lalu masuk lagi; berkas yang belum "
            "selesai dapat dilanjutkan.",
            "Your session has ended; reload the page and sign in again.",
        )
    request.state.principal = principal
    if principal.role not in OPERATOR_ROLES:
        raise ApiError(403, "forbidden", "Hanya untuk operator unit.", "For unit operators only.")
    if request.method not in SAFE:
        try:
            check_csrf(request, request.headers.get("x-csrf-token"))
        except PageRefused as exc:
            raise ApiError(403, "csrf_failed", exc.message, "Missing or wrong CSRF token.") from exc
    return principal


PageOperator = Annotated[Principal, Depends(page_operator)]


class FileName(BaseModel):
    name: str = Field(max_length=512)
    folder: str | None = Field(default=None, max_length=1024)  # path inside a dropped folder


class BindIn(BaseModel):
    files: list[FileName] = Field(max_length=2000)


class BindingOut(BaseModel):
    criterion: str | None
    source: str | None  # name, folder
    kind: str | None
    problem: str | None = None  # why no criterion was found (the operator picks one)


class PageUploadOut(UploadOut):
    multipart: bool  # above one part's size: send it in parts (start, sign, put, finish)


class Numbers(BaseModel):
    numbers: list[int] = Field(min_length=1, max_length=1000)


def _page_upload(rt: ApiRuntime, out: UploadOut) -> PageUploadOut:
    answer = PageUploadOut(**out.model_dump(), multipart=False)
    if not isinstance(rt.store, S3Store) and answer.url:  # absah's own PUT, with the session
        answer.url = f"{PAGE_API}unggahan/{out.id}/isi"
        answer.headers.pop("Authorization", None)
    return answer


@router.get("/pengajuan/{programme}/{period}/{unit}", response_model=SubmissionOut)
def read_submission(
    programme: str, period: str, unit: str, rt: Runtime, session: DbSession, who: PageOperator
) -> SubmissionOut:
    """The checklist: every criterion, its machine status, documents, findings, decision."""
    target = review_target(session, rt, who, programme, period, unit)
    return submission_view(session, target, who)


@router.post("/ikat/{programme}/{period}/{unit}", response_model=list[BindingOut])
def bind_names(
    programme: str,
    period: str,
    unit: str,
    body: BindIn,
    rt: Runtime,
    session: DbSession,
    who: PageOperator,
) -> list[BindingOut]:
    """Which criterion each dropped file goes to, by the server's own rules (rules.binding)."""
    target = review_target(session, rt, who, programme, period, unit)
    answers: list[BindingOut] = []
    for f in body.files:
        bound = bind_file(
            target.catalog,
            rt.catalogs.naming,
            criterion=None,
            kind=None,
            name=f.name,
            folder=f.folder.strip("/") if f.folder else None,
        )
        if isinstance(bound, BindingProblem):
            answers.append(BindingOut(criterion=None, source=None, kind=None, problem=bound.code))
        else:
            answers.append(
                BindingOut(criterion=bound.criterion_id, source=bound.criterion_source, kind=None)
            )
    return answers


@router.post("/unggahan", response_model=PageUploadOut, status_code=201)
async def new_upload(body: UploadIn, rt: Runtime, who: PageOperator) -> PageUploadOut:
    out = _page_upload(rt, upload_out(rt, await create_upload(rt, who, body), ""))
    out.multipart = body.size > PART_BYTES
    return out


@router.put("/unggahan/{upload_id}/isi", status_code=204, response_class=Response)
async def upload_content(
    upload_id: str, request: Request, rt: Runtime, who: PageOperator
) -> Response:
    await put_content(rt, who, upload_id, request.stream())
    return Response(status_code=204)


@router.post("/unggahan/{upload_id}/selesai", response_model=PageUploadOut)
async def finish_upload(upload_id: str, rt: Runtime, who: PageOperator) -> PageUploadOut:
    return _page_upload(rt, upload_out(rt, await complete_upload(rt, who, upload_id), ""))


@router.post("/unggahan/{upload_id}/bagian", response_model=MultipartOut, status_code=201)
async def new_multipart(upload_id: str, rt: Runtime, who: PageOperator) -> MultipartOut:
    return await start_multipart(rt, who, upload_id)


@router.post("/unggahan/{upload_id}/bagian/{multipart_id}/tanda", response_model=list[PartUrl])
async def part_urls(
    upload_id: str, multipart_id: str, body: Numbers, rt: Runtime, who: PageOperator
) -> list[PartUrl]:
    def local(number: int) -> str:
        return f"{PAGE_API}unggahan/{upload_id}/bagian/{multipart_id}/{number}"

    return await sign_parts(rt, who, upload_id, multipart_id, body.numbers, local)


@router.get("/unggahan/{upload_id}/bagian/{multipart_id}", response_model=list[PartOut])
async def parts_held(
    upload_id: str, multipart_id: str, rt: Runtime, who: PageOperator
) -> list[PartOut]:
    return await uploaded_parts(rt, who, upload_id, multipart_id)


@router.put(
    "/unggahan/{upload_id}/bagian/{multipart_id}/{number}",
    status_code=204,
    response_class=Response,
)
async def local_part(
    upload_id: str,
    multipart_id: str,
    number: int,
    request: Request,
    rt: Runtime,
    who: PageOperator,
) -> Response:
    await put_local_part(rt, who, upload_id, multipart_id, number, request.stream())
    return Response(status_code=204)


@router.post("/unggahan/{upload_id}/bagian/{multipart_id}/selesai", response_model=PageUploadOut)
async def join_parts(
    upload_id: str, multipart_id: str, rt: Runtime, who: PageOperator
) -> PageUploadOut:
    row = await finish_multipart(rt, who, upload_id, multipart_id)
    return _page_upload(rt, upload_out(rt, row, ""))


@router.delete(
    "/unggahan/{upload_id}/bagian/{multipart_id}", status_code=204, response_class=Response
)
async def drop_parts(upload_id: str, multipart_id: str, rt: Runtime, who: PageOperator) -> Response:
    await abort_multipart(rt, who, upload_id, multipart_id)
    return Response(status_code=204)


@router.post("/bundel/{programme}/{period}/{unit}", status_code=202)
async def upload_zip(
    programme: str, period: str, unit: str, request: Request, rt: Runtime, who: PageOperator
) -> JSONResponse:
    """A ZIP goes to the bundles step (expanded server-side), streamed to disk on the way."""
    return await submit(request, rt, who, programme, period, unit, "bundle", receive_bundle)


@router.post("/dokumen/{document_id}/ganti")
async def replace_file(document_id: str, request: Request, rt: Runtime, who: PageOperator) -> Any:
    """Ganti berkas: the API's replace (POST /v1/documents/{id}/replace, multipart field
    `file`) for the page's operator, through the same plain function."""
    out = await replace_document(request, rt, who, document_id)
    return JSONResponse(out.model_dump(mode="json"), status_code=202)
