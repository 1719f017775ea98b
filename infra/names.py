"""Names of stored things: an uploaded name as kept and shown (no control or bidi character), a
safe file name, the keys of documents and staged uploads."""

from __future__ import annotations

import os
import re
import unicodedata

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


MAX_NAME_LENGTH = 512  # the original name as kept (documents.original_name)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("_", text).strip("._")


def safe_file_name(name: str, limit: int = 120) -> str:
    """A storage-safe version of an uploaded name: ASCII, no separators, bounded length.

    A stem with nothing ASCII in it (Arabic, emoji) becomes "file" and keeps its extension.
    """
    base = os.path.basename(name.replace("\\", "/"))
    stem, dot, ext = base.rpartition(".")
    stem, ext = (_ascii(stem), _ascii(ext)) if dot else (_ascii(base), "")
    stem = stem or "file"
    if not ext:
        return stem[:limit]
    if len(stem) + 1 + len(ext) > limit:
        ext = ext[:10]
        stem = stem[: limit - len(ext) - 1]
    return f"{stem}.{ext}"


def display_name(name: str) -> str:
    """An uploaded name as kept and shown back: control characters (NUL, ESC, newlines, bidi
    overrides…) made visible as U+FFFD, since no database, log line or spreadsheet cell takes
    them all and a reader must see the name as it is; an over-long name loses the end of its
    stem, never its extension (the checks read it)."""
    name = _CONTROL.sub("\ufffd", name)
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        return name[:MAX_NAME_LENGTH]
    return f"{stem[: MAX_NAME_LENGTH - len(ext) - 1]}.{ext}"


def document_key(
    programme: str, period: str, unit: str, criterion: str, document_id: str, name: str
) -> str:
    return f"{programme}/{period}/{unit}/{criterion}/{document_id}/{safe_file_name(name)}"


def staging_key(upload_id: str, name: str) -> str:
    """Where a presigned upload's bytes land: never a document's key, so nothing the client
    writes there after `complete` reaches a checked document."""
    return f"_uploads/{upload_id}/{safe_file_name(name)}"
