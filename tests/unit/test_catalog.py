"""Catalogs as data: the shipped ones load and lint clean; a mistake names its file and path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rules.binding import Binding, bind_file, kinds_by_code
from rules.catalog import CATALOG_DIR, Catalog, CatalogError, load_catalog_file
from rules.catalogs import (
    CatalogSet,
    NoCatalogForYear,
    UnknownProgramme,
    lint_catalogs,
    load_catalogs,
)
from rules.periods import PeriodError

P2HAM_YAML = (CATALOG_DIR / "p2ham.yaml").read_text(encoding="utf-8")


def test_every_shipped_catalog_loads(catalogs: CatalogSet) -> None:
    shipped = sorted(CATALOG_DIR.glob("*.yaml"))
    assert shipped
    assert len(catalogs.catalogs) == len(shipped)
    assert "P2HAM" in catalogs.programmes()


def test_every_shipped_catalog_lints_clean() -> None:
    assert lint_catalogs() == []


def _canonical_names(catalog: Catalog) -> Iterator[tuple[str, str, str, bool]]:
    """(name, criterion, kind, whether the kind code is ambiguous) for every leaf and code."""
    codes = catalog.period.codes
    period = f"{catalog.valid_from.year}-{next(iter(codes))}" if codes else "2025"
    for leaf in catalog.leaves.values():
        for req in leaf.evidence:
            kind = catalog.evidence_kinds[req.kind]
            for code in kind.codes:
                ext = kind.extensions[0]
                name = f"LPPPLG_{catalog.programme}_{period}_{leaf.id}_{code}_01.{ext}"
                yield name, leaf.id, req.kind, len(kinds_by_code(catalog, leaf, code)) > 1


def test_every_shipped_criterion_and_kind_code_can_be_written_in_a_canonical_name(
    catalogs: CatalogSet,
) -> None:
    # The loader accepts any criterion id and kind code; the naming convention is narrower
    # (KIND is 2–10 letters, the name at most 100 characters). A file named by the convention
    # must bind back to its criterion and, where the code is unambiguous, to its kind.
    for catalog in catalogs.catalogs:
        for name, criterion, kind, ambiguous in _canonical_names(catalog):
            bound = bind_file(catalog, catalogs.naming, criterion=None, kind=None, name=name)
            assert isinstance(bound, Binding), (name, bound)
            assert (bound.criterion_id, bound.criterion_source) == (criterion, "name")
            assert bound.kind == (None if ambiguous else kind), name


def write_catalog(directory: Path, old: str, new: str, name: str = "p2ham.yaml") -> Path:
    """A copy of the shipped P2HAM catalog with the first `old` replaced by `new`."""
    assert old in P2HAM_YAML, old
    path = directory / name
    path.write_text(P2HAM_YAML.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        pytest.param(
            "  - mime-allowed\n",
            "  - mime-alowed\n",
            "at file_checks[1]",
            "unknown check 'mime-alowed'",
            id="unknown-file-check",
        ),
        pytest.param(
            "      - decree-structure\n",
            "      - decree-structur\n",
            "at evidence_kinds.sk_decree_pdf.checks[3]",
            "unknown check 'decree-structur'",
            id="unknown-kind-check",
        ),
        pytest.param(
            "- keywords: {all: [TIM]",
            "- keyword: {all: [TIM]",
            "at criteria[P2H-00-SKTIM].evidence[0].checks[0]",
            "unknown check 'keyword'",
            id="unknown-criterion-check",
        ),
        pytest.param(
            "image-resolution: {min_side: 400,",
            "image-resolution: {min_side: -1,",
            "at evidence_kinds.facility_photo.checks[1].params.min_side",
            "greater than or equal to 1",
            id="negative-min-side",
        ),
        pytest.param(
            "file-size: {max_mb: 10,",
            "file-size: {max_mb: ten,",
            "at file_checks[0].params.max_mb",
            "valid number",
            id="max-mb-not-a-number",
        ),
        pytest.param(
            "image-resolution: {min_side: 400, warn_below: 800}",
            "image-resolution: {min_side: 800, warn_below: 400}",
            "at evidence_kinds.facility_photo.checks[1].params",
            "warn_below must be at least min_side",
            id="warn-below-under-min-side",
        ),
        pytest.param(
            "decree-date: {years_before: 2}",
            "decree-date: {years_ago: 2}",
            "at evidence_kinds.sk_decree_pdf.checks[4].params.years_ago",
            "Extra inputs",
            id="unknown-parameter",
        ),
        pytest.param(
            "  - mime-allowed\n",
            "  - mime-allowed: {strict: true}\n",
            "at file_checks[1].params.strict",
            "Extra inputs",
            id="parameter-for-a-check-without-any",
        ),
        pytest.param(
            "keywords: {all: [PERNYATAAN, PENCANANGAN]}",
            "keywords: {}",
            "at evidence_kinds.declaration_pdf.checks[3].params",
            "keywords needs 'all' or 'any'",
            id="keywords-without-words",
        ),
        pytest.param(
            "on_missing: review}",
            "on_missing: maybe}",
            "at evidence_kinds.sop_or_standard_pdf.checks[3].params.on_missing",
            "'fail' or 'review'",
            id="unknown-on-missing",
        ),
        pytest.param(
            "checks: [pdf-opens, pdf-text-layer, pdf-risky-content, file-reused]",
            "checks: []",
            "at evidence_kinds.report_pdf",
            "no check covers this evidence kind",
            id="evidence-kind-without-checks",
        ),
        pytest.param(
            "{kind: facility_photo, min: 1}, {kind: sop_or_standard_pdf, min: 0}",
            "{kind: facility_photo, min: 1}",
            "at evidence_kinds.sop_or_standard_pdf",
            "no criterion asks for it",
            id="evidence-kind-nobody-asks-for",
        ),
    ],
)
def test_a_check_mistake_in_a_catalog_fails_with_file_and_path(
    tmp_path: Path, old: str, new: str, where: str, what: str
) -> None:
    path = write_catalog(tmp_path, old, new)
    (problem,) = lint_catalogs(tmp_path)
    assert problem.startswith(f"{path}: {where}"), problem
    assert what in problem
    with pytest.raises(CatalogError) as raised:
        load_catalogs(tmp_path)
    assert str(raised.value) == problem


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        pytest.param(
            "{id: P2H-01-RAMBU,",
            "{id: P2H-01-RAMP,",
            "criteria[2].items[3]",
            "duplicate criterion id P2H-01-RAMP",
            id="duplicate-item-id",
        ),
        pytest.param(
            "  - id: P2H-03\n",
            "  - id: P2H-00-SKTIM\n",
            "criteria[4]",
            "duplicate criterion id P2H-00-SKTIM",
            id="duplicate-top-level-id",
        ),
        pytest.param(
            "- {kind: report_pdf, min: 0, note: berita",
            "- {kind: minutes_pdf, min: 0, note: berita",
            "criteria[0].evidence[2].kind",
            "unknown evidence kind 'minutes_pdf'",
            id="unknown-kind-in-a-criterion",
        ),
        pytest.param(
            "{id: P2H-02-IBADAH, name_id: Tempat ibadah, name_en: Prayer room, evidence: [{kind: "
            "facility_photo",
            "{id: P2H-02-IBADAH, name_id: Tempat ibadah, name_en: Prayer room, "
            "evidence: [{kind: prayer_photo",
            "criteria[3].items[8].evidence[0].kind",
            "unknown evidence kind 'prayer_photo'",
            id="unknown-kind-in-an-item",
        ),
        pytest.param(
            "file_checks:\n",
            "reviewers: [kanwil]\nfile_checks:\n",
            "at reviewers",
            "Extra inputs are not permitted",
            id="unknown-top-level-key",
        ),
        pytest.param(
            "    confirmed: false\n    note: the operator",
            "    confirmd: false\n    note: the operator",
            "at criteria.1.confirmd",
            "Extra inputs are not permitted",
            id="misspelt-criterion-key",
        ),
        pytest.param(
            "    codes: [SK]\n",
            "    code: [SK]\n",
            "at evidence_kinds.sk_decree_pdf.codes",
            "Field required",
            id="missing-evidence-kind-field",
        ),
        pytest.param(
            "  - id: P2H-00-SKTIM\n",
            "  - id: p2h-00-sktim\n",
            "at criteria.1.id",
            "should match pattern",
            id="lower-case-criterion-id",
        ),
        pytest.param(
            "evidence: [{kind: facility_photo, min: 2}]}",
            "evidence: [{kind: facility_photo, min: -2}]}",
            "at criteria.2.items.0.evidence.0.min",
            "greater than or equal to 0",
            id="negative-minimum",
        ),
        pytest.param(
            "programme: P2HAM\n",
            "programme: p2ham\n",
            "at programme",
            "should match pattern",
            id="lower-case-programme",
        ),
        pytest.param(
            "programme: P2HAM\n",
            "programme: P2_HAM\n",
            "at programme",
            "should match pattern",
            id="programme-that-would-split-a-file-name",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: year, codes: {B04: [1, 4]}}",
            "at period",
            "a yearly period has no codes",
            id="yearly-period-with-codes",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: sub-periods}",
            "at period",
            "a sub-period form needs its codes",
            id="sub-periods-without-codes",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: sub-periods, codes: {b04: [1, 4]}}",
            "at period",
            "sub-period code 'b04'",
            id="lower-case-sub-period-code",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: sub-periods, codes: {B04: [5, 4]}}",
            "at period",
            "sub-period B04: months 5–4 are not within 1–12",
            id="sub-period-ending-before-it-starts",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: sub-periods, codes: {B13: [9, 13]}}",
            "at period",
            "sub-period B13: months 9–13 are not within 1–12",
            id="sub-period-past-december",
        ),
        pytest.param(
            "period: {type: year}",
            "period: {type: caturwulan, codes: {B04: [1, 4]}}",
            "at period.type",
            "'year' or 'sub-periods'",
            id="unknown-period-type",
        ),
    ],
)
def test_a_structural_mistake_in_a_catalog_fails_with_file_and_path(
    tmp_path: Path, old: str, new: str, where: str, what: str
) -> None:
    path = write_catalog(tmp_path, old, new)
    with pytest.raises(CatalogError) as raised:
        load_catalog_file(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: invalid catalog"), message
    assert where in message
    assert what in message
    assert lint_catalogs(tmp_path) == [message]


@pytest.mark.parametrize(
    ("text", "what"),
    [
        pytest.param(
            P2HAM_YAML.replace("period: {type: year}", "period: {type: year"),
            "not valid YAML",
            id="unclosed-flow-mapping",
        ),
        pytest.param(
            P2HAM_YAML.replace("  - mime-allowed\n", "   - mime-allowed\n"),
            "not valid YAML",
            id="bad-indentation",
        ),
        pytest.param(
            P2HAM_YAML.replace("valid_from: 2024-01-01", "valid_from: 2024-13-01"),
            "not valid YAML",
            id="impossible-date",
        ),
        pytest.param(
            P2HAM_YAML.replace("\n  - mime-allowed", "\n\t- mime-allowed"),
            "not valid YAML",
            id="tab-indentation",
        ),
        pytest.param(
            "- programme: P2HAM\n", "a catalog is a mapping at the top level", id="a-list"
        ),
        pytest.param("", "a catalog is a mapping at the top level", id="empty-file"),
        pytest.param(
            "!!python/object:os.system {}\n", "not valid YAML", id="python-tag-refused-by-safe-load"
        ),
    ],
)
def test_a_file_that_is_not_a_yaml_mapping_fails_with_its_name(
    tmp_path: Path, text: str, what: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalogs(tmp_path)
    assert str(raised.value).startswith(f"{path}: {what}")


def test_invalid_yaml_says_where_in_the_file(tmp_path: Path) -> None:
    write_catalog(tmp_path, "period: {type: year}", "period: {type: year")
    (problem,) = lint_catalogs(tmp_path)
    assert re.search(r"line \d+, column \d+", problem), problem


def test_every_broken_file_is_reported_not_only_the_first(tmp_path: Path) -> None:
    first = write_catalog(tmp_path, "  - mime-allowed\n", "  - mime-alowed\n", name="a.yaml")
    second = write_catalog(tmp_path, "programme: P2HAM\n", "programme: p2h\n", name="b.yaml")
    problems = lint_catalogs(tmp_path)
    assert [p.split(":")[0] for p in problems] == [str(first), str(second)]


def test_two_catalogs_of_one_programme_must_not_cover_the_same_year(tmp_path: Path) -> None:
    write_catalog(tmp_path, "valid_to: null", "valid_to: 2024-12-31", name="p2ham-2024.yaml")
    later = write_catalog(
        tmp_path, "valid_from: 2024-01-01", "valid_from: 2024-06-01", name="p2ham-2025.yaml"
    )
    (problem,) = lint_catalogs(tmp_path)
    assert problem.startswith(f"{later}: P2HAM years overlap")


def test_an_empty_catalog_directory_is_a_problem(tmp_path: Path) -> None:
    assert lint_catalogs(tmp_path) == [f"{tmp_path}: no catalog files"]


def test_the_ruleset_version_is_stable_across_loads(tmp_path: Path) -> None:
    first = load_catalogs().catalogs
    second = load_catalogs().catalogs
    assert [c.ruleset_version for c in first] == [c.ruleset_version for c in second]
    # comments and layout are not content
    write_catalog(tmp_path, "# P2HAM", "# Catalog of P2HAM")
    (copy,) = load_catalogs(tmp_path).catalogs
    assert copy.ruleset_version == load_catalog_file(CATALOG_DIR / "p2ham.yaml").ruleset_version
    assert re.fullmatch(r"P2HAM-2024\.1\+[0-9a-f]{12}", copy.ruleset_version)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            "{min_side: 400, warn_below: 800}",
            "{min_side: 400, warn_below: 1000}",
            id="a-parameter",
        ),
        pytest.param(
            "{kind: facility_photo, min: 2}]}", "{kind: facility_photo, min: 3}]}", id="a-minimum"
        ),
        pytest.param("keywords: {all: [TIM]", "keywords: {all: [TIM, KEPUTUSAN]", id="a-keyword"),
        pytest.param("name_en: Lactation room", "name_en: Nursing room", id="a-label"),
        pytest.param("  - file-name\n", "", id="a-check-removed"),
    ],
)
def test_the_ruleset_version_changes_when_the_content_changes(
    tmp_path: Path, old: str, new: str
) -> None:
    shipped = load_catalog_file(CATALOG_DIR / "p2ham.yaml")
    changed = load_catalog_file(write_catalog(tmp_path, old, new))
    assert changed.version == shipped.version
    assert changed.ruleset_version != shipped.ruleset_version


def test_a_catalog_is_found_again_by_its_ruleset_version(catalogs: CatalogSet) -> None:
    catalog, _ = catalogs.select("P2HAM", "2025")
    assert catalogs.by_ruleset(catalog.ruleset_version) is catalog
    assert catalogs.by_ruleset("P2HAM-2024.1+000000000000") is None


@pytest.fixture
def with_aksiham(tmp_path: Path) -> CatalogSet:
    """The shipped P2HAM catalog plus an Aksi HAM-like one reporting per caturwulan."""
    write_catalog(tmp_path, "", "", name="p2ham.yaml")
    aksiham = P2HAM_YAML.replace("programme: P2HAM", "programme: AKSIHAM").replace(
        "period: {type: year}",
        "period: {type: sub-periods, codes: {B04: [1, 4], B08: [5, 8], B12: [9, 12]}}",
    )
    (tmp_path / "aksiham.yaml").write_text(aksiham, encoding="utf-8")
    return load_catalogs(tmp_path)


@pytest.mark.parametrize(
    ("programme", "period", "start", "end"),
    [
        pytest.param("P2HAM", "2024", "2024-01-01", "2024-12-31", id="p2ham-2024"),
        pytest.param("P2HAM", "2025", "2025-01-01", "2025-12-31", id="p2ham-2025"),
        pytest.param("AKSIHAM", "2025-B04", "2025-01-01", "2025-04-30", id="aksiham-b04"),
        pytest.param("AKSIHAM", "2025-B08", "2025-05-01", "2025-08-31", id="aksiham-b08"),
        pytest.param("AKSIHAM", "2025-B12", "2025-09-01", "2025-12-31", id="aksiham-b12"),
        pytest.param("AKSIHAM", "2024-B04", "2024-01-01", "2024-04-30", id="leap-year-b04"),
    ],
)
def test_select_gives_the_catalog_in_force_and_the_period_window(
    with_aksiham: CatalogSet, programme: str, period: str, start: str, end: str
) -> None:
    catalog, parsed = with_aksiham.select(programme, period)
    assert catalog.programme == programme
    assert (str(parsed), parsed.start.isoformat(), parsed.end.isoformat()) == (period, start, end)


@pytest.mark.parametrize(
    ("programme", "period", "error", "what"),
    [
        pytest.param(
            "KKPHAM",
            "2025",
            UnknownProgramme,
            "unknown programme 'KKPHAM'; known: AKSIHAM, P2HAM",
            id="programme-without-catalog",
        ),
        pytest.param(
            "p2ham",
            "2025",
            UnknownProgramme,
            "unknown programme 'p2ham'",
            id="programme-lower-case",
        ),
        pytest.param(
            "P2HAM",
            "2025-B08",
            PeriodError,
            "expected YYYY",
            id="caturwulan-for-a-yearly-programme",
        ),
        pytest.param("P2HAM", "25", PeriodError, "expected YYYY", id="two-digit-year"),
        pytest.param(
            "P2HAM", "2025-08", PeriodError, "expected YYYY", id="month-instead-of-caturwulan"
        ),
        pytest.param("P2HAM", "", PeriodError, "expected YYYY", id="empty-period"),
        pytest.param(
            "P2HAM",
            "2023",
            NoCatalogForYear,
            "no P2HAM catalog covers 2023",
            id="year-before-the-catalog",
        ),
        pytest.param(
            "AKSIHAM", "2025-B06", PeriodError, "expected YYYY-B04|B08|B12", id="unknown-caturwulan"
        ),
        pytest.param(
            "AKSIHAM",
            "2025",
            PeriodError,
            "expected YYYY-B04|B08|B12",
            id="year-for-a-caturwulan-programme",
        ),
        pytest.param(
            "AKSIHAM",
            "2025-b08",
            PeriodError,
            "expected YYYY-B04|B08|B12",
            id="caturwulan-lower-case",
        ),
        pytest.param(
            "AKSIHAM", "B08", PeriodError, "expected YYYY-B04|B08|B12", id="caturwulan-without-year"
        ),
        pytest.param(
            "AKSIHAM",
            "2023-B08",
            NoCatalogForYear,
            "no AKSIHAM catalog covers 2023",
            id="caturwulan-before-the-catalog",
        ),
    ],
)
def test_select_refuses_an_unknown_programme_or_a_period_that_does_not_fit(
    with_aksiham: CatalogSet,
    programme: str,
    period: str,
    error: type[Exception],
    what: str,
) -> None:
    with pytest.raises(error, match=re.escape(what)):
        with_aksiham.select(programme, period)


def test_the_shipped_catalogs_refuse_a_caturwulan_for_p2ham(catalogs: CatalogSet) -> None:
    with pytest.raises(PeriodError) as raised:
        catalogs.select("P2HAM", "2025-B08")
    assert (raised.value.period, raised.value.expected) == ("2025-B08", "YYYY, e.g. 2025")
