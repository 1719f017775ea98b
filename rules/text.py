"""Text normalisation for keyword search: case, spacing, hyphenation and letter-spaced titles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_SPACE = re.compile(r"\s+")
_SHORT_WORD = 4  # phrases up to this length match whole words only


@dataclass(frozen=True)
class SearchText:
    """A text prepared twice: spaces collapsed, and spaces removed (for "M E M U T U S K A N")."""

    spaced: str
    compact: str

    def contains(self, phrase: str) -> bool:
        phrase = normalise(phrase)
        if len(phrase) <= _SHORT_WORD:
            # so short it hides inside words: TIM in "optimal", SOP in "kasus operasional"
            return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", self.spaced) is not None
        return phrase in self.spaced or phrase.replace(" ", "") in self.compact


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACE.sub(" ", text).strip().lower()


def prepare(text: str) -> SearchText:
    spaced = normalise(text)
    return SearchText(spaced=spaced, compact=spaced.replace(" ", ""))
