"""Text people type (notes, names, URLs): control characters are refused at input, by field."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# In a note, line breaks and tabs are text; every other control character (C0, DEL, C1) is
# not: a vertical tab pasted from Word cannot even be written into a worksheet. A name or a
# URL is one line: no control character at all.
NOTE_CONTROLS = frozenset("\t\n\r")
CONTROL_CHARACTER = "control_character"  # the pydantic error type, and the API error code


def control_characters(text: str, allowed: frozenset[str] = NOTE_CONTROLS) -> list[str]:
    """The control characters in `text` that are refused, as U+XXXX, in order of code."""
    found = {c for c in text if unicodedata.category(c) == "Cc" and c not in allowed}
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def _refusing(allowed: frozenset[str]) -> Callable[[str], str]:
    def check(text: str) -> str:
        found = control_characters(text, allowed)
        if found:
            raise PydanticCustomError(
                CONTROL_CHARACTER,
                "contains control characters ({found})",
                {"found": ", ".join(found)},
            )
        return text

    return check


# A str field for free text: tab and newline allowed, every other control character refused.
PlainText = Annotated[str, AfterValidator(_refusing(NOTE_CONTROLS))]
# A str field of one line (a name, a URL): every control character refused.
OneLine = Annotated[str, AfterValidator(_refusing(frozenset()))]
