"""Adding a programme is one catalog file: its names and periods parse with no code change."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from rules.binding import Binding, bind_file
from rules.catalog import CATALOG_DIR
from rules.catalogs import CatalogSet, lint_catalogs, load_catalogs
from rules.context import CheckContext
from rules.evaluation import evaluate_document
from rules.findings import Outcome
from rules.naming import NameProblem, ParsedName
from rules.periods import PeriodError
from tests.support.facts import facts, pdf

# A made-up programme reporting per semester, with codes no shipped catalog uses.
DESA_HAM = """\
programme: DESAHAM
name_id: Desa Sadar HAM
name_en: Human-rights-aware village
version: "2026.1"
legal_basis: none (a test programme)
valid_from: 2026-01-01
period: {type: sub-periods, codes: {S1: [1, 6], S2: [7, 12]}}
file_checks: [file-size, mime-allowed, extension-matches, file-name]
evidence_kinds:
  report_pdf:
    name_id: Laporan kegiatan
    name_en: Activity report
    codes: [LAPDESA]
    mime: [application/pdf]
    extensions: [pdf]
    checks: [pdf-opens]
criteria:
  - id: DSH-01
    name_id: Laporan semester
    name_en: Semester report
    evidence: [{kind: report_pdf, min: 1}]
"""
NAME = "1671_DESAHAM_2026-S2_DSH-01_LAPDESA_01.pdf"


@pytest.fixture
def with_desaham(tmp_path: Path) -> CatalogSet:
    for path in CATALOG_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    (tmp_path / "desaham.yaml").write_text(DESA_HAM, encoding="utf-8")
    assert lint_catalogs(tmp_path) == []
    return load_catalogs(tmp_path)


def test_the_new_programme_is_selected_with_its_own_sub_periods(with_desaham: CatalogSet) -> None:
    catalog, period = with_desaham.select("DESAHAM", "2026-S2")
    assert catalog.programme == "DESAHAM"
    assert (period.start, period.end) == (date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(PeriodError, match=r"expected YYYY-S1\|S2, e.g. 2025-S1"):
        with_desaham.select("DESAHAM", "2026-B08")


def test_its_canonical_names_parse_and_bind(with_desaham: CatalogSet) -> None:
    naming = with_desaham.naming
    assert naming.parse(NAME) == ParsedName(
        "1671", "DESAHAM", "2026-S2", "DSH-01", "LAPDESA", 1, "pdf"
    )
    catalog, _ = with_desaham.select("DESAHAM", "2026-S2")
    bound = bind_file(catalog, naming, criterion=None, kind=None, name=NAME)
    assert bound == Binding("DSH-01", "name", "report_pdf", "name", "LAPDESA")


@pytest.mark.parametrize(
    ("name", "token", "expected_id"),
    [
        pytest.param(
            "1671_DESAHAM_2026_DSH-01_LAPDESA_01.pdf",
            "PERIOD",
            "YYYY-S1/S2 untuk DESAHAM",
            id="year-without-its-semester",
        ),
        pytest.param(
            "1671_DESAHAM_2026-B08_DSH-01_LAPDESA_01.pdf",
            "PERIOD",
            "YYYY-S1/S2 untuk DESAHAM",
            id="another-programmes-sub-period",
        ),
        pytest.param(
            "1671_P2HAM_2026-S1_P2H-01-RAMP_FOTO_01.jpg",
            "PERIOD",
            "YYYY tanpa akhiran S untuk P2HAM",
            id="its-semester-on-a-yearly-programme",
        ),
        pytest.param(
            "1671_DESA_2026-S1_DSH-01_LAPDESA_01.pdf",
            "PROG",
            "KKPHAM, P2HAM, AKSIHAM atau DESAHAM",
            id="unknown-programme-lists-it",
        ),
        pytest.param(
            "1671_DESAHAM_2026-S3_DSH-01_LAPDESA_01.pdf",
            "PERIOD",
            "YYYY atau YYYY-B04/B08/B12 atau YYYY-S1/S2",
            id="unknown-sub-period",
        ),
    ],
)
def test_names_that_do_not_fit_it_say_what_would(
    with_desaham: CatalogSet, name: str, token: str, expected_id: str
) -> None:
    problem = with_desaham.naming.parse(name)
    assert isinstance(problem, NameProblem)
    assert (problem.token, problem.expected_id) == (token, expected_id)


def test_its_documents_are_checked_with_its_name_convention(with_desaham: CatalogSet) -> None:
    catalog, period = with_desaham.select("DESAHAM", "2026-S2")
    ctx = CheckContext(
        programme="DESAHAM",
        period=str(period),
        unit_code="1671",
        criterion_id="DSH-01",
        window_start=period.start,
        window_end=period.end,
        naming=with_desaham.naming,
    )
    verdict = evaluate_document(catalog, facts(NAME, pdf=pdf("Laporan")), ctx, kind_code="LAPDESA")
    outcomes = {f.check_id: (f.outcome, f.reason_code) for f in verdict.findings}
    assert outcomes["file-name"] == (Outcome.PASS, "name-ok")
    assert verdict.kind == "report_pdf"
