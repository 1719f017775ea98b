"""Scans, signatures and issuers as checks see them: OCR'd text, TTE facts, the unit registry."""

from __future__ import annotations

from typing import Any

import pytest

from rules.facts import OcrFacts, SignatureFacts
from rules.findings import Outcome
from tests.support.facts import SK_PAGES, ctx, facts, pdf, run

KOTA = "WALI KOTA PALEMBANG"
ISSUERS = {
    "1671": (KOTA, "WALIKOTA PALEMBANG"),
    "1672": ("WALI KOTA PRABUMULIH",),
    "1605": ("BUPATI MUSI RAWAS",),
    "1613": ("BUPATI MUSI RAWAS UTARA",),
    "LPPPLG": ("KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG",),
}
NAMES = {
    "1671": "Kota Palembang",
    "1672": "Kota Prabumulih",
    "1605": "Kabupaten Musi Rawas",
    "1613": "Kabupaten Musi Rawas Utara",
    "LPPPLG": "Lapas Perempuan Palembang",
}
LAPAS = "KEPALA LEMBAGA PEMASYARAKATAN PEREMPUAN KELAS IIA PALEMBANG"


def decree_by(office: str) -> str:
    """The SK Tim with `office` in its heading and signature block."""
    signed_by = "KEPALA LEMBAGA PEMASYARAKATAN\nPEREMPUAN KELAS IIA PALEMBANG"
    return SK_PAGES[0].replace(LAPAS, office).replace(signed_by, office)


@pytest.mark.parametrize(
    ("text", "unit", "outcome", "reason", "review"),
    [
        pytest.param(decree_by(KOTA), "1671", Outcome.PASS, "decree-issuer-ok", False, id="own"),
        pytest.param(
            decree_by(KOTA),
            "1672",
            Outcome.FAIL,
            "decree-wrong-issuer",
            False,
            id="palembang-for-prabumulih",
        ),
        pytest.param(
            decree_by("WALIKOTA PALEMBANG"),
            "1671",
            Outcome.PASS,
            "decree-issuer-ok",
            False,
            id="alias",
        ),
        pytest.param(
            decree_by("WALI KOTA PALEMBAMG"),
            "1671",
            Outcome.PASS,
            "decree-issuer-ok",
            False,
            id="one-letter-misread-by-ocr",
        ),
        pytest.param(
            decree_by("BUPATI MUSI RAWAS UTARA"),
            "1613",
            Outcome.PASS,
            "decree-issuer-ok",
            False,
            id="a-name-inside-a-longer-one-is-not-another-issuer",
        ),
        pytest.param(
            decree_by("BUPATI MUSI RAWAS UTARA"),
            "1605",
            Outcome.FAIL,
            "decree-wrong-issuer",
            False,
            id="the-shorter-name-s-unit-is-not-the-issuer",
        ),
        pytest.param(
            decree_by("KEPALA DINAS SOSIAL"),
            "1671",
            Outcome.WARN,
            "decree-issuer-unknown",
            True,
            id="no-recognisable-issuer",
        ),
        pytest.param(
            decree_by("KEPALA DINAS SOSIAL"),
            "T0001",
            Outcome.WARN,
            "decree-issuer-unregistered",
            False,
            id="unit-without-registered-issuer",
        ),
        pytest.param(SK_PAGES[0], "LPPPLG", Outcome.PASS, "decree-issuer-ok", False, id="upt"),
    ],
)
def test_a_decree_must_be_issued_by_the_submitting_unit(
    text: str, unit: str, outcome: Outcome, reason: str, review: bool
) -> None:
    context = ctx(unit_code=unit, issuers=ISSUERS, unit_names=NAMES)
    finding = run("decree-issuer", facts(pdf=pdf(text)), context)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (outcome, reason, review)


def test_the_wrong_issuer_finding_names_the_other_unit() -> None:
    context = ctx(unit_code="1672", issuers=ISSUERS, unit_names=NAMES)
    finding = run("decree-issuer", facts(pdf=pdf(decree_by(KOTA))), context)
    assert "Kota Palembang" in finding.message_id
    assert "Kota Prabumulih" in finding.message_id


SIGNED: dict[str, Any] = {
    "signer": "Dra. SRI ASTUTI",
    "signed_at": "2025-03-15T08:00:00+07:00",
    "intact": True,
    "valid": True,
    "covers_whole_file": True,
}


