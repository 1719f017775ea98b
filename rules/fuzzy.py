"""Approximate phrase search for OCR'd text: the best match with at most k edits (Myers' bits).

OCR misreads a letter or two ("MEMUTUSKAN" as "MEMUTUSKAM", "KEPUTUSAN" as "KEPUTUSAM"): a
phrase counts as found when some stretch of the text is within k edits (insertions,
deletions, substitutions) of it, k set by a similarity threshold the catalog gives.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    start: int  # approximate for an inexact match: end minus the phrase's length
    end: int
    edits: int


def allowed_edits(phrase: str, threshold: float) -> int:
    """How many edits a phrase may carry at a similarity `threshold` (1.0 = exact only)."""
    return int(len(phrase) * (1.0 - threshold) + 1e-9)


def find_approx(text: str, phrase: str, max_edits: int) -> Match | None:
    """The first best stretch of `text` within `max_edits` of `phrase`, or None."""
    if not phrase:
        return None
    exact = text.find(phrase)
    if exact >= 0:
        return Match(exact, exact + len(phrase), 0)
    if max_edits <= 0 or len(phrase) > 512:
        return None
    return _myers(text, phrase, max_edits)


def _myers(text: str, phrase: str, k: int) -> Match | None:
    """Myers' bit-parallel edit distance (search form: a match may start anywhere)."""
    m = len(phrase)
    peq: dict[str, int] = {}
    for i, char in enumerate(phrase):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    best: Match | None = None
    for j, char in enumerate(text):
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        if score <= k and (best is None or score < best.edits):
            best = Match(max(0, j + 1 - m), j + 1, score)
            if score == 0:
                break
    return best
