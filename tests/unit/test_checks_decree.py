"""decree-structure, decree-date and keywords over the extracted text of a decree (SK)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from rules.catalog import Catalog
from rules.checks import CHECKS
from rules.facts import PdfFacts
from rules.findings import Outcome
from tests.support.facts import (
    SK_ANNEX_PAGE,
    SK_DECREE_PAGE,
    SK_MAKLUMAT,
    SK_PAGES,
    ctx,
    facts,
    image,
    pdf,
    run,
    sk_file,
)

DATE_LINE = "pada tanggal 15 Maret 2025"


def rewrite(pattern: str, replacement: str, *pages: str) -> tuple[str, ...]:
    """The SK with every match of `pattern` (any case) replaced, on every page."""
    return tuple(
        re.sub(pattern, replacement, page, flags=re.IGNORECASE) for page in pages or SK_PAGES
    )


def with_date(date_line: str) -> tuple[str, ...]:
    return (SK_DECREE_PAGE.replace(DATE_LINE, date_line), SK_ANNEX_PAGE)


# -- decree-structure ---------------------------------------------------------------------------


def test_a_full_sk_passes_the_structure_check_with_its_soft_score() -> None:
    finding = run("decree-structure", sk_file())
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "decree-ok")
    # all soft markers but an e-signature: RAHMAT, UU Nomor, mulai berlaku, LAMPIRAN,
    # TEMBUSAN, NIP and "bahwa" after Menimbang
    assert finding.details == {"soft_score": 7, "soft_total": 8}
    assert "7/8" in finding.message_id


@pytest.mark.parametrize(
    ("pattern", "replacement", "marker"),
    [
        (r"\bkeputusan\b", "Ketetapan", "KEPUTUSAN"),
        (r"\bnomor\b", "No.", "NOMOR"),
        (r"\btentang\b", "mengenai", "TENTANG"),
        (r"Menimbang :", "", "Menimbang"),
        (r"Mengingat :", "", "Mengingat"),
        (r"MEMUTUSKAN:\n", "", "MEMUTUSKAN"),
        (r"\bmenetapkan\b", "membuat", "Menetapkan"),
        (r"KESATU :", "", "KESATU/PERTAMA"),
        (r"Ditetapkan di Palembang\n", "", "Ditetapkan di"),
        (r"pada tanggal 15 Maret 2025", "15 Maret 2025", "pada tanggal [tgl] [Bulan] [tahun]"),
    ],
    ids=[
        "keputusan",
        "nomor",
        "tentang",
        "menimbang",
        "mengingat",
        "memutuskan",
        "menetapkan",
        "kesatu",
        "ditetapkan-di",
        "pada-tanggal",
    ],
)
def test_an_sk_without_a_hard_marker_fails_naming_that_marker(
    pattern: str, replacement: str, marker: str
) -> None:
    pages = rewrite(pattern, replacement)
    assert pages != SK_PAGES
    finding = run("decree-structure", sk_file(*pages))
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, "decree-markers-missing")
    assert finding.details is not None
    assert finding.details["missing"] == [marker]
    assert marker in finding.message_id
    assert marker in finding.message_en


def test_a_letter_of_another_kind_misses_most_markers() -> None:
    letter = (
        "Palembang, 3 Februari 2025\nNomor : W6-123\nPerihal : Undangan Rapat\n"
        "Dengan hormat, bersama ini kami mengundang Bapak/Ibu untuk hadir pada rapat koordinasi."
    )
    finding = run("decree-structure", sk_file(letter))
    assert finding.outcome is Outcome.FAIL
    assert finding.details is not None
    assert finding.details["missing"] == [
        "KEPUTUSAN",
        "TENTANG",
        "Menimbang",
        "Mengingat",
        "MEMUTUSKAN",
        "Menetapkan",
        "KESATU/PERTAMA",
        "Ditetapkan di",
        "pada tanggal [tgl] [Bulan] [tahun]",
    ]


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (r"MEMUTUSKAN:", "M E M U T U S K A N :"),
        (r"MEMUTUSKAN:", "M E M U T U S K A N"),
        (r"MEMUTUSKAN:", "MEMUTUSKAN :"),
        (r"Menimbang :", "Menimbang:"),
        (r"Menimbang :", "Menimbang  :  "),
        (r"Mengingat :", "Mengingat:"),
        (r"Menetapkan :", "Menetapkan:"),
        (r"KESATU :", "PERTAMA :"),
        (r"KESATU :", "KESATU:"),
        (r"MEMUTUSKAN:", "MEMUTUS-\nKAN:"),
        (r"Menimbang :", "Menim-\nbang :"),
        (r"Ditetapkan di", "Dite-\ntapkan di"),
        (r"KEPUTUSAN KEPALA", "KEPU-\n  TUSAN KEPALA"),
        (r"Ditetapkan di Palembang\npada", "Ditetapkan di Palembang pada"),
        (r"pada tanggal 15", "pada tanggal\n15"),
        (r"pada tanggal 15", "pada tanggal : 15"),
        (r"pada tanggal 15 Maret", "pada tanggal 15 MARET"),
        (r"Menimbang : a\.", "Menimbang:a."),
        (r" ", "\u00a0"),
    ],
    ids=[
        "letter-spaced-memutuskan-with-colon",
        "letter-spaced-memutuskan",
        "memutuskan-space-colon",
        "menimbang-no-space",
        "menimbang-wide-spaces",
        "mengingat-no-space",
        "menetapkan-no-space",
        "pertama-for-kesatu",
        "kesatu-no-space",
        "hyphen-break-memutuskan",
        "hyphen-break-menimbang",
        "hyphen-break-ditetapkan",
        "hyphen-break-with-indent",
        "place-and-date-on-one-line",
        "date-on-next-line",
        "date-after-colon",
        "month-upper-case",
        "menimbang-glued-to-list",
        "non-breaking-spaces",
    ],
)
def test_the_structure_check_tolerates_layout_and_ocr_noise(pattern: str, replacement: str) -> None:
    pages = rewrite(pattern, replacement)
    assert pages != SK_PAGES
    finding = run("decree-structure", sk_file(*pages))
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "decree-ok"), finding.details


@pytest.mark.parametrize(
    "pages",
    [
        tuple(page.lower() for page in SK_PAGES),
        tuple(page.upper() for page in SK_PAGES),
        (SK_DECREE_PAGE,),
        ("\n".join(SK_PAGES),),
    ],
    ids=["lower-case", "upper-case", "decree-page-only", "one-page"],
)
def test_the_structure_check_ignores_case_and_page_breaks(pages: tuple[str, ...]) -> None:
    finding = run("decree-structure", sk_file(*pages))
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "decree-ok")


@pytest.mark.parametrize(
    ("check_id", "reason"),
    [
        ("decree-structure", "decree-no-text"),
        ("decree-date", "decree-no-text"),
        ("keywords", "keywords-no-text"),
    ],
    ids=["structure", "date", "keywords"],
)
@pytest.mark.parametrize(
    "pdf_facts",
    [
        pdf(page_count=2),
        pdf("", " \n ", ""),
        PdfFacts(opened=False, error="pdf-broken"),
        None,
    ],
    ids=["scan", "blank-text", "broken", "not-a-pdf"],
)
def test_text_checks_skip_a_document_without_text(
    check_id: str, reason: str, pdf_facts: PdfFacts | None
) -> None:
    file = facts(pdf=pdf_facts) if pdf_facts else facts("f.jpg", mime="image/jpeg", image=image())
    params: dict[str, Any] = {"all": ["TIM"]} if check_id == "keywords" else {}
    finding = run(check_id, file, **params)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.SKIP,
        reason,
        False,
    )


NO_RAHMAT = SK_DECREE_PAGE.replace("DENGAN RAHMAT TUHAN YANG MAHA ESA\n", "")


@pytest.mark.parametrize(
    ("pages", "min_soft", "score"),
    [
        (SK_PAGES, 0, 7),
        (SK_PAGES, 7, 7),
        ((NO_RAHMAT,), 6, 6),
    ],
    ids=["no-minimum", "at-minimum", "one-fewer-at-its-minimum"],
)
def test_a_decree_with_enough_soft_markers_passes(
    pages: tuple[str, ...], min_soft: int, score: int
) -> None:
    finding = run("decree-structure", sk_file(*pages), min_soft=min_soft)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.PASS,
        "decree-ok",
        False,
    )
    assert finding.details == {"soft_score": score, "soft_total": 8}


@pytest.mark.parametrize(
    ("pages", "min_soft", "score"),
    [
        (SK_PAGES, 8, 7),
        ((NO_RAHMAT,), 7, 6),
        ((SK_DECREE_PAGE.split("Tembusan:")[0].replace("NIP. 19661018 199203 1 001", ""),), 7, 5),
    ],
    ids=["all-but-e-signature", "no-rahmat", "no-nip-no-tembusan"],
)
def test_a_decree_with_too_few_soft_markers_goes_to_review_saying_so(
    pages: tuple[str, ...], min_soft: int, score: int
) -> None:
    finding = run("decree-structure", sk_file(*pages), min_soft=min_soft)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.WARN,
        "decree-soft-markers-few",
        True,
    )
    assert finding.details == {"soft_score": score, "soft_total": 8, "min_soft": min_soft}
    assert f"{score} dari 8" in finding.message_id


# -- decree-date --------------------------------------------------------------------------------

WINDOW_2025 = {"window_start": date(2025, 1, 1), "window_end": date(2025, 12, 31)}
WINDOW_B08 = {"window_start": date(2025, 5, 1), "window_end": date(2025, 8, 31)}


@pytest.mark.parametrize(
    ("date_line", "window", "params", "found"),
    [
        ("pada tanggal 15 Maret 2025", WINDOW_2025, {}, "2025-03-15"),
        ("pada tanggal 1 Januari 2025", WINDOW_2025, {}, "2025-01-01"),
        ("pada tanggal 31 Desember 2025", WINDOW_2025, {}, "2025-12-31"),
        ("pada tanggal 02 Mei 2025", WINDOW_2025, {}, "2025-05-02"),
        ("PADA TANGGAL 15 MARET 2025", WINDOW_2025, {}, "2025-03-15"),
        ("pada tanggal : 15 Maret 2025", WINDOW_2025, {}, "2025-03-15"),
        ("pada tanggal\n15 Maret\n2025", WINDOW_2025, {}, "2025-03-15"),
        ("p a d a  t a n g g a l  1 5  M a r e t  2 0 2 5", WINDOW_2025, {}, "2025-03-15"),
        ("pada tanggal 10 Juni 2023", WINDOW_2025, {"years_before": 2}, "2023-06-10"),
        ("pada tanggal 1 Januari 2023", WINDOW_2025, {"years_before": 2}, "2023-01-01"),
        ("pada tanggal 29 Februari 2024", WINDOW_2025, {"years_before": 1}, "2024-02-29"),
        ("pada tanggal 5 Januari 2026", WINDOW_2025, {"years_after": 1}, "2026-01-05"),
        ("pada tanggal 17 Agustus 2025", WINDOW_B08, {}, "2025-08-17"),
    ],
    ids=[
        "march-2025",
        "first-day",
        "last-day",
        "leading-zero-day",
        "upper-case",
        "colon",
        "line-breaks",
        "letter-spaced",
        "two-years-before-allowed",
        "first-day-of-widened-window",
        "leap-day-year-before",
        "year-after-allowed",
        "inside-caturwulan",
    ],
)
def test_a_decree_date_inside_the_window_passes(
    date_line: str, window: dict[str, date], params: dict[str, Any], found: str
) -> None:
    finding = run("decree-date", sk_file(*with_date(date_line)), ctx(**window), **params)
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "decree-date-ok")
    assert finding.details == {"date": found}


@pytest.mark.parametrize(
    ("date_line", "window", "params", "found", "start", "end"),
    [
        ("pada tanggal 15 Maret 2019", WINDOW_2025, {}, "2019-03-15", "2025-01-01", "2025-12-31"),
        (
            "pada tanggal 31 Desember 2024",
            WINDOW_2025,
            {},
            "2024-12-31",
            "2025-01-01",
            "2025-12-31",
        ),
        ("pada tanggal 1 Januari 2026", WINDOW_2025, {}, "2026-01-01", "2025-01-01", "2025-12-31"),
        (
            "pada tanggal 31 Desember 2022",
            WINDOW_2025,
            {"years_before": 2},
            "2022-12-31",
            "2023-01-01",
            "2025-12-31",
        ),
        (
            "pada tanggal 15 Maret 2019",
            WINDOW_2025,
            {"years_before": 2},
            "2019-03-15",
            "2023-01-01",
            "2025-12-31",
        ),
        (
            "pada tanggal 2 Januari 2027",
            WINDOW_2025,
            {"years_after": 1},
            "2027-01-02",
            "2025-01-01",
            "2026-12-31",
        ),
        ("pada tanggal 30 April 2025", WINDOW_B08, {}, "2025-04-30", "2025-05-01", "2025-08-31"),
    ],
    ids=[
        "2019",
        "day-before-window",
        "day-after-window",
        "before-widened-window",
        "2019-with-two-years-before",
        "after-widened-window",
        "previous-caturwulan",
    ],
)
def test_a_decree_date_outside_the_window_goes_to_review(
    date_line: str,
    window: dict[str, date],
    params: dict[str, Any],
    found: str,
    start: str,
    end: str,
) -> None:
    finding = run("decree-date", sk_file(*with_date(date_line)), ctx(**window), **params)
    assert (finding.outcome, finding.reason_code) == (Outcome.WARN, "decree-date-outside-period")
    assert finding.needs_review
    assert finding.details == {"date": found, "window_start": start, "window_end": end}
    assert found in finding.message_id
    assert start in finding.message_en


@pytest.mark.parametrize(
    "date_line",
    [
        "",
        "pada tanggal",
        "pada tanggal 31 Februari 2025",
        "pada tanggal 30 Februari 2024",
        "pada tanggal 29 Februari 2025",
        "pada tanggal 31 April 2025",
        "pada tanggal 0 Maret 2025",
        "pada tanggal 15 March 2025",
        "pada tanggal 15-03-2025",
        "pada tanggal 15 Maret 25",
        "pada tanggal ... Maret 2025",
        "15 Maret 2025",
    ],
    ids=[
        "no-date-line",
        "no-date-after-phrase",
        "31-februari",
        "30-februari-leap-year",
        "29-februari-common-year",
        "31-april",
        "day-zero",
        "english-month",
        "numeric-date",
        "two-digit-year",
        "blank-day-of-a-draft",
        "date-without-pada-tanggal",
    ],
)
def test_a_missing_or_impossible_decree_date_goes_to_review(date_line: str) -> None:
    finding = run("decree-date", sk_file(*with_date(date_line)))
    assert (finding.outcome, finding.reason_code) == (Outcome.WARN, "decree-date-missing")
    assert finding.needs_review


def test_an_impossible_date_is_also_a_missing_hard_marker() -> None:
    finding = run("decree-structure", sk_file(*with_date("pada tanggal 31 Februari 2025")))
    assert finding.outcome is Outcome.FAIL
    assert finding.details is not None
    assert finding.details["missing"] == ["pada tanggal [tgl] [Bulan] [tahun]"]


def test_the_decree_date_is_the_signing_date_not_the_entry_into_force_clause() -> None:
    pages = with_date("pada tanggal 2 Januari 2025")
    assert "mulai berlaku pada tanggal ditetapkan" in pages[0]
    finding = run("decree-date", sk_file(*pages))
    assert finding.details == {"date": "2025-01-02"}


# -- keywords -----------------------------------------------------------------------------------

DECLARATION = (
    "SURAT PERNYATAAN\nPENCANANGAN PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA\n"
    "Yang bertanda tangan di bawah ini, Kepala Lembaga Pemasyarakatan Perempuan Kelas IIA "
    "Palembang, menyatakan siap melaksanakan pelayanan publik berbasis HAM."
)


@pytest.mark.parametrize(
    ("text", "params", "outcome", "missing"),
    [
        (DECLARATION, {"all": ["PERNYATAAN", "PENCANANGAN"]}, Outcome.PASS, None),
        (DECLARATION, {"all": ["pernyataan", "Pencanangan"]}, Outcome.PASS, None),
        (DECLARATION, {"all": ["PERNYATAAN", "PENETAPAN"]}, Outcome.FAIL, ["PENETAPAN"]),
        (DECLARATION, {"all": ["PAKTA", "PENETAPAN"]}, Outcome.FAIL, ["PAKTA", "PENETAPAN"]),
        (DECLARATION, {"any": ["PAKTA", "PERNYATAAN"]}, Outcome.PASS, None),
        (DECLARATION, {"any": ["PAKTA", "PENETAPAN"]}, Outcome.FAIL, ["PAKTA / PENETAPAN"]),
        (DECLARATION, {"all": ["PERNYATAAN"], "any": ["PAKTA", "HAM"]}, Outcome.PASS, None),
        (DECLARATION, {"all": ["SK"], "any": ["PAKTA"]}, Outcome.FAIL, ["SK", "PAKTA"]),
        (DECLARATION, {"all": ["hak asasi manusia"]}, Outcome.PASS, None),
        (DECLARATION, {"all": ["hak  asasi\nmanusia"]}, Outcome.PASS, None),
        ("Standar Operasional Prosedur (SOP) layanan", {"any": ["SOP"]}, Outcome.PASS, None),
        ("penanganan kasus operasional", {"any": ["SOP"]}, Outcome.FAIL, ["SOP"]),
        ("pelayanan yang optimal", {"all": ["TIM"]}, Outcome.FAIL, ["TIM"]),
        ("Kabupaten Ogan Komering Ulu Timur", {"all": ["TIM"]}, Outcome.FAIL, ["TIM"]),
        ("susunan keanggotaan tim pelaksana", {"all": ["TIM"]}, Outcome.PASS, None),
        ("SUSUNAN TIM:", {"all": ["TIM"]}, Outcome.PASS, None),
    ],
    ids=[
        "all-present",
        "all-any-case",
        "all-one-missing",
        "all-two-missing",
        "any-one-present",
        "any-none-present",
        "all-and-any-present",
        "all-and-any-missing",
        "phrase",
        "phrase-with-odd-spacing",
        "short-word-present",
        "short-word-across-words",
        "short-word-inside-a-word",
        "short-word-starting-a-word",
        "short-word-lower-case",
        "short-word-before-colon",
    ],
)
def test_keywords_all_must_appear_and_one_of_any(
    text: str, params: dict[str, Any], outcome: Outcome, missing: list[str] | None
) -> None:
    finding = run("keywords", sk_file(text), ctx(criterion_id="P2H-00-PENCANANGAN"), **params)
    assert finding.outcome is outcome
    assert finding.reason_code == ("keywords-ok" if missing is None else "keywords-missing")
    assert (finding.details or {}).get("missing") == missing


@pytest.mark.parametrize(
    ("on_missing", "outcome", "needs_review"),
    [
        ("fail", Outcome.FAIL, False),
        ("review", Outcome.WARN, True),
    ],
    ids=["fail", "review"],
)
def test_missing_keywords_fail_or_go_to_review_as_the_catalog_says(
    on_missing: str, outcome: Outcome, needs_review: bool
) -> None:
    finding = run("keywords", sk_file(DECLARATION), all=["SERTIFIKAT"], on_missing=on_missing)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        outcome,
        "keywords-missing",
        needs_review,
    )
    assert finding.details == {"missing": ["SERTIFIKAT"], "criterion": "P2H-00-SKTIM"}
    assert "P2H-00-SKTIM" in finding.message_id


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"all": [], "any": []},
        {"all": ["TIM"], "on_missing": "warn"},
        {"all": ["TIM"], "none": ["X"]},
        {"all": "TIM"},
    ],
    ids=["nothing", "both-empty", "unknown-on-missing", "unknown-parameter", "string-not-list"],
)
def test_keywords_parameters_are_validated(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CHECKS["keywords"].parse_params(params)


SK_ARSIP = (
    SK_DECREE_PAGE.replace("PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA (P2HAM)", "PENGELOLA ARSIP")
    .replace("PELAYANAN PUBLIK BERBASIS HAK\nASASI MANUSIA (P2HAM)", "PENGELOLA ARSIP")
    .replace("Tim Pelayanan Publik Berbasis Hak Asasi Manusia", "Tim Pengelola Arsip")
    .replace(
        "4. Peraturan Menteri Hukum dan Hak Asasi Manusia Nomor 25 Tahun 2023 tentang\n"
        "Pelayanan Publik Berbasis Hak Asasi Manusia;",
        "4. Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan;",
    )
)


def sktim_keywords(catalog: Catalog) -> dict[str, Any]:
    """The keyword parameters the shipped catalog gives the SK Tim criterion."""
    (requirement,) = catalog.leaves["P2H-00-SKTIM"].evidence
    (ref,) = [ref for ref in requirement.checks if ref.check == "keywords"]
    return ref.params


@pytest.mark.parametrize(
    ("pages", "outcome", "missing"),
    [
        (SK_PAGES, Outcome.PASS, None),
        (
            (SK_DECREE_PAGE.replace("(P2HAM)", ""), SK_ANNEX_PAGE.replace("(P2HAM)", "")),
            Outcome.PASS,
            None,
        ),
        (
            (SK_DECREE_PAGE.replace("PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA ", ""),),
            Outcome.PASS,
            None,
        ),
        (
            (SK_ARSIP,),
            Outcome.FAIL,
            ["P2HAM / PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA / PELAYANAN PUBLIK BERBASIS HAM"],
        ),
        ((SK_MAKLUMAT,), Outcome.FAIL, ["TIM"]),
    ],
    ids=[
        "sk-tim-p2ham",
        "sk-tim-without-abbreviation",
        "sk-tim-with-abbreviation-in-title",
        "sk-tim-arsip",
        "sk-maklumat-citing-permenkumham-25-2023",
    ],
)
def test_the_sk_tim_topic_needs_tim_and_p2ham(
    p2ham: Catalog, pages: tuple[str, ...], outcome: Outcome, missing: list[str] | None
) -> None:
    finding = run("keywords", sk_file(*pages), **sktim_keywords(p2ham))
    assert finding.outcome is outcome
    assert (finding.details or {}).get("missing") == missing


def test_the_other_decrees_are_well_formed_so_only_the_topic_tells_them_apart() -> None:
    for text in (SK_ARSIP, SK_MAKLUMAT):
        finding = run("decree-structure", sk_file(text))
        assert finding.outcome is Outcome.PASS, finding.details
