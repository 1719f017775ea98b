"""The naming convention of DOMAIN.md §7: parse_name token by token, and the file-name check."""

from __future__ import annotations

from typing import Any

import pytest

from rules.findings import Outcome
from rules.naming import NameProblem, ParsedName, canonical_name
from tests.support.facts import ctx, facts, parse_name, run


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "1671_KKPHAM_2025_KKP-05-S01_PERDA_01.pdf",
            ParsedName("1671", "KKPHAM", "2025", "KKP-05-S01", "PERDA", 1, "pdf"),
            id="kkpham-perda",
        ),
        pytest.param(
            "1604_AKSIHAM_2025-B08_A1_NOTULEN_01.pdf",
            ParsedName("1604", "AKSIHAM", "2025-B08", "A1", "NOTULEN", 1, "pdf"),
            id="aksiham-notulen",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.jpg",
            ParsedName("LPPPLG", "P2HAM", "2024", "P2H-02-LAKTASI", "FOTO", 2, "jpg"),
            id="p2ham-photo",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-00-SKTIM_SK_01.pdf",
            ParsedName("LPPPLG", "P2HAM", "2024", "P2H-00-SKTIM", "SK", 1, "pdf"),
            id="p2ham-sk",
        ),
        pytest.param(
            "16_AKSIHAM_2025-B12_A1_LAP_10.xlsx",
            ParsedName("16", "AKSIHAM", "2025-B12", "A1", "LAP", 10, "xlsx"),
            id="province-code-xlsx",
        ),
        pytest.param(
            "1601_AKSIHAM_2026-B04_A2_DATA_99.csv",
            ParsedName("1601", "AKSIHAM", "2026-B04", "A2", "DATA", 99, "csv"),
            id="aksiham-b04-csv",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpeg",
            ParsedName("LPPPLG", "P2HAM", "2025", "P2H-01-RAMP", "FOTO", 1, "jpeg"),
            id="jpeg-extension",
        ),
        pytest.param(
            "RUTANPLG_P2HAM_2025_P2H-02-LOKET_FOTO_03.png",
            ParsedName("RUTANPLG", "P2HAM", "2025", "P2H-02-LOKET", "FOTO", 3, "png"),
            id="png-extension",
        ),
    ],
)
def test_a_canonical_name_parses_into_its_tokens(name: str, expected: ParsedName) -> None:
    assert parse_name(name) == expected


@pytest.mark.parametrize(
    ("name", "token", "found"),
    [
        pytest.param(
            "lpplg_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "lpplg", id="unit-lower-case"
        ),
        pytest.param("X_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "X", id="unit-one-letter"),
        pytest.param(
            "LP-PLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg", "UNIT", "LP-PLG", id="unit-with-hyphen"
        ),
        pytest.param(
            "LAPASPEREMPUANPLG_P2HAM_2025_P2H-01-RAMP_FOTO_01.jpg",
            "UNIT",
            "LAPASPEREMPUANPLG",
            id="unit-too-long",
        ),
        pytest.param("1671_KKP_2025_KKP-05-S01_PERDA_01.pdf", "PROG", "KKP", id="prog-unknown"),
        pytest.param(
            "1671_kkpham_2025_KKP-05-S01_PERDA_01.pdf", "PROG", "kkpham", id="prog-lower-case"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025-B08_P2H-01-RAMP_FOTO_01.jpg",
            "PERIOD",
            "2025-B08",
            id="b-suffix-on-p2ham",
        ),
        pytest.param(
            "1604_AKSIHAM_2025_A1_NOTULEN_01.pdf", "PERIOD", "2025", id="aksiham-without-b"
        ),
        pytest.param(
            "1604_AKSIHAM_2025-B06_A1_NOTULEN_01.pdf",
            "PERIOD",
            "2025-B06",
            id="aksiham-unknown-b-code",
        ),
        pytest.param(
            "1604_AKSIHAM_1999-B08_A1_NOTULEN_01.pdf", "PERIOD", "1999-B08", id="period-before-2000"
        ),
        pytest.param(
            "1671_KKPHAM_25_KKP-05-S01_PERDA_01.pdf", "PERIOD", "25", id="period-two-digits"
        ),
        pytest.param(
            "1671_KKPHAM_2025_kkp-05-s01_PERDA_01.pdf", "CRIT", "kkp-05-s01", id="crit-lower-case"
        ),
        pytest.param(
            "1671_KKPHAM_2025_KKP-05-S01-A-B_PERDA_01.pdf",
            "CRIT",
            "KKP-05-S01-A-B",
            id="crit-too-many-parts",
        ),
        pytest.param(
            "1671_KKPHAM_2025_KKP.05.S01_PERDA_01.pdf", "CRIT", "KKP.05.S01", id="crit-with-dots"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_foto_02.jpg", "KIND", "foto", id="kind-lower-case"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_F_02.jpg", "KIND", "F", id="kind-one-letter"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO2_02.jpg", "KIND", "FOTO2", id="kind-with-digit"
        ),
        pytest.param("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_2.jpg", "SEQ", "2", id="seq-one-digit"),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_002.jpg", "SEQ", "002", id="seq-three-digits"
        ),
        pytest.param("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.gif", "ext", "gif", id="ext-gif"),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.JPG", "ext", "JPG", id="ext-upper-case"
        ),
        pytest.param("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02.docx", "ext", "docx", id="ext-docx"),
        pytest.param("LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02", "ext", "", id="ext-missing"),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO 02.jpg",
            "NAME",
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO 02.jpg",
            id="space",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTÖ_02.jpg",
            "NAME",
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTÖ_02.jpg",
            id="non-ascii",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-" + "X" * 64 + "_FOTO_02.jpg",
            "NAME",
            "101 karakter",
            id="over-100-characters",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_02.jpg", "NAME", "5 bagian", id="too-few-parts"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-02-LAKTASI_FOTO_02_X.jpg",
            "NAME",
            "7 bagian",
            id="too-many-parts",
        ),
        pytest.param("foto ruang laktasi.jpg", "NAME", "foto ruang laktasi.jpg", id="free-text"),
        pytest.param("IMG_20250315_080000.jpg", "NAME", "3 bagian", id="camera-name"),
    ],
)
def test_a_broken_name_says_which_token_is_wrong(name: str, token: str, found: str) -> None:
    problem = parse_name(name)
    assert isinstance(problem, NameProblem)
    assert (problem.token, problem.found) == (token, found)
    assert token in problem.text_id
    assert token in problem.text_en


