"""ZIP bundles: take the archive in, expand it (infra/archives.py) and bind entries to criteria."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from infra.archives import ArchiveError, ArchiveLimits, ExpandedEntry, expand_zip
from infra.names import display_name
from intake.address import Target
from intake.errors import ApiError
from intake.runtime import ApiRuntime
from intake.upload.receiving import (
    Received,
    ReceivedFile,
    check_declared_length,
    receive_multipart,
    request_too_large,
    too_large,
)
from rules.binding import BindingProblem, bind_file
from rules.catalog import Catalog
from rules.naming import NamingConvention


def limits_of(rt: ApiRuntime) -> ArchiveLimits:
    s = rt.settings
    return ArchiveLimits(
        max_entries=s.max_bundle_entries,
        max_entry_bytes=s.max_upload_bytes,
        max_total_bytes=s.max_bundle_expanded_bytes,
        max_ratio=s.max_bundle_ratio,
    )


def bind_entries(
    entries: list[ExpandedEntry], catalog: Catalog, naming: NamingConvention, criterion: str | None
) -> tuple[list[ReceivedFile], list[dict[str, str]]]:
    """Entries with a known criterion (form field, canonical name or folder) become files; the
    others are listed, not fatal. The kind is left to planning, as for any upload."""
    files: list[ReceivedFile] = []
    rejected: list[dict[str, str]] = []
    for entry in entries:
        shown = display_name(entry.name)  # no control or bidi character reaches a listing
        folder, _, base = shown.rpartition("/")
        bound = bind_file(catalog, naming, criterion=criterion, kind=None, name=base, folder=folder)
        if isinstance(bound, BindingProblem):
            rejected.append(
                {
                    "name": shown,
                    "code": bound.code,
                    "message": bound.message_id,
                    "message_en": bound.message_en,
                }
            )
            continue
        files.append(
            ReceivedFile(
                "bundle",
                base,
                None,
                entry.path,
                entry.size,
                entry.sha256,
                criterion_hint=bound.criterion_id,
            )
        )
    return files, rejected


async def _raw_body(request: Request, dest: Path, limit: int, request_limit: int) -> str:
    """The body to `dest`, within the ZIP's and the request's caps; returns its SHA-256."""
    size, digest = 0, hashlib.sha256()
    with dest.open("wb") as handle:
        async for chunk in request.stream():
            size += len(chunk)
            if size > request_limit:
                raise request_too_large(request_limit)
            if size > limit:
                raise too_large(limit)
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


async def receive_bundle(request: Request, rt: ApiRuntime, target: Target) -> Received:
    """One ZIP, as multipart field `file` or as the raw body (Content-Type: application/zip)."""
    workdir = Path(tempfile.mkdtemp(prefix="absah-bundle-"))
    try:
        ctype = request.headers.get("content-type", "")
        fields: dict[str, str] = {}
        check_declared_length(request, rt.settings.max_request_bytes)
        if ctype.startswith("multipart/"):
            form = await receive_multipart(
                ctype,
                request.stream(),
                max_files=1,
                max_file_bytes=rt.settings.max_bundle_bytes,
                max_request_bytes=rt.settings.max_request_bytes,
            )
            fields = form.fields
            if not form.files:
                form.cleanup()
                raise ApiError(
                    422,
                    "no_files",
                    "Tidak ada berkas ZIP pada kolom 'file'.",
                    "No ZIP file in the field 'file'.",
                )
            archive, name = workdir / "bundle.zip", form.files[0].name
            archive_sha = form.files[0].sha256
            shutil.move(form.files[0].path, archive)
            form.cleanup()
        else:
            archive, name = workdir / "bundle.zip", "bundle.zip"
            archive_sha = await _raw_body(
                request, archive, rt.settings.max_bundle_bytes, rt.settings.max_request_bytes
            )
        try:
            entries, refused = await run_in_threadpool(
                expand_zip, archive, workdir / "entries", limits_of(rt)
            )
        except ArchiveError as exc:
            raise ApiError(422, exc.code, exc.message, exc.message_en) from exc
        files, unbound = bind_entries(
            entries, target.catalog, rt.catalogs.naming, fields.get("criterion") or None
        )
        rejected = [
            {
                "name": display_name(r.name),
                "code": r.code,
                "message": r.message,
                "message_en": r.message_en,
            }
            for r in refused
        ] + unbound
        if not files and not rejected:
            raise ApiError(
                422, "empty_bundle", "ZIP tidak berisi berkas.", "The ZIP holds no files."
            )
        fields.pop("criterion", None)  # already applied per entry
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    size = archive.stat().st_size
    kept = ReceivedFile("file", name, "application/zip", archive, size, archive_sha)
    return Received(
        files, fields, rejected, lambda: shutil.rmtree(workdir, ignore_errors=True), kept
    )
