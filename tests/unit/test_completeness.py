"""Criterion statuses from document statuses: minimum counts per evidence kind."""

from __future__ import annotations

from typing import Any

import pytest

from rules.catalog import Catalog
from rules.completeness import (
    LABELS_ID,
    CriterionStatus,
    DocState,
    evaluate_criterion,
    evaluate_submission,
)

PENCANANGAN = "P2H-00-PENCANANGAN"  # declaration_pdf ≥ 1, activity_photo ≥ 2, report_pdf ≥ 0
LAKTASI = "P2H-02-LAKTASI"  # facility_photo ≥ 2
KUNJUNGAN = "P2H-02-KUNJUNGAN"  # facility_photo ≥ 2, lapas and rutan only


def decl(status: str) -> DocState:
    return DocState(PENCANANGAN, "declaration_pdf", status)


def act(status: str) -> DocState:
    return DocState(PENCANANGAN, "activity_photo", status)


def rep(status: str) -> DocState:
    return DocState(PENCANANGAN, "report_pdf", status)


def unknown(status: str) -> DocState:
    return DocState(PENCANANGAN, None, status)


def missing(kind: str, need: int, have: int, in_review: int = 0) -> dict[str, Any]:
    return {"kind": kind, "min": need, "have": have, "in_review": in_review}


NO_DECL = missing("declaration_pdf", 1, 0)
ONE_PHOTO = missing("activity_photo", 2, 1)
NO_PHOTO = missing("activity_photo", 2, 0)


@pytest.mark.parametrize(
    ("docs", "status", "gaps"),
    [
        pytest.param(
            [decl("passed"), act("passed"), act("passed")],
            CriterionStatus.COMPLETE,
            [],
            id="exactly-the-minimum",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), act("passed"), rep("passed")],
            CriterionStatus.COMPLETE,
            [],
            id="more-than-the-minimum-and-optional-report",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), rep("failed")],
            CriterionStatus.COMPLETE,
            [],
            id="failed-optional-report-ignored",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), unknown("needs_review")],
            CriterionStatus.COMPLETE,
            [],
            id="extra-unknown-file-does-not-block",
        ),
        pytest.param(
            [decl("queued"), act("passed"), act("passed")],
            CriterionStatus.PENDING,
            [],
            id="declaration-queued",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("checking")],
            CriterionStatus.PENDING,
            [],
            id="photo-checking",
        ),
        pytest.param([act("received")], CriterionStatus.PENDING, [], id="first-upload-received"),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), rep("queued")],
            CriterionStatus.PENDING,
            [],
            id="optional-report-still-queued",
        ),
        pytest.param([], CriterionStatus.INCOMPLETE, [NO_DECL, NO_PHOTO], id="nothing-uploaded"),
        pytest.param(
            [decl("passed"), act("passed")],
            CriterionStatus.INCOMPLETE,
            [ONE_PHOTO],
            id="one-photo-short",
        ),
        pytest.param(
            [act("passed"), act("passed")],
            CriterionStatus.INCOMPLETE,
            [NO_DECL],
            id="no-declaration",
        ),
        pytest.param(
            [decl("failed"), act("passed"), act("passed")],
            CriterionStatus.INCOMPLETE,
            [NO_DECL],
            id="failed-declaration-does-not-count",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("failed"), act("failed")],
            CriterionStatus.INCOMPLETE,
            [ONE_PHOTO],
            id="failed-photos-do-not-count",
        ),
        pytest.param(
            [decl("superseded"), act("passed"), act("passed")],
            CriterionStatus.INCOMPLETE,
            [NO_DECL],
            id="superseded-declaration-ignored",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("superseded")],
            CriterionStatus.INCOMPLETE,
            [ONE_PHOTO],
            id="superseded-photo-ignored",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), act("superseded"), rep("superseded")],
            CriterionStatus.COMPLETE,
            [],
            id="superseded-extras-ignored",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed"), decl("superseded")],
            CriterionStatus.COMPLETE,
            [],
            id="replaced-declaration-counts-once",
        ),
        pytest.param(
            [decl("superseded"), decl("passed"), act("passed"), act("passed")],
            CriterionStatus.COMPLETE,
            [],
            id="new-declaration-after-superseded",
        ),
        pytest.param(
            [
                decl("passed"),
                act("passed"),
                act("passed"),
                DocState(LAKTASI, "facility_photo", "x"),
            ],
            CriterionStatus.COMPLETE,
            [],
            id="unknown-status-of-another-kind-ignored",
        ),
        pytest.param(
            [decl("needs_review"), act("passed"), act("passed")],
            CriterionStatus.NEEDS_REVIEW,
            [],
            id="declaration-in-review",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("needs_review")],
            CriterionStatus.NEEDS_REVIEW,
            [],
            id="photo-in-review",
        ),
        pytest.param(
            [decl("passed"), act("needs_review"), act("unable_to_check")],
            CriterionStatus.NEEDS_REVIEW,
            [],
            id="unable-to-check-counts-as-review",
        ),
        pytest.param(
            [decl("needs_review"), act("passed")],
            CriterionStatus.INCOMPLETE,
            [ONE_PHOTO],
            id="review-declaration-but-photo-short",
        ),
        pytest.param(
            [decl("passed"), act("needs_review")],
            CriterionStatus.INCOMPLETE,
            [missing("activity_photo", 2, 0, 1)],
            id="review-photo-cannot-fill-two",
        ),
        pytest.param(
            [decl("passed"), act("passed"), unknown("needs_review")],
            CriterionStatus.NEEDS_REVIEW,
            [ONE_PHOTO],
            id="unknown-kind-may-be-the-missing-photo",
        ),
        pytest.param(
            [decl("passed"), act("passed"), unknown("failed")],
            CriterionStatus.INCOMPLETE,
            [ONE_PHOTO],
            id="failed-unknown-kind-ignored",
        ),
    ],
)
def test_a_criterion_is_complete_at_its_minimum_counts(
    p2ham: Catalog, docs: list[DocState], status: CriterionStatus, gaps: list[dict[str, Any]]
) -> None:
    verdict = evaluate_criterion(p2ham.leaves[PENCANANGAN], "lapas", docs)
    assert (verdict.criterion_id, verdict.status, verdict.missing) == (PENCANANGAN, status, gaps)