@pytest.mark.parametrize(
    ("name", "expected_id", "expected_en"),
    [
        pytest.param(
            "1671_KKP_2025_KKP-05-S01_PERDA_01.pdf",
            "KKPHAM, P2HAM atau AKSIHAM",
            "KKPHAM, P2HAM or AKSIHAM",
            id="programmes-in-the-order-they-started",
        ),
        pytest.param(
            "1671_KKPHAM_25_KKP-05-S01_PERDA_01.pdf",
            "YYYY atau YYYY-B04/B08/B12",
            "YYYY or YYYY-B04/B08/B12",
            id="every-period-form",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025-B08_P2H-01-RAMP_FOTO_01.jpg",
            "YYYY tanpa akhiran B untuk P2HAM",
            "YYYY without a B suffix for P2HAM",
            id="b-suffix-on-a-yearly-programme",
        ),
        pytest.param(
            "1604_AKSIHAM_2025_A1_NOTULEN_01.pdf",
            "YYYY-B04/B08/B12 untuk AKSIHAM",
            "YYYY-B04/B08/B12 for AKSIHAM",
            id="aksiham-without-its-caturwulan",
        ),
    ],
)
def test_the_shipped_programmes_and_periods_are_named_in_the_problem(
    name: str, expected_id: str, expected_en: str
) -> None:
    problem = parse_name(name)
    assert isinstance(problem, NameProblem)
    assert (problem.expected_id, problem.expected_en) == (expected_id, expected_en)


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
        pytest.param(
            "1671_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf",
            {},
            "UNIT",
            "1671",
            "LPPPLG",
            id="another-unit",
        ),
        pytest.param(
            "LPPPLG_KKPHAM_2025_P2H-00-SKTIM_SK_01.pdf",
            {},
            "PROG",
            "KKPHAM",
            "P2HAM",
            id="another-programme",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2024_P2H-00-SKTIM_SK_01.pdf",
            {},
            "PERIOD",
            "2024",
            "2025",
            id="another-year",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025_P2H-02-LAKTASI_SK_01.pdf",
            {},
            "CRIT",
            "P2H-02-LAKTASI",
            "P2H-00-SKTIM",
            id="another-criterion",
        ),
        pytest.param(
            SKTIM,
            {"unit_code": "RUTANPLG"},
            "UNIT",
            "LPPPLG",
            "RUTANPLG",
            id="sent-to-another-unit",
        ),
        pytest.param(
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
            id="another-caturwulan",
        ),
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
        pytest.param(SKTIM, {}, id="sk-tim"),
        pytest.param(SKTIM, {"unit_code": "lppplg"}, id="lower-case-unit-in-context"),
        pytest.param(
            "1604_AKSIHAM_2025-B08_A1_NOTULEN_01.pdf",
            {
                "programme": "AKSIHAM",
                "period": "2025-B08",
                "unit_code": "1604",
                "criterion_id": "A1",
            },
            id="aksiham",
        ),
    ],
)
def test_a_canonical_name_that_agrees_with_its_submission_passes(
    name: str, context: dict[str, Any]
) -> None:
    finding = run("file-name", facts(name), ctx(**context))
    assert (finding.outcome, finding.reason_code) == (Outcome.PASS, "name-ok")


@pytest.mark.parametrize(
    ("name", "require_canonical", "outcome", "token"),
    [
        pytest.param("SK Tim P2HAM 2025.pdf", False, Outcome.WARN, "NAME", id="free-text-warns"),
        pytest.param(
            "SK Tim P2HAM 2025.pdf", True, Outcome.FAIL, "NAME", id="free-text-fails-when-required"
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_1.pdf",
            False,
            Outcome.WARN,
            "SEQ",
            id="short-seq-warns",
        ),
        pytest.param(
            "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_1.pdf",
            True,
            Outcome.FAIL,
            "SEQ",
            id="short-seq-fails-when-required",
        ),
        pytest.param("scan.PDF", False, Outcome.WARN, "ext", id="upper-case-extension-warns"),
        pytest.param(
            "lppplg_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf",
            False,
            Outcome.WARN,
            "UNIT",
            id="lower-case-unit-warns",
        ),
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
