"""The set of shipped catalogs: load all, validate every check reference, pick one per period."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from rules.catalog import CATALOG_DIR, Catalog, CatalogError, CheckRef, load_catalog_file
from rules.checks import CHECKS
from rules.naming import NamingConvention
from rules.periods import Period, PeriodError, parse_period, period_year


class UnknownProgramme(LookupError):
    def __init__(self, programme: str, known: list[str]) -> None:
        super().__init__(f"unknown programme {programme!r}; known: {', '.join(known)}")
        self.programme = programme
        self.known = known


class NoCatalogForYear(LookupError):
    def __init__(self, programme: str, year: int) -> None:
        super().__init__(f"no {programme} catalog covers {year}")
        self.programme = programme
        self.year = year


def _check_refs(catalog: Catalog) -> Iterator[tuple[str, CheckRef]]:
    for i, ref in enumerate(catalog.file_checks):
        yield f"file_checks[{i}]", ref
    for name, kind in catalog.evidence_kinds.items():
        for i, ref in enumerate(kind.checks):
            yield f"evidence_kinds.{name}.checks[{i}]", ref
    for criterion in catalog.leaves.values():
        for r, req in enumerate(criterion.evidence):
            for i, ref in enumerate(req.checks):
                yield f"criteria[{criterion.id}].evidence[{r}].checks[{i}]", ref


def catalog_problems(catalog: Catalog) -> list[str]:
    """What is wrong with a structurally valid catalog: unknown checks, bad params, gaps."""
    problems = []
    for where, ref in _check_refs(catalog):
        spec = CHECKS.get(ref.check)
        if spec is None:
            problems.append(f"at {where}: unknown check {ref.check!r}")
            continue
        try:
            spec.parse_params(ref.params)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(params)"
                problems.append(f"at {where}.params.{loc}: {err['msg']}")
    for name, kind in catalog.evidence_kinds.items():
        if not kind.checks:
            problems.append(f"at evidence_kinds.{name}: no check covers this evidence kind")
    used = {req.kind for c in catalog.leaves.values() for req in c.evidence}
    for name in sorted(set(catalog.evidence_kinds) - used):
        problems.append(f"at evidence_kinds.{name}: declared but no criterion asks for it")
    return problems


@dataclass(frozen=True)
class CatalogSet:
    catalogs: tuple[Catalog, ...]

    @cached_property
    def naming(self) -> NamingConvention:
        """The file-naming convention for these programmes and their period forms."""
        return NamingConvention.of(self.catalogs)

    def programmes(self) -> list[str]:
        return sorted({c.programme for c in self.catalogs})

    def for_programme(self, programme: str) -> list[Catalog]:
        found = [c for c in self.catalogs if c.programme == programme]
        if not found:
            raise UnknownProgramme(programme, self.programmes())
        return sorted(found, key=lambda c: c.valid_from)

    def select(self, programme: str, period: str) -> tuple[Catalog, Period]:
        """The catalog in force for a programme's period; raises on a bad programme or period."""
        candidates = self.for_programme(programme)
        year = period_year(period)
        spec = candidates[-1].period
        if year is None:
            parse_period(period, spec)  # raises with the expected form
            raise PeriodError(period, "YYYY")  # pragma: no cover - parse_period raised
        for catalog in candidates:
            if catalog.covers(year):
                return catalog, parse_period(period, catalog.period)
        raise NoCatalogForYear(programme, year)

    def by_ruleset(self, ruleset_version: str) -> Catalog | None:
        return next((c for c in self.catalogs if c.ruleset_version == ruleset_version), None)


def _load_folder(directory: Path, problems: list[str], origin: str) -> list[tuple[Path, Catalog]]:
    loaded: list[tuple[Path, Catalog]] = []
    if not directory.is_dir():
        problems.append(f"{directory}: {origin} catalog folder does not exist")
        return loaded
    for path in sorted(directory.glob("*.yaml")):
        try:
            catalog = load_catalog_file(path)
        except CatalogError as exc:
            problems.append(str(exc))
            continue
        problems.extend(f"{path}: {p}" for p in catalog_problems(catalog))
        loaded.append((path, catalog))
    return loaded


def _gather(directory: Path, site: Path | None) -> tuple[list[str], list[tuple[Path, Catalog]]]:
    """Problems, and the catalogs in force: the shipped ones, each replaced by a site file of
    the same programme and version; other site files are added."""
    problems: list[str] = []
    loaded = _load_folder(directory, problems, "shipped")
    if site is not None:
        for path, catalog in _load_folder(site, problems, "site (ABSAH_CATALOG_DIR)"):
            key = (catalog.programme, catalog.version)
            loaded = [(p, c) for p, c in loaded if (c.programme, c.version) != key]
            loaded.append((path, catalog))
    for i, (path_a, a) in enumerate(loaded):
        for path_b, b in loaded[i + 1 :]:
            if a.programme == b.programme and _overlap(a, b):
                hint = ""
                if site is not None and path_b.parent == site and a.version != b.version:
                    hint = f" (to replace it, give the site file version {a.version!r})"
                problems.append(f"{path_b}: {b.programme} years overlap with {path_a}{hint}")
    if not loaded and not problems:
        problems.append(f"{directory}: no catalog files")
    return problems, loaded


def lint_catalogs(directory: Path = CATALOG_DIR, site: Path | None = None) -> list[str]:
    """Every problem in every catalog file (shipped, and site files when `site` is given),
    each naming its file and path."""
    return _gather(directory, site)[0]


def _overlap(a: Catalog, b: Catalog) -> bool:
    a_end = a.valid_to.year if a.valid_to else 9999
    b_end = b.valid_to.year if b.valid_to else 9999
    return a.valid_from.year <= b_end and b.valid_from.year <= a_end


def load_catalogs(directory: Path = CATALOG_DIR, site: Path | None = None) -> CatalogSet:
    """Load the catalogs in force (site files replacing shipped ones), failing at once (with
    file and path) on any problem."""
    problems, loaded = _gather(directory, site)
    if problems:
        raise CatalogError("\n".join(problems))
    return CatalogSet(tuple(catalog for _, catalog in loaded))
