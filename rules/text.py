"""Text normalisation for keyword search: case, spacing, hyphenation and letter-spaced titles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rules.fuzzy import Match, allowed_edits, find_approx

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

    def find(
        self, phrase: str, threshold: float = 1.0, start: int = 0, max_edits: int | None = None
    ) -> Match | None:
        """Where `phrase` (or, below 1.0, something within the threshold's edits of it) first
        stands in the compact text from `start`; spaces never count (OCR drops and adds them)."""
        compact = normalise(phrase).replace(" ", "")
        edits = allowed_edits(compact, threshold)
        if max_edits is not None:
            edits = min(edits, max_edits)
        found = find_approx(self.compact[start:], compact, edits)
        if found is None:
            return None
        return Match(found.start + start, found.end + start, found.edits)

    def resembles(self, phrase: str, threshold: float) -> bool:
        """`contains`, or, for phrases longer than a short word, an approximate match."""
        if self.contains(phrase):
            return True
        if len(normalise(phrase)) <= _SHORT_WORD or threshold >= 1.0:
            return False
        return self.find(phrase, threshold) is not None


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACE.sub(" ", text).strip().lower()


@lru_cache(maxsize=4)  # every check of a document prepares its text: once is enough
def prepare(text: str) -> SearchText:
    spaced = normalise(text)
    return SearchText(spaced=spaced, compact=spaced.replace(" ", ""))
