"""Stream a multipart body to temporary files, hashing and counting as it goes, with caps."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import IO, Any

from fastapi import Request
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from infra.names import display_name
from intake.address import Target
from intake.errors import ApiError
from intake.runtime import ApiRuntime

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 20


@dataclass
class ReceivedFile:
    """One file part, on local disk, with its SHA-256 and size computed while it streamed in."""

    field: str
    name: str
    content_type: str | None
    path: Path
    size: int
    sha256: str
    criterion_hint: str | None = None  # e.g. the folder a ZIP entry sat in


@dataclass
class ReceivedForm:
    files: list[ReceivedFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None

    def cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def too_large(limit: int) -> ApiError:
    mb = round(limit / 1024 / 1024, 2)
    return ApiError(
        413,
        "file_too_large",
        f"Berkas melebihi batas ukuran {mb} MB; tidak ada yang disimpan.",
        f"A file is over the {mb} MB size limit; nothing was stored.",
        limit_bytes=limit,
    )


def request_too_large(limit: int) -> ApiError:
    mb = round(limit / 1024 / 1024, 2)
    return ApiError(
        413,
        "request_too_large",
        f"Permintaan melebihi batas ukuran total {mb} MB; tidak ada yang disimpan.",
        f"The request is over the {mb} MB total size limit; nothing was stored.",
        limit_bytes=limit,
    )


def check_declared_length(request: Request, limit: int) -> None:
    """A Content-Length already over the cap is refused before a byte is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise request_too_large(limit)


def _invalid_multipart() -> ApiError:
    return ApiError(
        400,
        "invalid_multipart",
        "Isi multipart tidak valid atau terputus; tidak ada yang disimpan.",
        "The multipart body is malformed or was cut off; nothing was stored.",
    )


def _disposition(headers: dict[str, str]) -> tuple[str, str | None]:
    message = Message()
    message["content-disposition"] = headers.get("content-disposition", "")
    name = message.get_param("name", header="content-disposition")
    filename = message.get_filename()
    return (str(name) if name else ""), filename


class _Collector:
    """python-multipart callbacks that write file parts to disk and keep small fields."""

    def __init__(self, form: ReceivedForm, max_file_bytes: int, max_files: int) -> None:
        assert form.workdir is not None
        self.form, self.max_file_bytes, self.max_files = form, max_file_bytes, max_files
        self.headers: dict[str, str] = {}
        self.header_field = b""
        self.header_value = b""
        self.handle: IO[bytes] | None = None
        self.hasher: Any = None
        self.size = 0
        self.field_name = ""
        self.filename: str | None = None
        self.value = bytearray()

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.headers, self.header_field, self.header_value = {}, b"", b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        key = self.header_field.decode("latin-1").lower()
        self.headers[key] = self.header_value.decode("utf-8", "replace")
        self.header_field, self.header_value = b"", b""

    def headers_finished(self) -> None:
        self.field_name, self.filename = _disposition(self.headers)
        self.size, self.value = 0, bytearray()
        if self.filename is not None:
            if len(self.form.files) >= self.max_files:
                raise ApiError(
                    413,
                    "too_many_files",
                    f"Paling banyak {self.max_files} berkas per permintaan.",
                    f"At most {self.max_files} files per request.",
                )
            assert self.form.workdir is not None
            self.handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in part_end
                dir=self.form.workdir, delete=False
            )
            self.hasher = hashlib.sha256()
        elif len(self.form.fields) >= MAX_FIELDS:
            raise ApiError(
                422, "too_many_fields", "Terlalu banyak kolom formulir.", "Too many form fields."
            )

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        self.size += len(chunk)
        if self.handle is not None:
            if self.size > self.max_file_bytes:
                raise too_large(self.max_file_bytes)
            self.hasher.update(chunk)
            self.handle.write(chunk)
        else:
            if self.size > MAX_FIELD_BYTES:
                raise ApiError(
                    422,
                    "field_too_large",
                    f"Kolom '{self.field_name}' terlalu panjang.",
                    f"Field '{self.field_name}' is too long.",
                )
            self.value += chunk

    def part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.form.files.append(
                ReceivedFile(
                    field=self.field_name,
                    name=display_name(self.filename or ""),
                    path=Path(self.handle.name),
                    content_type=self.headers.get("content-type"),
                    size=self.size,
                    sha256=self.hasher.hexdigest(),
                )
            )
            self.handle = None
        else:
            self.form.fields[self.field_name] = self.value.decode("utf-8", "replace").strip()


async def receive_multipart(
    content_type: str,
    body: AsyncIterator[bytes],
    *,
    max_file_bytes: int,
    max_files: int,
    max_request_bytes: int,
) -> ReceivedForm:
    """Parse a multipart/form-data body chunk by chunk; memory stays flat whatever its size.

    The whole body counts against `max_request_bytes` as it streams; a body that ends before
    its closing boundary is refused whole (a cut-off last file must not silently vanish).
    """
    ctype, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise ApiError(
            415,
            "not_multipart",
            "Kirim berkas sebagai multipart/form-data dengan kolom 'files'.",
            "Send files as multipart/form-data in the field 'files'.",
        )
    form = ReceivedForm(workdir=Path(tempfile.mkdtemp(prefix="absah-intake-")))
    collector = _Collector(form, max_file_bytes, max_files)
    parser = MultipartParser(boundary, collector.callbacks())
    total = 0
    try:
        async for chunk in body:
            total += len(chunk)
            if total > max_request_bytes:
                raise request_too_large(max_request_bytes)
            parser.write(chunk)
        parser.finalize()
        if parser.state != MultipartState.END:  # finalize() does not check it (0.0.x)
            raise _invalid_multipart()
    except ApiError:
        form.cleanup()
        raise
    except Exception as exc:
        form.cleanup()
        raise _invalid_multipart() from exc
    finally:
        if collector.handle is not None:
            collector.handle.close()
    return form


@dataclass
class Received:
    """What a request's body turned into, all on local disk: the files, the form fields, the
    entries refused on the way and, for a bundle, the archive they came from. Storing them
    is the next step's job."""

    files: list[ReceivedFile]
    fields: dict[str, str]
    rejected: list[dict[str, str]]
    cleanup: Callable[[], None]
    archive: ReceivedFile | None = None


async def receive_documents(request: Request, rt: ApiRuntime, target: Target) -> Received:
    """A multipart upload: the parts of field `files` (or `file`), within the caps."""
    check_declared_length(request, rt.settings.max_request_bytes)
    form = await receive_multipart(
        request.headers.get("content-type", ""),
        request.stream(),
        max_file_bytes=rt.settings.max_upload_bytes,
        max_files=rt.settings.max_files_per_request,
        max_request_bytes=rt.settings.max_request_bytes,
    )
    files = [f for f in form.files if f.field in ("files", "file")]
    return Received(files, form.fields, [], form.cleanup)
