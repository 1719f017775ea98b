"""Extract facts from a stored file once: type, PDF structure and text, image size and EXIF."""

from __future__ import annotations

import logging
import warnings
import zipfile
from pathlib import Path
from typing import IO, Any

import magic
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from rules.facts import FileFacts, PdfFacts
from worker.images import (
    _image_facts,
)
from worker.limits import ExtractLimits, _detail
from worker.pdftext import pages_text, textless_pages
from worker.scans import ScanStep
from worker.signatures import has_signature_fields, read_signatures
from worker.tables import is_table, read_table

_log = logging.getLogger(__name__)

# Bump when extraction changes what it finds: stored facts of another version are not reused
# (worker/facts_keeping.py also keys them by FileFacts' schema, so a new field needs no bump).
FACTS_VERSION = 1

_ACTION_DEPTH = 8  # how far to follow an action's /Next chain; real files stop at 1 or 2
_EOF_WINDOW = 1024  # Acrobat looks for %%EOF only in a file's last 1024 bytes


def sniff_mime(path: Path) -> str:
    """The MIME type from the file's content (libmagic), never from its name."""
    return str(magic.from_file(str(path), mime=True))


def extract_facts(
    path: Path,
    *,
    name: str,
    size: int,
    sha256: str,
    declared_mime: str | None,
    limits: ExtractLimits,
    scan: ScanStep | None = None,
) -> FileFacts:
    """Everything the checks may know about the file at `path`, once; bad content never raises.
    `scan` (OCR of pages without text, or a hand-over to the OCR queue) sees them first."""
    mime = sniff_mime(path)
    pdf = image = table = None
    with path.open("rb") as stream:  # an OSError here is the storage's problem: let it rise
        if mime == "application/pdf":
            pdf = _pdf_facts(stream, limits, path)
        elif mime.startswith("image/"):
            image = _image_facts(stream, limits)
    if is_table(mime, name):
        table = read_table(path, mime, name)
    facts = FileFacts(
        name=name,
        size=size,
        sha256=sha256,
        mime=mime,
        declared_mime=declared_mime,
        pdf=pdf,
        image=image,
        table=table,
    )
    return scan(path, facts) if scan is not None else facts


def _pdf_facts(stream: IO[bytes], limits: ExtractLimits, path: Path) -> PdfFacts:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf's complaints about sloppy files are not failures
        try:
            reader = PdfReader(stream, strict=False)
            encrypted = reader.is_encrypted
            if encrypted and not _decrypts_without_password(reader):
                return PdfFacts(opened=False, encrypted=True, error="pdf-encrypted")
            # the page tree's /Count is cheap to read; a file that declares too many is refused
            # before pypdf walks the whole tree (seconds for 10,000 pages)
            page_count = _declared_page_count(reader)
            if page_count <= limits.max_pdf_pages:
                page_count = len(reader.pages)
        except MemoryError:  # the worker's memory bound, not the file's fault: not "broken"
            raise
        except Exception as exc:  # pypdf raises many kinds; a broken file is a fact, not a crash
            return PdfFacts(opened=False, error="pdf-broken", error_detail=_detail(exc))
        if page_count > limits.max_pdf_pages:
            return PdfFacts(
                opened=False, error="pdf-too-many-pages", encrypted=encrypted, page_count=page_count
            )
        texts = pages_text(path, reader, limits.max_text_pages, limits.max_text_chars_per_page)
        signed = has_signature_fields(reader)
        return PdfFacts(
            opened=True,
            encrypted=encrypted,
            page_count=page_count,
            pages_text=texts,
            text_chars=sum(len(text.strip()) for text in texts),
            textless_pages=textless_pages(texts),
            has_appended_data=_has_appended_data(stream),
            signatures=read_signatures(path, limits.signature_trust_roots) if signed else [],
            **_risky_content(reader),
        )


def _has_appended_data(stream: IO[bytes]) -> bool:
    """Another file rides after the PDF's end: no %%EOF near the end, or an archive's end record.

    Trailing whitespace and NUL padding are tolerated; a PDF that is also a ZIP never is.
    """
    size = stream.seek(0, 2)
    stream.seek(max(0, size - 64 * 1024))
    tail = stream.read().rstrip(b"\x00\t\n\f\r ")
    try:
        return b"%%EOF" not in tail[-_EOF_WINDOW:] or zipfile.is_zipfile(stream)
    finally:
        stream.seek(0)


def _declared_page_count(reader: PdfReader) -> int:
    try:
        return int(_resolve(reader.root_object.get("/Pages"))["/Count"])
    except Exception:  # missing or not a number: let pypdf count the pages itself
        return 0


def _decrypts_without_password(reader: PdfReader) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # unsupported handler or algorithm: as unreadable as a wrong password
        return False


def _risky_content(reader: PdfReader) -> dict[str, bool]:
    kinds: set[str] = set()
    embedded = False
    try:
        root = reader.root_object
        names = _resolve(root.get("/Names"))
        if isinstance(names, DictionaryObject):
            if "/JavaScript" in names:
                kinds.add("/JavaScript")
            embedded = "/EmbeddedFiles" in names
        kinds |= _action_kinds(root.get("/OpenAction"))
        kinds |= _additional_action_kinds(root)
        for page in reader.pages:
            kinds |= _additional_action_kinds(page)
            for annotation in _resolve(page.get("/Annots")) or []:
                annotation = _resolve(annotation)
                if isinstance(annotation, DictionaryObject):
                    kinds |= _action_kinds(annotation.get("/A"))
                    kinds |= _additional_action_kinds(annotation)
        embedded = embedded or bool(reader.attachments)
    except Exception as exc:  # a malformed structure: report what was found before it
        _log.info("PDF risk scan stopped early: %s", _detail(exc))
    return {
        "has_javascript": "/JavaScript" in kinds,
        "has_launch_action": "/Launch" in kinds,
        "has_embedded_files": embedded,
    }


def _resolve(obj: Any) -> Any:
    return obj.get_object() if obj is not None else None


def _additional_action_kinds(holder: DictionaryObject) -> set[str]:
    actions = _resolve(holder.get("/AA"))
    if not isinstance(actions, DictionaryObject):
        return set()
    return {kind for trigger in actions.values() for kind in _action_kinds(trigger)}


def _action_kinds(action: Any, depth: int = 0) -> set[str]:
    """The /S types of an action and of the actions chained after it in /Next."""
    action = _resolve(action)
    if depth > _ACTION_DEPTH or not isinstance(action, DictionaryObject):
        return set()
    kinds = {str(_resolve(action.get("/S")))}
    chained = _resolve(action.get("/Next"))
    for following in chained if isinstance(chained, ArrayObject) else [chained]:
        kinds |= _action_kinds(following, depth + 1)
    return kinds
