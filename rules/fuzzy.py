"""Approximate phrase search for OCR'd text: the best match with at most k edits (Myers' bits).

OCR misreads a letter or two ("MEMUTUSKAN" as "MEMUTUSKAM", "KEPUTUSAN" as "KEPUTUSAM"): a
phrase counts as found when some stretch of the text is within k edits (insertions,
deletions, substitutions) of it, k set by a similarity threshold the catalog gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


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
    if max_edits >= len(phrase):  # anything matches; no piece can be kept whole
        return _myers(text, phrase, max_edits)
    best: Match | None = None
    for start, end in _windows(text, phrase, max_edits):
        found = _myers(text, phrase, max_edits, start, end)
        if found is not None and (best is None or found.edits < best.edits):
            best = found
    return best


def _pieces(phrase: str, k: int) -> list[str]:
    """`phrase` cut into k + 1 pieces of near-equal length."""
    bounds = [len(phrase) * i // (k + 1) for i in range(k + 2)]
    return [phrase[a:b] for a, b in pairwise(bounds)]


def _windows(text: str, phrase: str, k: int) -> list[tuple[int, int]]:
    """The stretches of `text` where a match within k edits can lie, in order, disjoint.

    k edits touch at most k of the phrase's k + 1 pieces, so a match holds one piece unchanged
    (the pigeonhole filter of Wu and Manber), and a match is at most len + k long: around each
    place a piece stands, len + k characters either side hold every match through it. Myers
    over those windows finds what it finds over the whole text, for a fraction of the text.
    """
    reach = len(phrase) + k
    hits: list[int] = []
    for piece in set(_pieces(phrase, k)):
        at = text.find(piece)
        while at >= 0:
            hits.append(at)
            at = text.find(piece, at + 1)
    windows: list[tuple[int, int]] = []
    for at in sorted(hits):
        start, end = max(0, at - reach), min(len(text), at + reach)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _myers(text: str, phrase: str, k: int, start: int = 0, end: int | None = None) -> Match | None:
    """Myers' bit-parallel edit distance (search form: a match may start anywhere in
    text[start:end]); positions are the text's."""
    m = len(phrase)
    peq: dict[str, int] = {}
    for i, char in enumerate(phrase):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    best: Match | None = None
    for j, char in enumerate(text[start:end], start):
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
