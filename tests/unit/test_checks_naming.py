"""The naming convention of DOMAIN.md §7: parse_name token by token, and the file-name check."""

from __future__ import annotations

from typing import Any

import pytest

from rules.findings import Outcome
from rules.naming import NameProblem, ParsedName, canonical_name, parse_name
from tests.support.facts import ctx, facts, run


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "1671_KKPHAM_2025_KKP-05-S01_PERDA_01.pdf",
            ParsedName("1671", "KKPHAM", "2025", "KKP-05-S01", "PERDA", 1, "pdf"),
        ),
        (
            "1604_AKSIHAM_2025-B08_A1_NOTULEN_01.pdf",
            ParsedName("1604", "AKSIHAM", "2025-B08", "A1", "NOTULEN", 1, "pdf"),
        ),
        (
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.jpg",
            ParsedName("LPPPLG", "P2HAM", "2024", "P2H-02-LAKTASI", "FOTO", 2, "jpg"),
        ),
        (
            "LPPPLG_P2HAM_2024_P2H-00-SKTIM_SK_01.pdf",
            ParsedName("LPPPLG", "P2HAM", "2024", "P2H-00-SKTIM", "SK", 1, "pdf"),
        ),
        (
            "16_AKSIHAM_2025-B12_A1_LAP_10.xlsx",
            ParsedName("16", "AKSIHAM", "2025-B12", "A1", "LAP", 10, "xlsx"),
        ),
        (
            "1601_AKSIHAM_2026-B04_A2_DATA_99.csv",
            ParsedName("1601", "AKSIHAM", "2026-B04", "A2", "DATA", 99, "csv"),
        ),
        (
            "LPPPLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpeg",
            ParsedName("LPPPLG", "P2HAM", "2025", "P2H-01-RAMP", "FOTO", 1, "jpeg"),
        ),
        (
            "RUTANPLG_P2HAM_2025_P2H-02-LOKET_FOTO_03.png",
            ParsedName("RUTANPLG", "P2HAM", "2025", "P2H-02-LOKET", "FOTO", 3, "png"),
        ),
    ],
    ids=[
        "kkpham-perda",
        "aksiham-notulen",
        "p2ham-photo",
        "p2ham-sk",
        "province-code-xlsx",
        "aksiham-b04-csv",
        "jpeg-extension",
        "png-extension",
    ],
)
def test_a_canonical_name_parses_into_its_tokens(name: str, expected: ParsedName) -> None:
    assert parse_name(name) == expected


