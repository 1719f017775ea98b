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
        pytest.param(r"\bkeputusan\b", "Ketetapan", "KEPUTUSAN", id="keputusan"),
        pytest.param(r"\bnomor\b", "No.", "NOMOR", id="nomor"),
        pytest.param(r"\btentang\b", "mengenai", "TENTANG", id="tentang"),
        pytest.param(r"Menimbang :", "", "Menimbang", id="menimbang"),
        pytest.param(r"Mengingat :", "", "Mengingat", id="mengingat"),
        pytest.param(r"MEMUTUSKAN:\n", "", "MEMUTUSKAN", id="memutuskan"),
        pytest.param(r"\bmenetapkan\b", "membuat", "Menetapkan", id="menetapkan"),
        pytest.param(r"KESATU :", "", "KESATU/PERTAMA", id="kesatu"),
        pytest.param(r"Ditetapkan di Palembang\n", "", "Ditetapkan di", id="ditetapkan-di"),
        pytest.param(
            r"pada tanggal 15 Maret 2025",
            "15 Maret 2025",
            "pada tanggal [tgl] [Bulan] [tahun]",
            id="pada-tanggal",
        ),
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
        pytest.param(
            r"MEMUTUSKAN:", "M E M U T U S K A N :", id="letter-spaced-memutuskan-with-colon"
        ),
        pytest.param(r"MEMUTUSKAN:", "M E M U T U S K A N", id="letter-spaced-memutuskan"),
        pytest.param(r"MEMUTUSKAN:", "MEMUTUSKAN :", id="memutuskan-space-colon"),
        pytest.param(r"Menimbang :", "Menimbang:", id="menimbang-no-space"),
        pytest.param(r"Menimbang :", "Menimbang  :  ", id="menimbang-wide-spaces"),
        pytest.param(r"Mengingat :", "Mengingat:", id="mengingat-no-space"),
        pytest.param(r"Menetapkan :", "Menetapkan:", id="menetapkan-no-space"),
        pytest.param(r"KESATU :", "PERTAMA :", id="pertama-for-kesatu"),
        pytest.param(r"KESATU :", "KESATU:", id="kesatu-no-space"),
        pytest.param(r"MEMUTUSKAN:", "MEMUTUS-\nKAN:", id="hyphen-break-memutuskan"),
        pytest.param(r"Menimbang :", "Menim-\nbang :", id="hyphen-break-menimbang"),
        pytest.param(r"Ditetapkan di", "Dite-\ntapkan di", id="hyphen-break-ditetapkan"),
        pytest.param(r"KEPUTUSAN KEPALA", "KEPU-\n  TUSAN KEPALA", id="hyphen-break-with-indent"),
        pytest.param(
            r"Ditetapkan di Palembang\npada",
            "Ditetapkan di Palembang pada",
            id="place-and-date-on-one-line",
        ),
        pytest.param(r"pada tanggal 15", "pada tanggal\n15", id="date-on-next-line"),
        pytest.param(r"pada tanggal 15", "pada tanggal : 15", id="date-after-colon"),
        pytest.param(r"pada tanggal 15 Maret", "pada tanggal 15 MARET", id="month-upper-case"),
        pytest.param(r"Menimbang : a\.", "Menimbang:a.", id="menimbang-glued-to-list"),
        pytest.param(r" ", "\u00a0", id="non-breaking-spaces"),
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
        pytest.param(tuple(page.lower() for page in SK_PAGES), id="lower-case"),
        pytest.param(tuple(page.upper() for page in SK_PAGES), id="upper-case"),
        pytest.param((SK_DECREE_PAGE,), id="decree-page-only"),
        pytest.param(("\n".join(SK_PAGES),), id="one-page"),
    ],
)
def test_the_structure_check_ignores_case_and_page_breaks(pages: tuple[str, ...]) -> None:
    finding = run("decree-structure", sk_file(*pages))
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "decree-ok")


