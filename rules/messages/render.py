"""Filling message templates: lists read as text, a missing value as "?"."""

from __future__ import annotations

import string
from typing import Any

from rules.months import iso_day_id


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list | tuple | set | frozenset):
            value = ", ".join(str(v) for v in value)
        if format_spec and not isinstance(value, int | float):
            format_spec = ""  # a missing or textual value keeps its text
        return str(super().format_field(value, format_spec))

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "?"
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


# What an Indonesian reader calls a file type; the MIME type itself stays in English/details.
TYPE_NAMES_ID = {
    "application/pdf": "dokumen PDF",
    "image/jpeg": "berkas gambar JPEG",
    "image/png": "berkas gambar PNG",
    "image/gif": "berkas gambar GIF",
    "image/webp": "berkas gambar WebP",
    "image/heic": "berkas gambar HEIC",
    "image/tiff": "berkas gambar TIFF",
    "text/csv": "tabel CSV",
    "application/csv": "tabel CSV",
    "text/plain": "berkas teks",
    "text/html": "halaman web (HTML)",
    "image/svg+xml": "gambar SVG",
    "application/zip": "arsip ZIP",
    "application/msword": "dokumen Word lama (DOC)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "dokumen Word (DOCX)"
    ),
    "application/vnd.ms-excel": "lembar kerja Excel lama (XLS)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "lembar kerja Excel (XLSX)"
    ),
    "application/octet-stream": "berkas yang jenisnya tidak dikenali",
}


def type_name_id(mime: Any) -> str:
    """'berkas gambar JPEG' for image/jpeg; an unknown type by its family, never its code."""
    text = str(mime or "").lower()
    if text in TYPE_NAMES_ID:
        return TYPE_NAMES_ID[text]
    family = text.split("/", 1)[0]
    return {"image": "berkas gambar", "text": "berkas teks", "video": "berkas video"}.get(
        family, "berkas yang jenisnya tidak dikenali"
    )


def _decimal_comma(value: Any) -> Any:
    """2.5 → '2,5': Indonesian writes a decimal comma (integers and text stay as they are)."""
    if isinstance(value, float) and not isinstance(value, bool):
        return f"{value:g}".replace(".", ",")
    return value


def humane_params(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters an Indonesian template reads: `detected_name` and `allowed_names` for
    MIME types, `kind_name` (the catalog's name, else a plain phrase) for an evidence kind,
    decimals with a comma, and another document's upload day as the pages write it."""
    out = {k: _decimal_comma(v) for k, v in params.items()}
    if "detected" in params:
        out.setdefault("detected_name", type_name_id(params["detected"]))
    allowed = params.get("allowed")
    if isinstance(allowed, list | tuple) and all("/" in str(a) for a in allowed):
        out.setdefault("allowed_names", list(dict.fromkeys(type_name_id(a) for a in allowed)))
    if "expected" in params:
        out.setdefault("expected_names", params["expected"])
    if "kind" in params:
        out["kind_name"] = params.get("kind_name") or "jenis bukti ini"
    if isinstance(other := params.get("other_date"), str):
        out["other_date"] = iso_day_id(other)  # as the pages write a day
    return out


def fill(template: str, **params: Any) -> str:
    """A template with its placeholders filled from `params`."""
    return _FORMATTER.format(template, **params)
