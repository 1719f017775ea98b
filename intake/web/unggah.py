"""Unggah: the unit operators' upload page — choose programme, period (from the catalogs) and
unit (from the account), drop files, folders and ZIPs, watch them go up and get checked, read
the checklist. The page's script talks to the JSON calls in unggah_api.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response

from infra.multipart import PART_BYTES
from infra.storage import S3Store
from infra.tables import Unit
from intake.deps import DbSession, Runtime
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.scope import review_target
from intake.web.render import PAGE_HEADERS, page
from intake.web.session import Operator
from rules.catalogs import CatalogSet

router = APIRouter(include_in_schema=False)

PAGE = "/ui/unggah"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def submission_choices(catalogs: CatalogSet, today: date) -> list[Choice]:
    """Programme and period pairs the catalogs offer up to this year, newest periods first."""
    choices: list[Choice] = []
    for programme in catalogs.programmes():
        periods: set[str] = set()
        for catalog in catalogs.for_programme(programme):
            last = min(catalog.valid_to.year if catalog.valid_to else today.year, today.year)
            for year in range(catalog.valid_from.year, last + 1):
                codes = list(catalog.period.codes) or [""]
                periods.update(f"{year}-{code}" if code else str(year) for code in codes)
            name = catalog.name_id
        choices.extend(
            Choice(f"{programme}/{p}", f"{programme} {p} — {name}")
            for p in sorted(periods, reverse=True)
        )
    return choices


def storage_origin(rt: ApiRuntime) -> str:
    """Where the browser sends presigned PUTs (the page's CSP must allow it)."""
    if not isinstance(rt.store, S3Store):
        return ""
    url = urlsplit(rt.store.presign_put("_probe", None, 60))
    return f"{url.scheme}://{url.netloc}"


def page_headers(rt: ApiRuntime) -> dict[str, str]:
    """The pages' CSP plus our own script, and XHR to ourselves and to the bucket."""
    origin = storage_origin(rt)
    csp = PAGE_HEADERS["Content-Security-Policy"]
    return {
        "Content-Security-Policy": csp.replace(
            "default-src 'none';",
            f"default-src 'none'; script-src 'self'; connect-src 'self' {origin};".replace(
                " ;", ";"
            ),
        )
    }


@router.get(PAGE)
def upload_page(
    request: Request,
    rt: Runtime,
    viewer: Operator,
    session: DbSession,
    pilihan: str = "",
    program: str = "",
    periode: str = "",
    unit: str = "",
) -> Response:
    """The choice form; once programme, period and unit are chosen, the drop zone, the file
    list and the checklist (filled and kept current by the page's script)."""
    units = list(
        session.scalars(
            sa.select(Unit).where(Unit.code.in_(sorted(viewer.unit_codes))).order_by(Unit.code)
        )
    )
    choices = submission_choices(rt.catalogs, date.today())
    if pilihan and "/" in pilihan:
        program, periode = pilihan.split("/", 1)
    programme, period = program.strip().upper(), periode.strip().upper()
    unit_code = unit.strip().upper() or (units[0].code if len(units) == 1 else "")
    chosen, problem = None, None
    if programme and period and unit_code:
        try:
            target = review_target(session, rt, viewer, programme, period, unit_code)
            chosen = {
                "programme": target.programme,
                "period": str(target.period),
                "unit": target.unit.code,
                "unit_name": target.unit.name,
                "catalog": target.catalog.name_id,
                "active": target.unit.active,
            }
        except ApiError as exc:
            if exc.status == 404:
                raise
            problem = exc.body.message
    return page(
        request,
        "unggah.html",
        viewer,
        headers=page_headers(rt),
        section="unggah",
        choices=choices,
        picked=f"{programme}/{period}",
        units=units,
        unit_code=unit_code,
        chosen=chosen,
        problem=problem,
        part_bytes=PART_BYTES,
        max_bytes=rt.settings.max_upload_bytes,
    )
