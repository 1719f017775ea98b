"""Evaluating one document against the shipped P2HAM catalog: kind, checks run, verdict."""

from __future__ import annotations

import pytest

from rules.catalog import Catalog, CheckRef
from rules.context import CheckContext
from rules.evaluation import (
    DocumentVerdict,
    Verdict,
    evaluate_document,
    resolve_kind,
    run_checks,
    verdict_of,
)
from rules.facts import FileFacts, PdfFacts
from rules.findings import Emitter, Finding, Outcome, result
from tests.support.facts import SK_MAKLUMAT, SK_PAGES, ctx, facts, image, pdf, photo_file, sk_file

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"


def base_ctx(criterion_id: str) -> CheckContext:
    """The context the pipeline builds before the kind is known."""
    return ctx(criterion_id=criterion_id, kind=None, allowed_mime=(), allowed_extensions=())


def canonical(criterion_id: str, code: str, ext: str) -> str:
    return f"LPPPLG_P2HAM_2025_{criterion_id}_{code}_01.{ext}"


def evaluate(
    catalog: Catalog,
    file: FileFacts,
    criterion_id: str,
    declared_kind: str | None = None,
    kind_code: str | None = None,
) -> DocumentVerdict:
    return evaluate_document(catalog, file, base_ctx(criterion_id), declared_kind, kind_code)


@pytest.mark.parametrize(
    ("criterion_id", "mime", "declared", "code", "kind"),
    [
        pytest.param(
            "P2H-00-PENCANANGAN", PDF, "declaration_pdf", None, "declaration_pdf", id="declared"
        ),
        pytest.param(
            "P2H-00-PENCANANGAN", PDF, "report_pdf", None, "report_pdf", id="declared-optional-kind"
        ),
        pytest.param(
            "P2H-00-PENCANANGAN",
            PDF,
            "report_pdf",
            "PERNYATAAN",
            "report_pdf",
            id="declared-wins-over-code",
        ),
        pytest.param(
            "P2H-00-SKTIM",
            JPEG,
            "sk_decree_pdf",
            None,
            "sk_decree_pdf",
            id="declared-whatever-the-type",
        ),
        pytest.param(
            "P2H-02-LAKTASI", JPEG, None, "FOTO", "facility_photo", id="code-foto-for-a-facility"
        ),
        pytest.param(
            "P2H-00-PENCANANGAN", JPEG, None, "FOTO", "activity_photo", id="code-foto-for-an-event"
        ),
        pytest.param(
            "P2H-00-PENCANANGAN", PDF, None, "PERNYATAAN", "declaration_pdf", id="code-pernyataan"
        ),
        pytest.param("P2H-00-PENCANANGAN", PDF, None, "LAP", "report_pdf", id="code-lap"),
        pytest.param("P2H-03-PETUGAS", PDF, None, "SK", "sk_decree_pdf", id="code-sk"),
        pytest.param(
            "P2H-03-PETUGAS", JPEG, None, "SK", "sk_decree_pdf", id="code-sk-whatever-the-type"
        ),
        pytest.param(
            "P2H-03-PELATIHAN",
            JPEG,
            None,
            "SERT",
            "certificate_pdf",
            id="code-sert-for-a-photo-of-a-certificate",
        ),
        pytest.param(
            "P2H-03-PETUGAS", PDF, None, None, "sk_decree_pdf", id="petugas-pdf-is-the-sk"
        ),
        pytest.param(
            "P2H-03-PETUGAS", JPEG, None, None, "activity_photo", id="petugas-jpeg-is-a-photo"
        ),
        pytest.param(
            "P2H-03-PETUGAS", PNG, None, None, "activity_photo", id="petugas-png-is-a-photo"
        ),
        pytest.param(
            "P2H-02-MAKLUMAT", JPEG, None, None, "facility_photo", id="maklumat-jpeg-is-the-photo"
        ),
        pytest.param(
            "P2H-02-MAKLUMAT",
            PDF,
            None,
            None,
            "sop_or_standard_pdf",
            id="maklumat-pdf-is-the-document",
        ),
        pytest.param("P2H-00-SKTIM", JPEG, None, None, "sk_decree_pdf", id="single-kind-jpeg"),
        pytest.param(
            "P2H-00-SKTIM", "text/html", None, None, "sk_decree_pdf", id="single-kind-html"
        ),
        pytest.param("P2H-02-LAKTASI", PDF, None, None, "facility_photo", id="single-kind-pdf"),
        pytest.param(
            "P2H-03-PELATIHAN",
            JPEG,
            None,
            None,
            "activity_photo",
            id="pelatihan-jpeg-is-mainly-a-photo-not-a-scanned-certificate",
        ),
    ],
)
def test_the_evidence_kind_comes_from_declaration_then_name_then_content_type(
    p2ham: Catalog, criterion_id: str, mime: str, declared: str | None, code: str | None, kind: str
) -> None:
    resolution = resolve_kind(p2ham, p2ham.leaves[criterion_id], mime, declared, code)
    assert (resolution.kind, resolution.finding) == (kind, None)


