"""Every reason code with what it tells the uploader, in Bahasa Indonesia and English."""

from __future__ import annotations

from typing import Any

from rules.messages.documents import DOCUMENTS
from rules.messages.files import FILES
from rules.messages.photos import PHOTOS
from rules.messages.render import fill, humane_params
from rules.messages.scans import SCANS
from rules.messages.tables import TABLES

# The families are disjoint (a test says so), so merging them loses no template.
MESSAGES: dict[str, tuple[str, str]] = {**FILES, **DOCUMENTS, **PHOTOS, **SCANS, **TABLES}
FAMILIES: dict[str, dict[str, tuple[str, str]]] = {
    "files": FILES,
    "documents": DOCUMENTS,
    "photos": PHOTOS,
    "scans": SCANS,
    "tables": TABLES,
}


def render(code: str, **params: Any) -> tuple[str, str]:
    """The (Bahasa Indonesia, English) message of a reason code, filled with its parameters."""
    try:
        template_id, template_en = MESSAGES[code]
    except KeyError as exc:
        raise KeyError(f"reason code {code!r} has no message") from exc
    return fill(template_id, **humane_params(params)), fill(template_en, **params)
