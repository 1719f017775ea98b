"""Approximate phrase search: what OCR misreadings it finds, and that its filter loses nothing
(checked against a plain dynamic-programming search over many random texts)."""

from __future__ import annotations

import random

import pytest

from rules.fuzzy import Match, _myers, _windows, find_approx


def reference(text: str, phrase: str, k: int) -> Match | None:
    """Sellers' search, one column at a time: the first end position with the fewest edits."""
    m = len(phrase)
    column = list(range(m + 1))  # edits of phrase[:i] against a stretch ending here
    best: Match | None = None
    for j, char in enumerate(text):
        previous, column = column, [0] * (m + 1)
        for i in range(1, m + 1):
            column[i] = min(
                previous[i - 1] + (phrase[i - 1] != char),
                previous[i] + 1,
                column[i - 1] + 1,
            )
        if column[m] <= k and (best is None or column[m] < best.edits):
            best = Match(max(0, j + 1 - m), j + 1, column[m])
    return best


@pytest.mark.parametrize(
    ("text", "phrase", "edits", "found"),
    [
        ("bupatimusirawasmemutuskam", "memutuskan", 1, Match(14, 24, 1)),
        ("walikotapalembangkeputusam", "keputusan", 2, Match(16, 25, 1)),
        ("kepalalembagapemasyarakatn", "pemasyarakatan", 2, Match(12, 26, 1)),
        ("bupatimusirawas", "bupatimusirawas", 2, Match(0, 15, 0)),
        ("bupatimusirawas", "walikotapalembang", 2, None),
        ("menimbangbahwa", "memutuskan", 1, None),
    ],
)
def test_an_ocr_misreading_is_found_within_its_edits(
    text: str, phrase: str, edits: int, found: Match | None
) -> None:
    assert find_approx(text, phrase, edits) == found
    assert reference(text, phrase, edits) == found


def test_the_filtered_search_finds_what_a_search_of_the_whole_text_finds() -> None:
    """Small alphabets make near matches (and near misses) everywhere: the windows around
    unchanged pieces must keep every one of them, with the same first best place."""
    rng = random.Random(17)
    compared = found = 0
    for _ in range(3000):
        alphabet = "abcd"[: rng.randint(2, 4)]
        phrase = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        text = "".join(rng.choice(alphabet + "xyz") for _ in range(rng.randint(0, 80)))
        if rng.random() < 0.5 and len(text) > len(phrase):  # plant a damaged copy
            at = rng.randrange(len(text) - len(phrase))
            damaged = list(phrase)
            for _ in range(rng.randint(0, 3)):
                spot = rng.randrange(len(damaged) + 1)
                action = rng.choice("sid")
                if action == "i":
                    damaged.insert(spot, rng.choice(alphabet))
                elif damaged and spot < len(damaged):
                    if action == "s":
                        damaged[spot] = rng.choice(alphabet)
                    else:
                        del damaged[spot]
            text = text[:at] + "".join(damaged) + text[at + len(phrase) :]
        k = rng.randint(0, 4)
        expected = reference(text, phrase, k)
        assert find_approx(text, phrase, k) == expected, (text, phrase, k)
        compared += 1
        found += expected is not None
    assert found > 500  # both kinds of case were exercised
    assert compared - found > 500


def test_the_search_skips_text_that_cannot_hold_the_phrase() -> None:
    """A long heading without any piece of the name is not scanned letter by letter."""
    text = "menimbangbahwadalamrangkapelaksanaan" * 40
    phrase = "walikotaprabumulih"
    assert _windows(text, phrase, 3) == []
    assert _myers(text, phrase, 3) is None  # the whole-text search agrees
    heading = "keputusanwalikotaprabumulihnomor" + text
    assert _windows(heading + "walikotaprabumulah", phrase, 3) == [(0, 43), (1451, 1490)]