@pytest.mark.parametrize(
    ("criterion_id", "mime", "declared", "code", "outcome", "reason"),
    [
        pytest.param(
            "P2H-02-LAKTASI",
            JPEG,
            "activity_photo",
            None,
            Outcome.FAIL,
            "kind-not-for-criterion",
            id="declared-kind-of-another-criterion",
        ),
        pytest.param(
            "P2H-02-LAKTASI",
            JPEG,
            "no_such_kind",
            None,
            Outcome.FAIL,
            "kind-not-for-criterion",
            id="declared-kind-unknown",
        ),
        pytest.param(
            "P2H-02-LAKTASI",
            PDF,
            None,
            "SK",
            Outcome.FAIL,
            "kind-not-for-criterion",
            id="code-of-another-criterion",
        ),
        pytest.param(
            "P2H-00-SKTIM",
            PDF,
            None,
            "PERDA",
            Outcome.FAIL,
            "kind-not-for-criterion",
            id="code-unknown-to-the-catalog",
        ),
        pytest.param(
            "P2H-03-PETUGAS",
            "text/html",
            None,
            None,
            Outcome.FAIL,
            "mime-not-allowed",
            id="type-no-candidate-accepts",
        ),
        pytest.param(
            "P2H-00-PENCANANGAN",
            "application/zip",
            None,
            None,
            Outcome.FAIL,
            "mime-not-allowed",
            id="archive-for-pencanangan",
        ),
        pytest.param(
            "P2H-00-PENCANANGAN",
            PDF,
            None,
            None,
            Outcome.WARN,
            "kind-unknown",
            id="pencanangan-pdf-declaration-or-report",
        ),
        pytest.param(
            "P2H-03-PELATIHAN",
            PDF,
            None,
            None,
            Outcome.WARN,
            "kind-unknown",
            id="pelatihan-pdf-certificate-or-report",
        ),
    ],
)
def test_an_unresolvable_kind_fails_or_goes_to_review(
    p2ham: Catalog,
    criterion_id: str,
    mime: str,
    declared: str | None,
    code: str | None,
    outcome: Outcome,
    reason: str,
) -> None:
    resolution = resolve_kind(p2ham, p2ham.leaves[criterion_id], mime, declared, code)
    assert resolution.kind is None
    assert resolution.finding is not None
    assert (resolution.finding.outcome, resolution.finding.reason_code) == (outcome, reason)
    assert resolution.finding.needs_review is (outcome is Outcome.WARN)


def test_an_ambiguous_document_goes_to_review_with_the_candidate_kinds(p2ham: Catalog) -> None:
    file = sk_file("SURAT PERNYATAAN PENCANANGAN", name="pencanangan.pdf")
    verdict = evaluate(p2ham, file, "P2H-00-PENCANANGAN")
    assert (verdict.status, verdict.reason_code, verdict.kind) == (
        Verdict.NEEDS_REVIEW,
        "kind-unknown",
        None,
    )
    (kind_finding,) = [f for f in verdict.findings if f.check_id == "evidence-kind"]
    assert kind_finding.details == {
        "criterion": "P2H-00-PENCANANGAN",
        "expected": ["declaration_pdf", "report_pdf"],
        "expected_names": [
            p2ham.evidence_kinds["declaration_pdf"].name_id,
            p2ham.evidence_kinds["report_pdf"].name_id,
        ],
    }
    assert "declaration_pdf" not in kind_finding.message_id  # people read the kinds' names
    assert p2ham.evidence_kinds["report_pdf"].name_id in kind_finding.message_id
    # without a kind only the file checks run, and mime-allowed has nothing to compare with
    assert [f.check_id for f in verdict.findings] == [
        "evidence-kind",
        "file-size",
        "mime-allowed",
        "extension-matches",
        "file-name",
    ]
    assert verdict.findings[2].outcome is Outcome.SKIP


