"""Unit-test fixtures: the shipped catalogs, loaded once (pure: no services, no files written)."""

from __future__ import annotations

import pytest

from rules.catalog import Catalog
from rules.catalogs import CatalogSet, load_catalogs


@pytest.fixture(scope="session")
def catalogs() -> CatalogSet:
    return load_catalogs()


@pytest.fixture(scope="session")
def p2ham(catalogs: CatalogSet) -> Catalog:
    catalog, _ = catalogs.select("P2HAM", "2025")
    return catalog