@pytest.mark.parametrize(
    ("signatures", "outcome", "reason", "review"),
    [
        pytest.param([], Outcome.SKIP, "esign-none", False, id="unsigned"),
        pytest.param(
            [SignatureFacts(**SIGNED)],
            Outcome.PASS,
            "esign-intact-unverified",
            False,
            id="intact-no-trust-store",
        ),
        pytest.param(
            [SignatureFacts(**SIGNED, trusted=True)],
            Outcome.PASS,
            "esign-valid",
            False,
            id="intact-trusted",
        ),
        pytest.param(
            [SignatureFacts(**SIGNED, trusted=False)],
            Outcome.WARN,
            "esign-untrusted",
            True,
            id="intact-untrusted",
        ),
        pytest.param(
            [SignatureFacts(**(SIGNED | {"covers_whole_file": False}))],
            Outcome.WARN,
            "esign-modified",
            True,
            id="modified-after-signing",
        ),
        pytest.param(
            [SignatureFacts(**(SIGNED | {"intact": False}))],
            Outcome.WARN,
            "esign-invalid",
            True,
            id="digest-no-longer-matches",
        ),
    ],
)
def test_an_electronic_signature_says_who_signed_and_whether_the_file_is_unchanged(
    signatures: list[SignatureFacts], outcome: Outcome, reason: str, review: bool
) -> None:
    finding = run("pdf-signature", facts(pdf=pdf(*SK_PAGES, signatures=signatures)))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (outcome, reason, review)
    if signatures:
        assert "Dra. SRI ASTUTI" in finding.message_id


def test_a_signature_without_a_trust_store_says_it_was_not_verified_to_a_trusted_root() -> None:
    finding = run("pdf-signature", facts(pdf=pdf(*SK_PAGES, signatures=[SignatureFacts(**SIGNED)])))
    assert "tidak diverifikasi ke akar terpercaya" in finding.message_id


@pytest.mark.parametrize(
    ("ocr", "chars_pages", "outcome", "reason", "said"),
    [
        pytest.param(
            OcrFacts(status="done", pages=[1], mean_confidence=91.5),
            SK_PAGES,
            Outcome.PASS,
            "pdf-text-ocr",
            "91,5%",
            id="read-by-ocr-says-so-with-confidence",
        ),
        pytest.param(
            OcrFacts(status="done", pages=[1], mean_confidence=31.0),
            SK_PAGES,
            Outcome.WARN,
            "pdf-ocr-low-confidence",
            "(31%,",
            id="low-confidence",
        ),
        pytest.param(
            OcrFacts(status="no-text"),
            ("",),
            Outcome.WARN,
            "pdf-ocr-unreadable",
            "tidak terbaca OCR",
            id="nothing-read",
        ),
        pytest.param(
            OcrFacts(status="timeout"),
            ("",),
            Outcome.WARN,
            "pdf-ocr-unreadable",
            "waktu baca habis",
            id="timed-out",
        ),
        pytest.param(
            OcrFacts(status="unavailable"),
            ("",),
            Outcome.WARN,
            "pdf-ocr-unavailable",
            "OCR tidak tersedia",
            id="not-installed",
        ),
    ],
)
def test_a_scan_is_read_by_ocr_and_never_failed_for_lacking_text(
    ocr: OcrFacts, chars_pages: tuple[str, ...], outcome: Outcome, reason: str, said: str
) -> None:
    finding = run("pdf-text-layer", facts(pdf=pdf(*chars_pages, ocr=ocr, textless_pages=[1])))
    assert (finding.outcome, finding.reason_code) == (outcome, reason)
    assert finding.needs_review is (outcome is Outcome.WARN)
    assert said in finding.message_id


OCR_NOISE = [
    ("MEMUTUSKAN:", "M E M U T U S K A N :"),
    ("MEMUTUSKAN:", "MEMUTUSKAM:"),
    ("NOMOR W6.PAS.PAS13-PK.01.01.02-123 TAHUN 2025", "NOMOR188.45/123/KPTS/2025"),
    ("pada tanggal 15 Maret 2025", "pada tanggal 15.Maret 2025"),
    ("pada tanggal 15 Maret 2025", "pada tanggal 15 Marct 2025"),
    ("Menimbang", "Menimbanq"),
]


@pytest.mark.parametrize(
    ("original", "noisy"),
    [pytest.param(o, n, id=n) for o, n in OCR_NOISE],
)
def test_decree_markers_tolerate_ocr_noise(original: str, noisy: str) -> None:
    text = SK_PAGES[0].replace(original, noisy)
    assert noisy in text
    finding = run("decree-structure", facts(pdf=pdf(text)))
    assert finding.reason_code == "decree-ok", finding.message_en
    assert run("decree-date", facts(pdf=pdf(text))).reason_code == "decree-date-ok"


def test_an_exact_threshold_turns_the_tolerance_off() -> None:
    text = SK_PAGES[0].replace("MEMUTUSKAN:", "MEMUTUSKAM:")
    finding = run("decree-structure", facts(pdf=pdf(text)), fuzzy_threshold=1.0)
    assert finding.reason_code == "decree-markers-missing"