def test_a_jpeg_sent_as_the_sk_tim_is_read_as_the_sk_and_fails_on_its_type(
    p2ham: Catalog,
) -> None:
    file = photo_file(canonical("P2H-00-SKTIM", "SK", "jpg"))
    verdict = evaluate(p2ham, file, "P2H-00-SKTIM", kind_code="SK")
    assert (verdict.status, verdict.reason_code, verdict.kind) == (
        Verdict.FAILED,
        "mime-not-allowed",
        "sk_decree_pdf",
    )
    outcomes = {f.check_id: (f.outcome, f.reason_code) for f in verdict.findings}
    assert outcomes["mime-allowed"] == (Outcome.FAIL, "mime-not-allowed")
    assert outcomes["extension-matches"] == (Outcome.FAIL, "extension-not-allowed")
    assert outcomes["pdf-opens"] == (Outcome.SKIP, "not-a-pdf")
    assert outcomes["decree-structure"] == (Outcome.SKIP, "decree-no-text")


def test_the_sk_tim_runs_file_kind_and_criterion_checks_in_that_order(p2ham: Catalog) -> None:
    verdict = evaluate(p2ham, sk_file(), "P2H-00-SKTIM", kind_code="SK")
    assert (verdict.status, verdict.reason_code, verdict.kind) == (
        Verdict.PASSED,
        None,
        "sk_decree_pdf",
    )
    assert [(f.check_id, f.outcome) for f in verdict.findings] == [
        ("file-size", Outcome.PASS),
        ("mime-allowed", Outcome.PASS),
        ("extension-matches", Outcome.PASS),
        ("file-name", Outcome.PASS),
        ("pdf-opens", Outcome.PASS),
        ("pdf-text-layer", Outcome.PASS),
        ("pdf-risky-content", Outcome.PASS),
        ("decree-structure", Outcome.PASS),
        ("decree-date", Outcome.PASS),
        ("decree-issuer", Outcome.WARN),  # the test context registers no issuers
        ("pdf-signature", Outcome.SKIP),
        ("file-reused", Outcome.SKIP),  # the test context looked for no copies
        ("keywords", Outcome.PASS),
    ]


SCAN = facts(canonical("P2H-00-SKTIM", "SK", "pdf"), pdf=pdf(page_count=2))
ENCRYPTED = facts(pdf=PdfFacts(opened=False, encrypted=True, error="pdf-encrypted"))
OLD_SK = sk_file(SK_PAGES[0].replace("15 Maret 2025", "15 Maret 2019"))
JS_SK = facts(pdf=pdf(*SK_PAGES, has_javascript=True))
WRONG_TOPIC = sk_file(SK_MAKLUMAT)


