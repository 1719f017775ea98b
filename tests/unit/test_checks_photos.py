"""photo-near-duplicate over the matches the worker found: which go to a person, and why."""

from __future__ import annotations

import pytest

from rules.findings import Outcome
from rules.similar import PhotoMatch
from tests.support.facts import ctx, match, photo_file, run

PHOTO = photo_file(phash=0x1234)


@pytest.mark.parametrize(
    ("matches", "outcome", "reason"),
    [
        pytest.param((), Outcome.PASS, "photo-unique", id="nothing-alike"),
        pytest.param((match(distance=6),), Outcome.WARN, "photo-near-duplicate", id="at-limit"),
        pytest.param((match(distance=7),), Outcome.PASS, "photo-unique", id="just-beyond"),
        pytest.param(
            (match(distance=0, same_bytes=True),),
            Outcome.WARN,
            "photo-exact-duplicate",
            id="the-same-file-from-another-unit",
        ),
        pytest.param(
            (match(distance=0, same_bytes=True, same_submission=True),),
            Outcome.PASS,
            "photo-unique",
            id="same-file-in-this-submission-is-duplicate-in-submissions-finding",
        ),
        pytest.param(
            (match(distance=2, same_submission=True, criterion_id="P2H-01-RAMP"),),
            Outcome.WARN,
            "photo-near-duplicate",
            id="a-look-alike-under-another-criterion-of-this-submission",
        ),
    ],
)
def test_a_photo_like_another_documents_goes_to_a_person(
    matches: tuple[PhotoMatch, ...], outcome: Outcome, reason: str
) -> None:
    finding = run("photo-near-duplicate", PHOTO, ctx(photo_matches=matches), max_distance=6)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.needs_review is (outcome is Outcome.WARN)


def test_the_finding_names_the_other_document_unit_criterion_period_and_date() -> None:
    matches = (match(distance=5, document_id="far"), match(distance=1, document_id="near"))
    finding = run("photo-near-duplicate", PHOTO, ctx(photo_matches=matches))
    assert finding.details is not None
    assert finding.details["other_document"] == "near"
    assert [m["document_id"] for m in finding.details["matches"]] == ["near", "far"]
    assert finding.message_id == (
        "Foto ini sangat mirip dengan foto dari Kota Palembang untuk P2H-02-LAKTASI periode "
        "2024 (diunggah 2 Mei 2024). Verifikator akan memeriksa apakah foto yang sama dipakai "
        "ulang."
    )


def test_a_file_without_a_perceptual_hash_is_not_compared() -> None:
    finding = run("photo-near-duplicate", photo_file(), ctx(photo_matches=(match(),)))
    assert finding.outcome is Outcome.SKIP


def test_the_catalog_threshold_cannot_exceed_what_the_worker_searches() -> None:
    with pytest.raises(ValueError, match="less than or equal to 16"):
        run("photo-near-duplicate", PHOTO, max_distance=17)
