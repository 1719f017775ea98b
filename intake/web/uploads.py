"""Unggah: the unit operators' page (a placeholder until the operators' upload issue builds
it: it shows whose unit it is and how to upload meanwhile)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from intake.web.render import page
from intake.web.session import Operator

router = APIRouter(include_in_schema=False)


@router.get("/ui/unggah")
def upload_page(request: Request, viewer: Operator) -> Response:
    return page(request, "unggah.html", viewer, section="unggah")