@pytest.mark.parametrize(
    ("docs", "status", "reasons"),
    [
        pytest.param(
            [decl("needs_review"), act("passed"), act("passed")],
            CriterionStatus.NEEDS_REVIEW,
            ["documents-need-review"],
            id="review-fills-the-gap",
        ),
        pytest.param(
            [decl("passed"), act("passed"), unknown("needs_review")],
            CriterionStatus.NEEDS_REVIEW,
            ["kind-unknown"],
            id="unknown-kind-may-fill-the-gap",
        ),
        pytest.param(
            [decl("passed"), act("passed"), act("passed")],
            CriterionStatus.COMPLETE,
            [],
            id="complete",
        ),
    ],
)
def test_a_criterion_in_review_says_why(
    p2ham: Catalog, docs: list[DocState], status: CriterionStatus, reasons: list[str]
) -> None:
    verdict = evaluate_criterion(p2ham.leaves[PENCANANGAN], "lapas", docs)
    assert (verdict.status, verdict.reasons) == (status, reasons)


def photo(criterion: str, status: str = "passed") -> DocState:
    return DocState(criterion, "facility_photo", status)


@pytest.mark.parametrize(
    ("unit_kind", "docs", "status"),
    [
        pytest.param("kota", [], CriterionStatus.NOT_APPLICABLE, id="kota"),
        pytest.param(
            "kabupaten",
            [photo(KUNJUNGAN), photo(KUNJUNGAN)],
            CriterionStatus.NOT_APPLICABLE,
            id="kabupaten-even-with-photos",
        ),
        pytest.param(None, [], CriterionStatus.NOT_APPLICABLE, id="unit-kind-unknown"),
        pytest.param("lapas", [], CriterionStatus.INCOMPLETE, id="lapas-without-photos"),
        pytest.param("lapas", [photo(KUNJUNGAN)], CriterionStatus.INCOMPLETE, id="lapas-one-photo"),
        pytest.param(
            "lapas",
            [photo(KUNJUNGAN), photo(KUNJUNGAN)],
            CriterionStatus.COMPLETE,
            id="lapas-two-photos",
        ),
        pytest.param("rutan", [], CriterionStatus.INCOMPLETE, id="rutan-without-photos"),
        pytest.param(
            "rutan",
            [photo(KUNJUNGAN), photo(KUNJUNGAN, "queued")],
            CriterionStatus.PENDING,
            id="rutan-photo-queued",
        ),
    ],
)
def test_the_visiting_room_applies_to_prisons_only(
    p2ham: Catalog, unit_kind: str | None, docs: list[DocState], status: CriterionStatus
) -> None:
    verdict = evaluate_criterion(p2ham.leaves[KUNJUNGAN], unit_kind, docs)
    assert verdict.status is status


def test_a_lapas_without_visiting_room_photos_is_told_what_is_missing(p2ham: Catalog) -> None:
    verdict = evaluate_criterion(p2ham.leaves[KUNJUNGAN], "lapas", [])
    assert verdict.missing == [missing("facility_photo", 2, 0)]
    verdict = evaluate_criterion(p2ham.leaves[KUNJUNGAN], "kota", [])
    assert (verdict.missing, verdict.reasons) == ([], ["unit-kind-not-applicable"])


def test_the_submission_verdict_covers_every_leaf_in_catalog_order(p2ham: Catalog) -> None:
    docs = [photo(LAKTASI), photo(LAKTASI), photo("P2H-01-RAMP", "needs_review")]
    verdicts = evaluate_submission(p2ham, "kota", docs)
    assert list(verdicts) == list(p2ham.leaves)
    assert "P2H-01" not in verdicts  # a group is not decided, its items are
    assert verdicts[LAKTASI].status is CriterionStatus.COMPLETE
    assert verdicts["P2H-01-RAMP"].status is CriterionStatus.INCOMPLETE
    assert verdicts[KUNJUNGAN].status is CriterionStatus.NOT_APPLICABLE
    # nothing is asked for (min 0): complete without a file
    assert verdicts["P2H-02-LAIN"].status is CriterionStatus.COMPLETE
    assert verdicts[PENCANANGAN].missing == [NO_DECL, NO_PHOTO]


def test_documents_count_only_for_their_own_criterion(p2ham: Catalog) -> None:
    verdicts = evaluate_submission(p2ham, "lapas", [photo(LAKTASI), photo(LAKTASI)])
    assert verdicts[LAKTASI].status is CriterionStatus.COMPLETE
    assert verdicts["P2H-02-TOILET"].status is CriterionStatus.INCOMPLETE


def test_every_criterion_status_has_an_indonesian_label() -> None:
    assert set(LABELS_ID) == set(CriterionStatus)
    assert LABELS_ID[CriterionStatus.COMPLETE] == "LENGKAP"
    assert LABELS_ID[CriterionStatus.INCOMPLETE] == "BELUM LENGKAP"
