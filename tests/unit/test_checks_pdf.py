"""pdf-opens, pdf-text-layer and pdf-risky-content over the facts pypdf established."""

from __future__ import annotations

from typing import Any

import pytest

from rules.facts import PdfFacts
from rules.findings import Outcome
from tests.support.facts import SK_PAGES, facts, image, pdf, run

BROKEN = PdfFacts(opened=False, error="pdf-broken", error_detail="EOF marker not found")
ENCRYPTED = PdfFacts(opened=False, encrypted=True, error="pdf-encrypted")
TOO_MANY = PdfFacts(opened=False, error="pdf-too-many-pages", page_count=900)
SCAN = pdf(page_count=3)  # pages, no text


@pytest.mark.parametrize(
    ("pdf_facts", "params", "outcome", "reason"),
    [
        pytest.param(pdf(*SK_PAGES), {}, Outcome.PASS, "pdf-ok", id="sk-with-text"),
        pytest.param(SCAN, {}, Outcome.PASS, "pdf-ok", id="scan-without-text"),
        pytest.param(ENCRYPTED, {}, Outcome.FAIL, "pdf-encrypted", id="encrypted"),
        pytest.param(
            pdf(*SK_PAGES, encrypted=True),
            {},
            Outcome.WARN,
            "pdf-restricted",
            id="restricted-owner-password-opens-but-a-person-looks",
        ),  # owner password only
        pytest.param(BROKEN, {}, Outcome.FAIL, "pdf-broken", id="broken"),
        pytest.param(
            PdfFacts(opened=False), {}, Outcome.FAIL, "pdf-broken", id="not-opened-without-reason"
        ),
        pytest.param(
            TOO_MANY, {}, Outcome.FAIL, "pdf-too-many-pages", id="too-many-pages-at-extraction"
        ),
        pytest.param(
            pdf(page_count=501), {}, Outcome.FAIL, "pdf-too-many-pages", id="over-default-max-pages"
        ),
        pytest.param(pdf(page_count=500), {}, Outcome.PASS, "pdf-ok", id="at-default-max-pages"),
        pytest.param(
            pdf(page_count=11),
            {"max_pages": 10},
            Outcome.FAIL,
            "pdf-too-many-pages",
            id="over-custom-max-pages",
        ),
        pytest.param(pdf(page_count=0), {}, Outcome.FAIL, "pdf-no-pages", id="zero-pages"),
        pytest.param(
            pdf(page_count=None), {}, Outcome.FAIL, "pdf-no-pages", id="page-count-unknown"
        ),
        pytest.param(
            pdf(page_count=1),
            {"min_pages": 2},
            Outcome.FAIL,
            "pdf-too-few-pages",
            id="under-min-pages",
        ),
        pytest.param(
            pdf(page_count=2), {"min_pages": 2}, Outcome.PASS, "pdf-ok", id="at-min-pages"
        ),
    ],
)
def test_a_pdf_must_open_unencrypted_with_a_page_count_in_bounds(
    pdf_facts: PdfFacts, params: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("pdf-opens", facts(pdf=pdf_facts), **params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.needs_review is (outcome is Outcome.WARN)


def test_a_broken_pdf_carries_the_readers_complaint_in_english_and_details_only() -> None:
    finding = run("pdf-opens", facts(pdf=BROKEN))
    assert finding.details == {"detail": "EOF marker not found"}
    assert "EOF marker not found" in finding.message_en
    assert finding.message_id == (
        "PDF rusak dan tidak dapat dibuka. Simpan ulang atau pindai ulang dokumen."
    )


def test_too_many_pages_names_the_count_and_the_limit() -> None:
    finding = run("pdf-opens", facts(pdf=TOO_MANY))
    assert finding.details == {"pages": 900, "max_pages": 500}
    assert "900" in finding.message_id
    assert "500" in finding.message_en


@pytest.mark.parametrize(
    ("check_id", "reason"),
    [
        pytest.param("pdf-opens", "not-a-pdf", id="opens"),
        pytest.param("pdf-text-layer", "not-applicable", id="text-layer"),
        pytest.param("pdf-risky-content", "not-applicable", id="risky-content"),
    ],
)
def test_the_pdf_checks_skip_a_file_that_is_not_a_pdf(check_id: str, reason: str) -> None:
    finding = run(check_id, facts("foto.jpg", mime="image/jpeg", image=image()))
    assert (finding.outcome, finding.reason_code) == (Outcome.SKIP, reason)


@pytest.mark.parametrize(
    ("pdf_facts", "params", "outcome", "reason", "needs_review"),
    [
        pytest.param(pdf(*SK_PAGES), {}, Outcome.PASS, "pdf-text-ok", False, id="sk-with-text"),
        pytest.param(SCAN, {}, Outcome.WARN, "pdf-no-text", True, id="scan"),
        pytest.param(pdf("", "", ""), {}, Outcome.WARN, "pdf-no-text", True, id="blank-pages"),
        pytest.param(pdf("Hal. 1"), {}, Outcome.WARN, "pdf-no-text", True, id="page-number-only"),
        pytest.param(
            pdf("x" * 49), {}, Outcome.WARN, "pdf-no-text", True, id="just-under-min-chars"
        ),
        pytest.param(pdf("x" * 50), {}, Outcome.PASS, "pdf-text-ok", False, id="at-min-chars"),
        pytest.param(
            pdf("x" * 199),
            {"min_chars": 200},
            Outcome.WARN,
            "pdf-no-text",
            True,
            id="under-custom-min-chars",
        ),
        pytest.param(BROKEN, {}, Outcome.SKIP, "not-applicable", False, id="broken"),
        pytest.param(ENCRYPTED, {}, Outcome.SKIP, "not-applicable", False, id="encrypted"),
    ],
)
def test_a_scanned_pdf_goes_to_review_never_fails(
    pdf_facts: PdfFacts, params: dict[str, Any], outcome: Outcome, reason: str, needs_review: bool
) -> None:
    finding = run("pdf-text-layer", facts(pdf=pdf_facts), **params)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        outcome,
        reason,
        needs_review,
    )
    assert finding.outcome is not Outcome.FAIL


@pytest.mark.parametrize(
    ("flags", "features"),
    [
        pytest.param({"has_javascript": True}, ["JavaScript"], id="javascript"),
        pytest.param({"has_launch_action": True}, ["Launch action"], id="launch-action"),
        pytest.param({"has_embedded_files": True}, ["embedded files"], id="embedded-file"),
        pytest.param(
            {"has_appended_data": True}, ["data after the end of the file"], id="appended-data"
        ),
        pytest.param(
            {"has_javascript": True, "has_launch_action": True, "has_embedded_files": True},
            ["JavaScript", "Launch action", "embedded files"],
            id="all-three",
        ),
    ],
)
def test_risky_pdf_content_goes_to_review_naming_what_was_found(
    flags: dict[str, bool], features: list[str]
) -> None:
    finding = run("pdf-risky-content", facts(pdf=pdf(*SK_PAGES, **flags)))
    assert (finding.outcome, finding.reason_code) == (Outcome.WARN, "pdf-risky-content")
    assert finding.needs_review
    assert finding.details == {"features": features}
    assert features[0] in finding.message_id


@pytest.mark.parametrize(
    ("pdf_facts", "outcome", "reason"),
    [
        pytest.param(pdf(*SK_PAGES), Outcome.PASS, "ok", id="sk"),
        pytest.param(SCAN, Outcome.PASS, "ok", id="scan"),
        pytest.param(BROKEN, Outcome.SKIP, "not-applicable", id="broken"),
    ],
)
def test_a_pdf_without_active_content_passes_the_risk_check(
    pdf_facts: PdfFacts, outcome: Outcome, reason: str
) -> None:
    finding = run("pdf-risky-content", facts(pdf=pdf_facts))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (outcome, reason, False)