@pytest.mark.parametrize(
    ("name", "token", "found"),
    [
        ("lpplg_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "lpplg"),
        ("X_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "X"),
        ("LP-PLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "LP-PLG"),
        ("LAPASPEREMPUANPLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "LAPASPEREMPUANPLG"),
        ("1671_KKP_2025_KKP-05-S01_PERDA_01.pdf", "PROG", "KKP"),
        ("1671_kkpham_2025_KKP-05-S01_PERDA_01.pdf", "PROG", "kkpham"),
        ("LPPPLG_P2HAM_2025-B08_P2H-01-RAMP_FOTO_01.jpg", "PERIOD", "2025-B08"),
        ("1604_AKSIHAM_2025_A1_NOTULEN_01.pdf", "PERIOD", "2025"),
        ("1604_AKSIHAM_2025-B06_A1_NOTULEN_01.pdf", "PERIOD", "2025-B06"),
        ("1604_AKSIHAM_1999-B08_A1_NOTULEN_01.pdf", "PERIOD", "1999-B08"),
        ("1671_KKPHAM_25_KKP-05-S01_PERDA_01.pdf", "PERIOD", "25"),
        ("1671_KKPHAM_2025_kkp-05-s01_PERDA_01.pdf", "CRIT", "kkp-05-s01"),
        ("1671_KKPHAM_2025_KKP-05-S01-A-B_PERDA_01.pdf", "CRIT", "KKP-05-S01-A-B"),
        ("1671_KKPHAM_2025_KKP.05.S01_PERDA_01.pdf", "CRIT", "KKP.05.S01"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_foto_02.jpg", "KIND", "foto"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_F_02.jpg", "KIND", "F"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO2_02.jpg", "KIND", "FOTO2"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_2.jpg", "SEQ", "2"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_002.jpg", "SEQ", "002"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.gif", "ext", "gif"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.JPG", "ext", "JPG"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.docx", "ext", "docx"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02", "ext", ""),
        (
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO 02.jpg",
            "NAME",
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO 02.jpg",
        ),
        (
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTÖ_02.jpg",
            "NAME",
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTÖ_02.jpg",
        ),
        ("LPPPLG_P2HAM_2024_P2H-02-" + "X" * 64 + "_FOTO_02.jpg", "NAME", "101 karakter"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_02.jpg", "NAME", "5 bagian"),
        ("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02_X.jpg", "NAME", "7 bagian"),
        ("foto ruang laktasi.jpg", "NAME", "foto ruang laktasi.jpg"),
        ("IMG_20250315_080000.jpg", "NAME", "3 bagian"),
    ],
    ids=[
        "unit-lower-case",
        "unit-one-letter",
        "unit-with-hyphen",
        "unit-too-long",
        "prog-unknown",
        "prog-lower-case",
        "b-suffix-on-p2ham",
        "aksiham-without-b",
        "aksiham-unknown-b-code",
        "period-before-2000",
        "period-two-digits",
        "crit-lower-case",
        "crit-too-many-parts",
        "crit-with-dots",
        "kind-lower-case",
        "kind-one-letter",
        "kind-with-digit",
        "seq-one-digit",
        "seq-three-digits",
        "ext-gif",
        "ext-upper-case",
        "ext-docx",
        "ext-missing",
        "space",
        "non-ascii",
        "over-100-characters",
        "too-few-parts",
        "too-many-parts",
        "free-text",
        "camera-name",
    ],
)
def test_a_broken_name_says_which_token_is_wrong(name: str, token: str, found: str) -> None:
    problem = parse_name(name)
    assert isinstance(problem, NameProblem)
    assert (problem.token, problem.found) == (token, found)
    assert token in problem.text_id
    assert token in problem.text_en


def test_a_name_of_exactly_100_characters_is_accepted() -> None:
    name = "LPPPLG_P2HAM_2024_P2H-02-" + "X" * 63 + "_FOTO_02.jpg"
    assert len(name) == 100
    assert isinstance(parse_name(name), ParsedName)


def test_canonical_name_round_trips_a_parsed_name() -> None:
    name = "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.jpg"
    parsed = parse_name(name)
    assert isinstance(parsed, ParsedName)
    assert canonical_name(parsed) == name


SKTIM = "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf"


@pytest.mark.parametrize(
    ("name", "context", "token", "found", "expected"),
    [
        ("1671_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf", {}, "UNIT", "1671", "LPPPLG"),
        ("LPPPLG_KKPHAM_2025_P2H-00-SKTIM_SK_01.pdf", {}, "PROG", "KKPHAM", "P2HAM"),
        ("LPPPLG_P2HAM_2024_P2H-00-SKTIM_SK_01.pdf", {}, "PERIOD", "2024", "2025"),
        (
            "LPPPLG_P2HAM_2025_P2H-02-LAKTASI_SK_01.pdf",
            {},
            "CRIT",
            "P2H-02-LAKTASI",
            "P2H-00-SKTIM",
        ),
        (SKTIM, {"unit_code": "RUTANPLG"}, "UNIT", "LPPPLG", "RUTANPLG"),
        (
            "1604_AKSIHAM_2025-B04_A1_NOTULEN_01.pdf",
            {
                "programme": "AKSIHAM",
                "period": "2025-B08",
                "unit_code": "1604",
                "criterion_id": "A1",
            },
            "PERIOD",
            "2025-B04",
            "2025-B08",
        ),
    ],
    ids=[
        "another-unit",
        "another-programme",
        "another-year",
        "another-criterion",
        "sent-to-another-unit",
        "another-caturwulan",
    ],
)
def test_a_canonical_name_for_another_submission_fails_naming_the_token(
    name: str, context: dict[str, Any], token: str, found: str, expected: str
) -> None:
    finding = run("file-name", facts(name), ctx(**context))
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, "name-token-mismatch")
    assert finding.details == {"token": token, "found": found, "expected": expected}
    assert finding.location == {"token": token}
    assert f"'{found}'" in finding.message_id
    assert f"'{expected}'" in finding.message_en


@pytest.mark.parametrize(
    ("name", "context"),
    [
        (SKTIM, {}),
        (SKTIM, {"unit_code": "lppplg"}),
        (
            "1604_AKSIHAM_2025-B08_A1_NOTULEN_01.pdf",
            {
                "programme": "AKSIHAM",
                "period": "2025-B08",
                "unit_code": "1604",
                "criterion_id": "A1",
            },
        ),
    ],
    ids=["sk-tim", "lower-case-unit-in-context", "aksiham"],
)
def test_a_canonical_name_that_agrees_with_its_submission_passes(
    name: str, context: dict[str, Any]
) -> None:
    finding = run("file-name", facts(name), ctx(**context))
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "name-ok")


@pytest.mark.parametrize(
    ("name", "require_canonical", "outcome", "token"),
    [
        ("SK Tim P2HAM 2025.pdf", False, Outcome.WARN, "NAME"),
        ("SK Tim P2HAM 2025.pdf", True, Outcome.FAIL, "NAME"),
        ("LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_1.pdf", False, Outcome.WARN, "SEQ"),
        ("LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_1.pdf", True, Outcome.FAIL, "SEQ"),
        ("scan.PDF", False, Outcome.WARN, "ext"),
        ("lppplg_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf", False, Outcome.WARN, "UNIT"),
    ],
    ids=[
        "free-text-warns",
        "free-text-fails-when-required",
        "short-seq-warns",
        "short-seq-fails-when-required",
        "upper-case-extension-warns",
        "lower-case-unit-warns",
    ],
)
def test_a_non_canonical_name_warns_unless_the_catalog_requires_canonical_names(
    name: str, require_canonical: bool, outcome: Outcome, token: str
) -> None:
    finding = run("file-name", facts(name), require_canonical=require_canonical)
    assert (finding.outcome, finding.reason_code) == (outcome, "name-not-canonical")
    assert finding.location == {"token": token}
    assert not finding.needs_review
    assert "{UNIT}_{PROG}_{PERIOD}_{CRIT}_{KIND}_{SEQ}.{ext}" in finding.message_id