@pytest.mark.parametrize(
    ("file", "criterion_id", "status", "reason"),
    [
        pytest.param(sk_file(), "P2H-00-SKTIM", Verdict.PASSED, None, id="sk-tim"),
        pytest.param(SCAN, "P2H-00-SKTIM", Verdict.NEEDS_REVIEW, "pdf-no-text", id="scanned-sk"),
        pytest.param(ENCRYPTED, "P2H-00-SKTIM", Verdict.FAILED, "pdf-encrypted", id="encrypted-sk"),
        pytest.param(
            OLD_SK,
            "P2H-00-SKTIM",
            Verdict.NEEDS_REVIEW,
            "decree-date-outside-period",
            id="sk-from-2019",
        ),
        pytest.param(
            JS_SK,
            "P2H-00-SKTIM",
            Verdict.NEEDS_REVIEW,
            "pdf-risky-content",
            id="sk-with-javascript",
        ),
        pytest.param(
            WRONG_TOPIC,
            "P2H-00-SKTIM",
            Verdict.FAILED,
            "keywords-missing",
            id="sk-about-something-else",
        ),
        pytest.param(
            facts(size=0, pdf=pdf(*SK_PAGES)),
            "P2H-00-SKTIM",
            Verdict.FAILED,
            "size-empty",
            id="empty-file",
        ),
        pytest.param(photo_file(), "P2H-02-LAKTASI", Verdict.PASSED, None, id="facility-photo"),
        pytest.param(
            photo_file(width=300, height=200),
            "P2H-02-LAKTASI",
            Verdict.FAILED,
            "image-resolution-too-low",
            id="thumbnail",
        ),
        pytest.param(
            photo_file(width=640, height=480),
            "P2H-02-LAKTASI",
            Verdict.NEEDS_REVIEW,
            "image-resolution-low",
            id="small-photo-goes-to-a-person",
        ),
        pytest.param(
            photo_file(exif_datetime=None),
            "P2H-02-LAKTASI",
            Verdict.PASSED,
            None,
            id="photo-without-exif-only-warns",
        ),
        pytest.param(
            photo_file(exif_datetime="2024-05-01T09:00:00"),
            "P2H-02-LAKTASI",
            Verdict.PASSED,
            None,
            id="facility-photo-from-last-year",
        ),
        pytest.param(
            photo_file(exif_datetime="2019-05-01T09:00:00"),
            "P2H-02-LAKTASI",
            Verdict.NEEDS_REVIEW,
            "exif-date-outside-period",
            id="facility-photo-from-2019",
        ),
        pytest.param(
            photo_file(
                canonical("P2H-00-PENCANANGAN", "FOTO", "jpg"), exif_datetime="2024-05-01T09:00:00"
            ),
            "P2H-00-PENCANANGAN",
            Verdict.NEEDS_REVIEW,
            "exif-date-outside-period",
            id="event-photo-from-last-year",
        ),
        pytest.param(
            photo_file("foto laktasi.jpg"),
            "P2H-02-LAKTASI",
            Verdict.PASSED,
            None,
            id="free-text-name-only-warns",
        ),
        pytest.param(
            photo_file(canonical("P2H-02-TOILET", "FOTO", "jpg")),
            "P2H-02-LAKTASI",
            Verdict.FAILED,
            "name-token-mismatch",
            id="name-of-another-item",
        ),
        pytest.param(
            photo_file("foto.jpg", mime=PNG),
            "P2H-02-LAKTASI",
            Verdict.FAILED,
            "extension-mismatch",
            id="png-named-jpg",
        ),
    ],
)
def test_the_document_verdict_follows_its_findings(
    p2ham: Catalog, file: FileFacts, criterion_id: str, status: Verdict, reason: str | None
) -> None:
    verdict = evaluate(p2ham, file, criterion_id)
    assert (verdict.status, verdict.reason_code) == (status, reason)
    assert verdict.kind is not None


def finding(outcome: Outcome, reason: str, *, review: bool = False) -> Finding:
    return Emitter("some-check", (reason,)).finding(result(outcome, reason, needs_review=review))


PASS = finding(Outcome.PASS, "ok")
SKIP = finding(Outcome.SKIP, "not-applicable")
WARN = finding(Outcome.WARN, "size-over-upstream")
REVIEW = finding(Outcome.WARN, "pdf-no-text", review=True)
REVIEW_2 = finding(Outcome.WARN, "duplicate-in-submission", review=True)
FAIL = finding(Outcome.FAIL, "mime-not-allowed")
FAIL_2 = finding(Outcome.FAIL, "pdf-broken")


