"""The rule catalogs: strict models over rules/catalog/*.yaml, loaded and validated at start."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CATALOG_DIR = Path(__file__).parent / "catalog"
_SUB_PERIOD_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")


class CatalogError(Exception):
    """A catalog file is wrong; the message names the file and the path inside it."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckRef(Strict):
    """A check by registry id, with its parameters (validated against the check's model)."""

    check: str
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, value: Any) -> Any:
        # "pdf-opens" or {"keywords": {"all": [...]}} as well as {"check": ..., "params": ...}
        if isinstance(value, str):
            return {"check": value}
        if isinstance(value, dict) and len(value) == 1 and "check" not in value:
            ((name, params),) = value.items()
            return {"check": name, "params": params or {}}
        return value


class EvidenceKind(Strict):
    """A kind of evidence (e.g. facility_photo) with its accepted types and checks."""

    name_id: str
    name_en: str
    codes: list[str] = Field(min_length=1)  # kind codes of the naming convention (SK, FOTO, …)
    mime: list[str] = Field(min_length=1)
    extensions: list[str] = Field(min_length=1)
    checks: list[CheckRef] = Field(default_factory=list)


class EvidenceRequirement(Strict):
    kind: str
    min: int = Field(ge=0)
    note: str | None = None
    checks: list[CheckRef] = Field(default_factory=list)  # extra checks for this criterion only


class Criterion(Strict):
    """A criterion or an item of one: what the catalog asks a unit to hand in."""

    id: str = Field(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+){0,3}$")
    name_id: str
    name_en: str
    mandatory: bool = True
    confirmed: bool = True  # False: inferred from the sources, to be confirmed with the Kanwil
    note: str | None = None
    indicator_type: Literal["struktur", "proses", "hasil"] | None = None
    applies_to: list[str] | None = None  # unit kinds; None = every unit
    evidence: list[EvidenceRequirement] = Field(default_factory=list)
    items: list[Criterion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _leaf_or_group(self) -> Criterion:
        if self.items and self.evidence:
            raise ValueError(f"{self.id}: a criterion has either items or evidence, not both")
        return self

    def applies(self, unit_kind: str | None) -> bool:
        return self.applies_to is None or (unit_kind is not None and unit_kind in self.applies_to)


class PeriodSpec(Strict):
    """How a programme's periods are written: `2025`, or `2025-B08` with sub-period codes."""

    type: Literal["year", "sub-periods"]
    # sub-period code -> (first month, last month), in reporting order: B04: [1, 4], …
    codes: dict[str, tuple[int, int]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _codes(self) -> PeriodSpec:
        if self.type == "sub-periods" and not self.codes:
            raise ValueError("a sub-period form needs its codes")
        if self.type == "year" and self.codes:
            raise ValueError("a yearly period has no codes")
        for code, (first, last) in self.codes.items():
            if not _SUB_PERIOD_CODE.match(code):
                raise ValueError(f"sub-period code {code!r}: a capital letter, then 1–3 A-Z/0-9")
            if not 1 <= first <= last <= 12:
                raise ValueError(f"sub-period {code}: months {first}–{last} are not within 1–12")
        return self


class Catalog(Strict):
    """One programme's catalog for a span of years."""

    # The programme's code, also its PROG token in file names (DOMAIN.md §7).
    programme: str = Field(pattern=r"^[A-Z][A-Z0-9]{1,11}$")
    name_id: str
    name_en: str
    version: str
    status: str | None = None
    legal_basis: str
    valid_from: date
    valid_to: date | None = None
    period: PeriodSpec
    unconfirmed: list[str] = Field(default_factory=list)
    file_checks: list[CheckRef] = Field(default_factory=list)  # run on every document
    evidence_kinds: dict[str, EvidenceKind]
    criteria: list[Criterion] = Field(min_length=1)

    @field_validator("evidence_kinds")
    @classmethod
    def _kinds_named(cls, kinds: dict[str, EvidenceKind]) -> dict[str, EvidenceKind]:
        if not kinds:
            raise ValueError("at least one evidence kind")
        return kinds

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        first_at: dict[str, str] = {}
        for where, criterion in _with_paths(self.criteria, "criteria"):
            if criterion.id in first_at:
                raise ValueError(
                    f"{where}: duplicate criterion id {criterion.id} "
                    f"(first at {first_at[criterion.id]})"
                )
            first_at[criterion.id] = where
            for i, req in enumerate(criterion.evidence):
                if req.kind not in self.evidence_kinds:
                    raise ValueError(
                        f"{where}.evidence[{i}].kind: unknown evidence kind {req.kind!r}"
                    )
        return self

    def walk(self) -> Iterator[Criterion]:
        """Every criterion and item, depth first."""
        stack = list(reversed(self.criteria))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.items))

    @cached_property
    def leaves(self) -> dict[str, Criterion]:
        """The criteria documents attach to and verifiers decide: those without items."""
        return {c.id: c for c in self.walk() if not c.items}

    @cached_property
    def ruleset_version(self) -> str:
        digest = hashlib.sha256(
            json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        return f"{self.programme}-{self.version}+{digest[:12]}"

    def covers(self, year: int) -> bool:
        return self.valid_from.year <= year and (
            self.valid_to is None or year <= self.valid_to.year
        )

    def kinds_for_code(self, code: str) -> set[str]:
        return {name for name, kind in self.evidence_kinds.items() if code in kind.codes}


def _with_paths(nodes: list[Criterion], prefix: str) -> Iterator[tuple[str, Criterion]]:
    """Every criterion and item, depth first, with where it sits: criteria[2].items[3]."""
    for i, node in enumerate(nodes):
        where = f"{prefix}[{i}]"
        yield where, node
        yield from _with_paths(node.items, f"{where}.items")


def _format_validation_error(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: invalid catalog"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top)"
        lines.append(f"  at {where}: {err['msg']}")
    return "\n".join(lines)


def load_catalog_file(path: Path) -> Catalog:
    """Load and validate one catalog file; checks are validated by `validate_checks`."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date, 2024-13-01
        raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: a catalog is a mapping at the top level")
    try:
        return Catalog.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(path, exc)) from exc
