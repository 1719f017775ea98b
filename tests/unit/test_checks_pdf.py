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
        (pdf(*SK_PAGES), {}, Outcome.PASS, "pdf-ok"),
        (SCAN, {}, Outcome.PASS, "pdf-ok"),
        (ENCRYPTED, {}, Outcome.FAIL, "pdf-encrypted"),
        (pdf(*SK_PAGES, encrypted=True), {}, Outcome.PASS, "pdf-ok"),  # owner password only
        (BROKEN, {}, Outcome.FAIL, "pdf-broken"),
        (PdfFacts(opened=False), {}, Outcome.FAIL, "pdf-broken"),
        (TOO_MANY, {}, Outcome.FAIL, "pdf-too-many-pages"),
        (pdf(page_count=501), {}, Outcome.FAIL, "pdf-too-many-pages"),
        (pdf(page_count=500), {}, Outcome.PASS, "pdf-ok"),
        (pdf(page_count=11), {"max_pages": 10}, Outcome.FAIL, "pdf-too-many-pages"),
        (pdf(page_count=0), {}, Outcome.FAIL, "pdf-no-pages"),
        (pdf(page_count=None), {}, Outcome.FAIL, "pdf-no-pages"),
        (pdf(page_count=1), {"min_pages": 2}, Outcome.FAIL, "pdf-too-few-pages"),
        (pdf(page_count=2), {"min_pages": 2}, Outcome.PASS, "pdf-ok"),
    ],
    ids=[
        "sk-with-text",
        "scan-without-text",
        "encrypted",
        "restricted-owner-password-opens",
        "broken",
        "not-opened-without-reason",
        "too-many-pages-at-extraction",
        "over-default-max-pages",
        "at-default-max-pages",
        "over-custom-max-pages",
        "zero-pages",
        "page-count-unknown",
        "under-min-pages",
        "at-min-pages",
    ],
)
def test_a_pdf_must_open_unencrypted_with_a_page_count_in_bounds(
    pdf_facts: PdfFacts, params: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("pdf-opens", facts(pdf=pdf_facts), **params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert not finding.needs_review


def test_a_broken_pdf_carries_the_readers_complaint() -> None:
    finding = run("pdf-opens", facts(pdf=BROKEN))
    assert finding.details == {"detail": "EOF marker not found"}
    assert "EOF marker not found" in finding.message_id


def test_too_many_pages_names_the_count_and_the_limit() -> None:
    finding = run("pdf-opens", facts(pdf=TOO_MANY))
    assert finding.details == {"pages": 900, "max_pages": 500}
    assert "900" in finding.message_id
    assert "500" in finding.message_en


@pytest.mark.parametrize(
    ("check_id", "reason"),
    [
        ("pdf-opens", "not-a-pdf"),
        ("pdf-text-layer", "not-applicable"),
        ("pdf-risky-content", "not-applicable"),
    ],
    ids=["opens", "text-layer", "risky-content"],
)
def test_the_pdf_checks_skip_a_file_that_is_not_a_pdf(check_id: str, reason: str) -> None:
    finding = run(check_id, facts("foto.jpg", mime="image/jpeg", image=image()))
    assert (finding.outcome, finding.reason_code) == (Outcome.SKIP, reason)


@pytest.mark.parametrize(
    ("pdf_facts", "params", "outcome", "reason", "needs_review"),
    [
        (pdf(*SK_PAGES), {}, Outcome.PASS, "pdf-text-ok", False),
        (SCAN, {}, Outcome.WARN, "pdf-no-text", True),
        (pdf("", "", ""), {}, Outcome.WARN, "pdf-no-text", True),
        (pdf("Hal. 1"), {}, Outcome.WARN, "pdf-no-text", True),
        (pdf("x" * 49), {}, Outcome.WARN, "pdf-no-text", True),
        (pdf("x" * 50), {}, Outcome.PASS, "pdf-text-ok", False),
        (pdf("x" * 199), {"min_chars": 200}, Outcome.WARN, "pdf-no-text", True),
        (BROKEN, {}, Outcome.SKIP, "not-applicable", False),
        (ENCRYPTED, {}, Outcome.SKIP, "not-applicable", False),
    ],
    ids=[
        "sk-with-text",
        "scan",
        "blank-pages",
        "page-number-only",
        "just-under-min-chars",
        "at-min-chars",
        "under-custom-min-chars",
        "broken",
        "encrypted",
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
        ({"has_javascript": True}, ["JavaScript"]),
        ({"has_launch_action": True}, ["Launch action"]),
        ({"has_embedded_files": True}, ["embedded files"]),
        ({"has_appended_data": True}, ["data after the end of the file"]),
        (
            {"has_javascript": True, "has_launch_action": True, "has_embedded_files": True},
            ["JavaScript", "Launch action", "embedded files"],
        ),
    ],
    ids=["javascript", "launch-action", "embedded-file", "appended-data", "all-three"],
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
        (pdf(*SK_PAGES), Outcome.PASS, "ok"),
        (SCAN, Outcome.PASS, "ok"),
        (BROKEN, Outcome.SKIP, "not-applicable"),
    ],
    ids=["sk", "scan", "broken"],
)
def test_a_pdf_without_active_content_passes_the_risk_check(
    pdf_facts: PdfFacts, outcome: Outcome, reason: str
) -> None:
    finding = run("pdf-risky-content", facts(pdf=pdf_facts))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (outcome, reason, False)
