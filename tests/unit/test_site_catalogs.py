"""Site catalogs (ABSAH_CATALOG_DIR): a Kanwil's file replaces the shipped one of the same
programme and version, is validated with file and path, and changes the rule-set version."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from absah.cli import main
from rules.catalog import CatalogError
from rules.catalogs import lint_catalogs, load_catalogs
from tests.support.catalogs import SHIPPED_SIZE, site_catalog


def test_a_site_catalog_replaces_the_shipped_one_and_changes_its_ruleset_version(
    tmp_path: Path,
) -> None:
    shipped = load_catalogs().select("P2HAM", "2025")[0]
    site = load_catalogs(site=site_catalog(tmp_path))
    catalog = site.select("P2HAM", "2025")[0]
    assert catalog.version == shipped.version
    assert catalog.ruleset_version != shipped.ruleset_version
    assert catalog.file_checks[0].params == {"max_mb": 0.001, "warn_mb": None}
    assert [c.programme for c in site.catalogs].count("P2HAM") == 1
    assert site.select("KKPHAM", "2025")[0] == load_catalogs().select("KKPHAM", "2025")[0]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param(
            "file-size: {max_mb: -1}",
            "p2ham.yaml: at file_checks[0].params.max_mb",
            id="a bad parameter is named with its file and path",
        ),
        pytest.param(
            "file-sizes: {max_mb: 3}",
            "p2ham.yaml: at file_checks[0]: unknown check 'file-sizes'",
            id="an unknown check is named with its file and path",
        ),
    ],
)
def test_a_wrong_site_catalog_fails_at_load_and_in_lint_naming_file_and_path(
    tmp_path: Path, new: str, expected: str
) -> None:
    site = site_catalog(tmp_path, SHIPPED_SIZE, new)
    problems = lint_catalogs(site=site)
    assert any(str(site) in p and expected in p for p in problems), problems
    with pytest.raises(CatalogError, match=r"max_mb|file-sizes"):
        load_catalogs(site=site)


def test_a_site_catalog_of_another_version_over_the_same_years_is_refused_with_a_hint(
    tmp_path: Path,
) -> None:
    site = site_catalog(tmp_path, 'version: "2024.1"', 'version: "2024.2-kanwil"')
    (problem,) = lint_catalogs(site=site)
    assert "years overlap" in problem
    assert "give the site file version '2024.1'" in problem


def test_a_missing_site_folder_is_a_problem_not_a_silent_fallback(tmp_path: Path) -> None:
    (problem,) = lint_catalogs(site=tmp_path / "nowhere")
    assert "site (ABSAH_CATALOG_DIR) catalog folder does not exist" in problem


def test_rules_lint_lints_the_site_folder_named_by_the_setting(tmp_path: Path) -> None:
    site = site_catalog(tmp_path, SHIPPED_SIZE, "file-sizes: {max_mb: 3}")
    result = CliRunner().invoke(main, ["rules", "lint"], env={"ABSAH_CATALOG_DIR": str(site)})
    assert result.exit_code == 1
    assert f"{site / 'p2ham.yaml'}: at file_checks[0]: unknown check" in result.output
