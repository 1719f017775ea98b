"""The check registry: every check by its stable id. Adding a check = a function, its CheckSpec
(id, reason codes, parameters) and a line here."""

from __future__ import annotations

from typing import Any

from rules.checks.base import CheckSpec
from rules.checks.decree import DECREE_DATE, DECREE_STRUCTURE
from rules.checks.esign import PDF_SIGNATURE
from rules.checks.filetype import EXTENSION_MATCHES, MIME_ALLOWED
from rules.checks.image import DUPLICATE_IN_SUBMISSION, EXIF_DATE, IMAGE_DECODES, IMAGE_RESOLUTION
from rules.checks.issuer import DECREE_ISSUER
from rules.checks.keywords import KEYWORDS
from rules.checks.letter import LETTER_STRUCTURE, SIGNATURE_BLOCK
from rules.checks.naming import FILE_NAME
from rules.checks.pdf import PDF_OPENS, PDF_RISKY_CONTENT, PDF_TEXT_LAYER
from rules.checks.photos import PHOTO_NEAR_DUPLICATE
from rules.checks.regulation import REGULATION_STRUCTURE
from rules.checks.reuse import FILE_REUSED
from rules.checks.size import FILE_SIZE
from rules.checks.tables import TABLE_SCHEMA

CHECKS: dict[str, CheckSpec[Any]] = {
    spec.id: spec
    for spec in (
        MIME_ALLOWED,
        EXTENSION_MATCHES,
        FILE_SIZE,
        FILE_NAME,
        PDF_OPENS,
        PDF_TEXT_LAYER,
        PDF_RISKY_CONTENT,
        DECREE_STRUCTURE,
        DECREE_DATE,
        DECREE_ISSUER,
        PDF_SIGNATURE,
        REGULATION_STRUCTURE,
        LETTER_STRUCTURE,
        SIGNATURE_BLOCK,
        KEYWORDS,
        IMAGE_DECODES,
        IMAGE_RESOLUTION,
        EXIF_DATE,
        DUPLICATE_IN_SUBMISSION,
        PHOTO_NEAR_DUPLICATE,
        FILE_REUSED,
        TABLE_SCHEMA,
    )
}