@pytest.mark.parametrize(
    ("check_id", "reason"),
    [
        pytest.param("decree-structure", "decree-no-text", id="structure"),
        pytest.param("decree-date", "decree-no-text", id="date"),
        pytest.param("keywords", "keywords-no-text", id="keywords"),
    ],
)
@pytest.mark.parametrize(
    "pdf_facts",
    [
        pytest.param(pdf(page_count=2), id="scan"),
        pytest.param(pdf("", " \n ", ""), id="blank-text"),
        pytest.param(PdfFacts(opened=False, error="pdf-broken"), id="broken"),
        pytest.param(None, id="not-a-pdf"),
    ],
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
        pytest.param(SK_PAGES, 0, 7, id="no-minimum"),
        pytest.param(SK_PAGES, 7, 7, id="at-minimum"),
        pytest.param((NO_RAHMAT,), 6, 6, id="one-fewer-at-its-minimum"),
    ],
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
        pytest.param(SK_PAGES, 8, 7, id="all-but-e-signature"),
        pytest.param((NO_RAHMAT,), 7, 6, id="no-rahmat"),
        pytest.param(
            (SK_DECREE_PAGE.split("Tembusan:")[0].replace("NIP. 19661018 199203 1 001", ""),),
            7,
            5,
            id="no-nip-no-tembusan",
        ),
    ],
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
        pytest.param("pada tanggal 15 Maret 2025", WINDOW_2025, {}, "2025-03-15", id="march-2025"),
        pytest.param("pada tanggal 1 Januari 2025", WINDOW_2025, {}, "2025-01-01", id="first-day"),
        pytest.param("pada tanggal 31 Desember 2025", WINDOW_2025, {}, "2025-12-31", id="last-day"),
        pytest.param(
            "pada tanggal 02 Mei 2025", WINDOW_2025, {}, "2025-05-02", id="leading-zero-day"
        ),
        pytest.param("PADA TANGGAL 15 MARET 2025", WINDOW_2025, {}, "2025-03-15", id="upper-case"),
        pytest.param("pada tanggal : 15 Maret 2025", WINDOW_2025, {}, "2025-03-15", id="colon"),
        pytest.param(
            "pada tanggal\n15 Maret\n2025", WINDOW_2025, {}, "2025-03-15", id="line-breaks"
        ),
        pytest.param(
            "p a d a  t a n g g a l  1 5  M a r e t  2 0 2 5",
            WINDOW_2025,
            {},
            "2025-03-15",
            id="letter-spaced",
        ),
        pytest.param(
            "pada tanggal 10 Juni 2023",
            WINDOW_2025,
            {"years_before": 2},
            "2023-06-10",
            id="two-years-before-allowed",
        ),
        pytest.param(
            "pada tanggal 1 Januari 2023",
            WINDOW_2025,
            {"years_before": 2},
            "2023-01-01",
            id="first-day-of-widened-window",
        ),
        pytest.param(
            "pada tanggal 29 Februari 2024",
            WINDOW_2025,
            {"years_before": 1},
            "2024-02-29",
            id="leap-day-year-before",
        ),
        pytest.param(
            "pada tanggal 5 Januari 2026",
            WINDOW_2025,
            {"years_after": 1},
            "2026-01-05",
            id="year-after-allowed",
        ),
        pytest.param(
            "pada tanggal 17 Agustus 2025", WINDOW_B08, {}, "2025-08-17", id="inside-caturwulan"
        ),
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
        pytest.param(
            "pada tanggal 15 Maret 2019",
            WINDOW_2025,
            {},
            "2019-03-15",
            "2025-01-01",
            "2025-12-31",
            id="2019",
        ),
        pytest.param(
            "pada tanggal 31 Desember 2024",
            WINDOW_2025,
            {},
            "2024-12-31",
            "2025-01-01",
            "2025-12-31",
            id="day-before-window",
        ),
        pytest.param(
            "pada tanggal 1 Januari 2026",
            WINDOW_2025,
            {},
            "2026-01-01",
            "2025-01-01",
            "2025-12-31",
            id="day-after-window",
        ),
        pytest.param(
            "pada tanggal 31 Desember 2022",
            WINDOW_2025,
            {"years_before": 2},
            "2022-12-31",
            "2023-01-01",
            "2025-12-31",
            id="before-widened-window",
        ),
        pytest.param(
            "pada tanggal 15 Maret 2019",
            WINDOW_2025,
            {"years_before": 2},
            "2019-03-15",
            "2023-01-01",
            "2025-12-31",
            id="2019-with-two-years-before",
        ),
        pytest.param(
            "pada tanggal 2 Januari 2027",
            WINDOW_2025,
            {"years_after": 1},
            "2027-01-02",
            "2025-01-01",
            "2026-12-31",
            id="after-widened-window",
        ),
        pytest.param(
            "pada tanggal 30 April 2025",
            WINDOW_B08,
            {},
            "2025-04-30",
            "2025-05-01",
            "2025-08-31",
            id="previous-caturwulan",
        ),
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
        pytest.param("", id="no-date-line"),
        pytest.param("pada tanggal", id="no-date-after-phrase"),
        pytest.param("pada tanggal 31 Februari 2025", id="31-februari"),
        pytest.param("pada tanggal 30 Februari 2024", id="30-februari-leap-year"),
        pytest.param("pada tanggal 29 Februari 2025", id="29-februari-common-year"),
        pytest.param("pada tanggal 31 April 2025", id="31-april"),
        pytest.param("pada tanggal 0 Maret 2025", id="day-zero"),
        pytest.param("pada tanggal 15 March 2025", id="english-month"),
        pytest.param("pada tanggal 15-03-2025", id="numeric-date"),
        pytest.param("pada tanggal 15 Maret 25", id="two-digit-year"),
        pytest.param("pada tanggal ... Maret 2025", id="blank-day-of-a-draft"),
        pytest.param("15 Maret 2025", id="date-without-pada-tanggal"),
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
        pytest.param(
            DECLARATION,
            {"all": ["PERNYATAAN", "PENCANANGAN"]},
            Outcome.PASS,
            None,
            id="all-present",
        ),
        pytest.param(
            DECLARATION,
            {"all": ["pernyataan", "Pencanangan"]},
            Outcome.PASS,
            None,
            id="all-any-case",
        ),
        pytest.param(
            DECLARATION,
            {"all": ["PERNYATAAN", "PENETAPAN"]},
            Outcome.FAIL,
            ["PENETAPAN"],
            id="all-one-missing",
        ),
        pytest.param(
            DECLARATION,
            {"all": ["PAKTA", "PENETAPAN"]},
            Outcome.FAIL,
            ["PAKTA", "PENETAPAN"],
            id="all-two-missing",
        ),
        pytest.param(
            DECLARATION, {"any": ["PAKTA", "PERNYATAAN"]}, Outcome.PASS, None, id="any-one-present"
        ),
        pytest.param(
            DECLARATION,
            {"any": ["PAKTA", "PENETAPAN"]},
            Outcome.FAIL,
            ["PAKTA / PENETAPAN"],
            id="any-none-present",
        ),
        pytest.param(
            DECLARATION,
            {"all": ["PERNYATAAN"], "any": ["PAKTA", "HAM"]},
            Outcome.PASS,
            None,
            id="all-and-any-present",
        ),
        pytest.param(
            DECLARATION,
            {"all": ["SK"], "any": ["PAKTA"]},
            Outcome.FAIL,
            ["SK", "PAKTA"],
            id="all-and-any-missing",
        ),
        pytest.param(DECLARATION, {"all": ["hak asasi manusia"]}, Outcome.PASS, None, id="phrase"),
        pytest.param(
            DECLARATION,
            {"all": ["hak  asasi\nmanusia"]},
            Outcome.PASS,
            None,
            id="phrase-with-odd-spacing",
        ),
        pytest.param(
            "Standar Operasional Prosedur (SOP) layanan",
            {"any": ["SOP"]},
            Outcome.PASS,
            None,
            id="short-word-present",
        ),
        pytest.param(
            "penanganan kasus operasional",
            {"any": ["SOP"]},
            Outcome.FAIL,
            ["SOP"],
            id="short-word-across-words",
        ),
        pytest.param(
            "pelayanan yang optimal",
            {"all": ["TIM"]},
            Outcome.FAIL,
            ["TIM"],
            id="short-word-inside-a-word",
        ),
        pytest.param(
            "Kabupaten Ogan Komering Ulu Timur",
            {"all": ["TIM"]},
            Outcome.FAIL,
            ["TIM"],
            id="short-word-starting-a-word",
        ),
        pytest.param(
            "susunan keanggotaan tim pelaksana",
            {"all": ["TIM"]},
            Outcome.PASS,
            None,
            id="short-word-lower-case",
        ),
        pytest.param(
            "SUSUNAN TIM:", {"all": ["TIM"]}, Outcome.PASS, None, id="short-word-before-colon"
        ),
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
        pytest.param("fail", Outcome.FAIL, False, id="fail"),
        pytest.param("review", Outcome.WARN, True, id="review"),
    ],
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
        pytest.param({}, id="nothing"),
        pytest.param({"all": [], "any": []}, id="both-empty"),
        pytest.param({"all": ["TIM"], "on_missing": "warn"}, id="unknown-on-missing"),
        pytest.param({"all": ["TIM"], "none": ["X"]}, id="unknown-parameter"),
        pytest.param({"all": "TIM"}, id="string-not-list"),
    ],
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
        pytest.param(SK_PAGES, Outcome.PASS, None, id="sk-tim-p2ham"),
        pytest.param(
            (SK_DECREE_PAGE.replace("(P2HAM)", ""), SK_ANNEX_PAGE.replace("(P2HAM)", "")),
            Outcome.PASS,
            None,
            id="sk-tim-without-abbreviation",
        ),
        pytest.param(
            (SK_DECREE_PAGE.replace("PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA ", ""),),
            Outcome.PASS,
            None,
            id="sk-tim-with-abbreviation-in-title",
        ),
        pytest.param(
            (SK_ARSIP,),
            Outcome.FAIL,
            ["P2HAM / PELAYANAN PUBLIK BERBASIS HAK ASASI MANUSIA / PELAYANAN PUBLIK BERBASIS HAM"],
            id="sk-tim-arsip",
        ),
        pytest.param(
            (SK_MAKLUMAT,), Outcome.FAIL, ["TIM"], id="sk-maklumat-citing-permenkumham-25-2023"
        ),
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
