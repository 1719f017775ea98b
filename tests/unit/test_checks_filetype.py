"""mime-allowed, extension-matches and file-size over facts: the cheap checks every file gets."""

from __future__ import annotations

from typing import Any

import pytest

from rules.findings import Outcome
from tests.support.facts import MB, ctx, facts, run

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
PHOTO_KIND: dict[str, Any] = {
    "kind": "facility_photo",
    "allowed_mime": (JPEG, PNG),
    "allowed_extensions": ("jpg", "jpeg", "png"),
}


@pytest.mark.parametrize(
    ("mime", "kind", "outcome", "reason"),
    [
        pytest.param(PDF, {}, Outcome.PASS, "mime-allowed", id="pdf-for-sk"),
        pytest.param(JPEG, {}, Outcome.FAIL, "mime-not-allowed", id="jpeg-for-sk"),
        pytest.param("text/html", {}, Outcome.FAIL, "mime-not-allowed", id="html-for-sk"),
        pytest.param(
            "application/x-dosexec", {}, Outcome.FAIL, "mime-not-allowed", id="exe-for-sk"
        ),
        pytest.param(JPEG, PHOTO_KIND, Outcome.PASS, "mime-allowed", id="jpeg-for-photo"),
        pytest.param(PNG, PHOTO_KIND, Outcome.PASS, "mime-allowed", id="png-for-photo"),
        pytest.param(PDF, PHOTO_KIND, Outcome.FAIL, "mime-not-allowed", id="pdf-for-photo"),
        pytest.param(PDF, {"kind": None}, Outcome.SKIP, "not-applicable", id="kind-unresolved"),
    ],
)
def test_the_sniffed_type_must_be_one_the_evidence_kind_accepts(
    mime: str, kind: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("mime-allowed", facts("berkas.pdf", mime=mime), ctx(**kind))
    assert (finding.outcome, finding.reason_code) == (outcome, reason)


def test_a_refused_type_names_what_was_detected_and_what_is_accepted() -> None:
    finding = run("mime-allowed", facts("sk.pdf", mime=JPEG))
    assert finding.details == {
        "detected": JPEG,
        "kind": "sk_decree_pdf",
        "allowed": [PDF],
    }
    # people read the type's name and the kind's name, never the MIME type or the kind's id
    assert finding.message_id.startswith("Isi berkas terdeteksi sebagai berkas gambar JPEG")
    assert "hanya diterima: dokumen PDF" in finding.message_id
    assert JPEG not in finding.message_id
    assert "sk_decree_pdf" not in finding.message_id
    assert JPEG in finding.message_en
    assert PDF in finding.message_en


def test_a_refused_type_names_the_evidence_kind_as_the_catalog_does() -> None:
    finding = run("mime-allowed", facts("sk.pdf", mime=JPEG), ctx(kind_name="Surat Keputusan (SK)"))
    assert "untuk Surat Keputusan (SK) hanya diterima" in finding.message_id
    assert "sk_decree_pdf" in finding.message_en


@pytest.mark.parametrize(
    ("name", "mime", "kind", "outcome", "reason"),
    [
        pytest.param("sk.pdf", PDF, {}, Outcome.PASS, "ok", id="pdf-named-pdf"),
        pytest.param("SK.PDF", PDF, {}, Outcome.PASS, "ok", id="upper-case-extension"),
        pytest.param("sk.pdf", JPEG, {}, Outcome.FAIL, "extension-mismatch", id="jpeg-named-pdf"),
        pytest.param("foto.jpg", JPEG, PHOTO_KIND, Outcome.PASS, "ok", id="jpeg-named-jpg"),
        pytest.param("foto.jpeg", JPEG, PHOTO_KIND, Outcome.PASS, "ok", id="jpeg-named-jpeg"),
        pytest.param(
            "foto.png", JPEG, PHOTO_KIND, Outcome.FAIL, "extension-mismatch", id="jpeg-named-png"
        ),
        pytest.param(
            "foto.jpg", PNG, PHOTO_KIND, Outcome.FAIL, "extension-mismatch", id="png-named-jpg"
        ),
        pytest.param(
            "sk.docx", PDF, {}, Outcome.FAIL, "extension-not-allowed", id="unknown-extension"
        ),
        pytest.param("sk", PDF, {}, Outcome.FAIL, "extension-not-allowed", id="no-extension"),
        pytest.param(
            "sk.exe",
            "application/x-dosexec",
            {},
            Outcome.FAIL,
            "extension-not-allowed",
            id="exe-extension",
        ),
        pytest.param(
            "foto.jpg",
            JPEG,
            {"kind": None, "allowed_extensions": ()},
            Outcome.PASS,
            "ok",
            id="kind-unresolved-honest",
        ),
        pytest.param(
            "foto.pdf",
            JPEG,
            {"kind": None, "allowed_extensions": ()},
            Outcome.FAIL,
            "extension-mismatch",
            id="kind-unresolved-jpeg-named-pdf",
        ),
        pytest.param(
            "data.bin",
            "application/octet-stream",
            {"allowed_extensions": ()},
            Outcome.PASS,
            "ok",
            id="unknown-type-no-whitelist",
        ),
    ],
)
def test_the_extension_is_accepted_and_agrees_with_the_content(
    name: str, mime: str, kind: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("extension-matches", facts(name, mime=mime), ctx(**kind))
    assert (finding.outcome, finding.reason_code) == (outcome, reason)


def test_a_jpeg_renamed_to_pdf_says_both_the_extension_and_the_detected_type() -> None:
    finding = run("extension-matches", facts("sk.pdf", mime=JPEG))
    assert finding.details == {"extension": "pdf", "detected": JPEG}
    assert ".pdf" in finding.message_id
    assert JPEG in finding.message_en


@pytest.mark.parametrize(
    ("size", "params", "outcome", "reason"),
    [
        pytest.param(0, {}, Outcome.FAIL, "size-empty", id="empty"),
        pytest.param(1, {}, Outcome.PASS, "size-ok", id="one-byte"),
        pytest.param(2 * MB, {}, Outcome.PASS, "size-ok", id="exactly-warn-limit"),
        pytest.param(2 * MB + 1, {}, Outcome.WARN, "size-over-upstream", id="just-over-warn-limit"),
        pytest.param(10 * MB, {}, Outcome.WARN, "size-over-upstream", id="exactly-max"),
        pytest.param(10 * MB + 1, {}, Outcome.FAIL, "size-over-limit", id="just-over-max"),
        pytest.param(60 * MB, {}, Outcome.FAIL, "size-over-limit", id="far-over-max"),
        pytest.param(
            3 * MB,
            {"max_mb": 5, "warn_mb": None},
            Outcome.PASS,
            "size-ok",
            id="no-warn-limit-under-max",
        ),
        pytest.param(
            6 * MB, {"max_mb": 5, "warn_mb": None}, Outcome.FAIL, "size-over-limit", id="custom-max"
        ),
        pytest.param(
            600 * 1024,
            {"max_mb": 1, "warn_mb": 0.5},
            Outcome.WARN,
            "size-over-upstream",
            id="fractional-warn-limit",
        ),
        pytest.param(
            0,
            {"max_mb": 1, "warn_mb": None},
            Outcome.FAIL,
            "size-empty",
            id="empty-with-custom-limits",
        ),
    ],
)
def test_file_size_fails_empty_and_oversized_files_and_warns_past_the_upstream_limit(
    size: int, params: dict[str, Any], outcome: Outcome, reason: str
) -> None:
    finding = run("file-size", facts(size=size), **params)
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert not finding.needs_review


def test_an_oversized_file_reports_its_size_and_the_limit_in_megabytes() -> None:
    finding = run("file-size", facts(size=15 * MB), max_mb=10)
    assert finding.details == {"size_mb": 15.0, "max_mb": 10}
    assert "15 MB" in finding.message_id
    assert "10 MB limit" in finding.message_en