@pytest.mark.parametrize(
    ("findings", "status", "reason"),
    [
        pytest.param([], Verdict.PASSED, None, id="nothing"),
        pytest.param([PASS, SKIP], Verdict.PASSED, None, id="pass-and-skip"),
        pytest.param([PASS, WARN], Verdict.PASSED, None, id="plain-warning"),
        pytest.param([PASS, REVIEW, WARN], Verdict.NEEDS_REVIEW, "pdf-no-text", id="review"),
        pytest.param(
            [REVIEW_2, REVIEW],
            Verdict.NEEDS_REVIEW,
            "duplicate-in-submission",
            id="first-review-reason",
        ),
        pytest.param([REVIEW, FAIL], Verdict.FAILED, "mime-not-allowed", id="fail-beats-review"),
        pytest.param(
            [PASS, FAIL_2, REVIEW, FAIL], Verdict.FAILED, "pdf-broken", id="first-fail-reason"
        ),
        pytest.param([SKIP, FAIL], Verdict.FAILED, "mime-not-allowed", id="fail-after-skip"),
    ],
)
def test_any_fail_fails_else_any_review_needs_review_else_passes(
    findings: list[Finding], status: Verdict, reason: str | None
) -> None:
    assert verdict_of(findings) == (status, reason)


def test_the_same_check_twice_keeps_both_findings_under_distinct_ids() -> None:
    refs = [
        CheckRef(check="keywords", params={"all": ["TIM"]}),
        CheckRef(check="keywords", params={"all": ["KEARSIPAN"]}),
        CheckRef(check="keywords", params={"any": ["P2HAM"]}),
    ]
    findings = run_checks(refs, sk_file(), ctx())
    assert [(f.check_id, f.outcome) for f in findings] == [
        ("keywords", Outcome.PASS),
        ("keywords#2", Outcome.FAIL),
        ("keywords#3", Outcome.PASS),
    ]


EVERY_DOCUMENT = [
    pytest.param(sk_file(), "P2H-00-SKTIM", id="sk-tim"),
    pytest.param(SCAN, "P2H-00-SKTIM", id="scanned-sk"),
    pytest.param(ENCRYPTED, "P2H-00-SKTIM", id="encrypted-sk"),
    pytest.param(OLD_SK, "P2H-00-SKTIM", id="old-sk"),
    pytest.param(JS_SK, "P2H-00-SKTIM", id="sk-with-javascript"),
    pytest.param(WRONG_TOPIC, "P2H-00-SKTIM", id="sk-about-something-else"),
    pytest.param(
        facts(pdf=PdfFacts(opened=False, error="pdf-broken")), "P2H-00-SKTIM", id="broken-pdf"
    ),
    pytest.param(
        facts(size=60 * 1024 * 1024, pdf=pdf(*SK_PAGES)), "P2H-00-SKTIM", id="oversized-pdf"
    ),
    pytest.param(photo_file(), "P2H-00-SKTIM", id="photo-as-sk"),
    pytest.param(photo_file(), "P2H-02-LAKTASI", id="photo"),
    pytest.param(photo_file(width=300, height=200), "P2H-02-LAKTASI", id="thumbnail"),
    pytest.param(photo_file(exif_datetime="2019-05-01T09:00:00"), "P2H-02-LAKTASI", id="old-photo"),
    pytest.param(photo_file(exif_datetime=None), "P2H-02-LAKTASI", id="photo-without-exif"),
    pytest.param(
        facts("f.jpg", mime=JPEG, image=image(decoded=False, error="image-broken")),
        "P2H-01-RAMP",
        id="broken-photo",
    ),
    pytest.param(sk_file("SURAT PERNYATAAN PENCANANGAN"), "P2H-00-PENCANANGAN", id="ambiguous-pdf"),
    pytest.param(sk_file("Maklumat pelayanan"), "P2H-02-MAKLUMAT", id="maklumat-pdf"),
    pytest.param(
        facts("x.html", mime="text/html", size=10), "P2H-03-PETUGAS", id="html-for-petugas"
    ),
]


@pytest.mark.parametrize(
    ("file", "criterion_id"),
    EVERY_DOCUMENT,
)
def test_every_finding_carries_an_indonesian_and_an_english_message(
    p2ham: Catalog, file: FileFacts, criterion_id: str
) -> None:
    verdict = evaluate(p2ham, file, criterion_id)
    assert verdict.findings
    for f in verdict.findings:
        for message in (f.message_id, f.message_en):
            assert message.strip(), f.reason_code
            # a parameter the template wants but the check did not pass renders as "?"
            assert "?" not in message, message
            assert "None" not in message, message
        assert f.message_id != f.message_en, f.reason_code
