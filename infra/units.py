"""The unit registry: regions and units, canonical codes, seeds and all-or-nothing CSV import."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from infra.tables import Region, Unit, utcnow
from infra.text import control_characters

SEED_DIR = Path(__file__).parent / "seed"

UNIT_KINDS = (
    "provinsi",
    "kabupaten",
    "kota",
    "lapas",
    "rutan",
    "lpka",
    "bapas",
    "rupbasan",
    "imigrasi",
    "kanwil",
    "upt_lain",
)
_CODE = re.compile(r"^(?:[0-9]{2}|[0-9]{4}|[A-Z0-9]{3,12})$")
_REGION = re.compile(r"^[0-9]{2}$")


class UnitImportError(ValueError):
    """A CSV that cannot be applied; `problems` name each bad line. Nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def canonical_code(code: str) -> str:
    """Unit codes match case-insensitively and are stored upper-case, trimmed."""
    return code.strip().upper()


def valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


def get_unit(session: Session, code: str) -> Unit | None:
    return session.get(Unit, canonical_code(code))


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    kind: str
    region: str
    region_name: str | None = None
    active: bool = True
    issuer: str | None = None  # None: not given, the registry's value stays
    issuer_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def parse_units_csv(text: str, known_regions: set[str]) -> list[UnitRow]:
    """Validate every line first; raise with all problems (line numbers) or return the rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    required = {"code", "name", "kind", "region"}
    header = set(reader.fieldnames or [])
    if not required <= header:
        raise UnitImportError(
            [
                f"line 1: columns must include {', '.join(sorted(required))}; "
                f"found {', '.join(reader.fieldnames or []) or 'none'}"
            ]
        )
    rows: list[UnitRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    new_regions = set(known_regions)
    for raw in reader:
        line = reader.line_num
        code = canonical_code(raw.get("code") or "")
        name = (raw.get("name") or "").strip()
        kind = (raw.get("kind") or "").strip().lower()
        region = (raw.get("region") or "").strip()
        region_name = (raw.get("region_name") or "").strip() or None
        active_text = (raw.get("active") or "true").strip().lower()
        issuer = " ".join((raw.get("issuer") or "").split()).upper() or None
        aliases = tuple(
            " ".join(a.split()).upper() for a in (raw.get("issuer_aliases") or "").split("|")
        )
        aliases = tuple(a for a in aliases if a)
        if aliases and not issuer:
            problems.append(f"line {line}: issuer_aliases given without an issuer")
        if not valid_code(code):
            problems.append(
                f"line {line}: code {code!r} is not a 2/4-digit area code or a "
                "3–12 character UPT code"
            )
        elif code in seen:
            problems.append(f"line {line}: code {code} repeats line {seen[code]}")
        else:
            seen[code] = line
        if not name:
            problems.append(f"line {line}: name is empty")
        for column, text in (("name", name), ("region_name", region_name or "")):
            if found := control_characters(text, frozenset()):
                problems.append(
                    f"line {line}: {column} contains control characters ({', '.join(found)})"
                )
        if kind not in UNIT_KINDS:
            problems.append(f"line {line}: kind {kind!r} is not one of {', '.join(UNIT_KINDS)}")
        if not _REGION.match(region):
            problems.append(f"line {line}: region {region!r} is not a 2-digit province code")
        elif region not in new_regions:
            if region_name:
                new_regions.add(region)
            else:
                problems.append(
                    f"line {line}: region {region} is unknown (add a region_name "
                    "column to create it)"
                )
        if active_text not in {"true", "false", "1", "0", "yes", "no", "ya", "tidak"}:
            problems.append(f"line {line}: active {active_text!r} is not true/false")
        rows.append(
            UnitRow(
                code,
                name,
                kind,
                region,
                region_name,
                active_text in {"true", "1", "yes", "ya"},
                issuer,
                aliases,
            )
        )
    if problems:
        raise UnitImportError(problems)
    if not rows:
        raise UnitImportError(["the file has no unit rows"])
    return rows


def apply_units(session: Session, rows: list[UnitRow]) -> ImportResult:
    """Create or update units (and regions named with region_name) in the caller's transaction."""
    created = updated = unchanged = 0
    for row in rows:
        if row.region_name and session.get(Region, row.region) is None:
            session.add(Region(code=row.region, name=row.region_name))
            session.flush()
        unit = session.get(Unit, row.code)
        aliases = list(row.issuer_aliases) or None
        if unit is None:
            session.add(
                Unit(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    region_code=row.region,
                    active=row.active,
                    issuer=row.issuer,
                    issuer_aliases=aliases,
                )
            )
            created += 1
        elif (unit.name, unit.kind, unit.region_code, unit.active) != (
            row.name,
            row.kind,
            row.region,
            row.active,
        ) or (
            row.issuer is not None and (unit.issuer, unit.issuer_aliases) != (row.issuer, aliases)
        ):
            unit.name, unit.kind, unit.region_code, unit.active = (
                row.name,
                row.kind,
                row.region,
                row.active,
            )
            if row.issuer is not None:
                unit.issuer, unit.issuer_aliases = row.issuer, aliases
            unit.updated_at = utcnow()
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return ImportResult(created, updated, unchanged)


def import_units_csv(session: Session, text: str) -> ImportResult:
    known = set(session.scalars(sa.select(Region.code)))
    return apply_units(session, parse_units_csv(text, known))


def seed_registry(session: Session) -> bool:
    """Load the shipped regions and units into an empty registry; False when it was not empty."""
    if session.scalar(sa.select(sa.func.count()).select_from(Unit)):
        return False
    with (SEED_DIR / "regions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if session.get(Region, row["code"]) is None:
                session.add(Region(code=row["code"], name=row["name"]))
    session.flush()
    import_units_csv(session, (SEED_DIR / "units.csv").read_text(encoding="utf-8"))
    return True


def issuer_names(
    name: str, kind: str, issuer: str | None, aliases: list[Any] | tuple[str, ...] | None
) -> tuple[str, ...]:
    """How a unit names itself on a decree: the registry's issuer and aliases, else, for a
    regional government, what its name implies (Kota X → WALI KOTA X, Kabupaten X → BUPATI X)."""
    if issuer:
        return (issuer, *(str(a) for a in aliases or ()))
    place = name.split(" ", 1)[-1].upper()
    derived = {
        "kota": ("WALI KOTA", "WALIKOTA"),
        "kabupaten": ("BUPATI",),
        "provinsi": ("GUBERNUR",),
    }.get(kind, ())
    return tuple(f"{title} {place}" for title in derived)


def seed_issuer_registry() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """`issuer_registry` of the shipped seed, for offline checks without a database."""
    rows = parse_units_csv((SEED_DIR / "units.csv").read_text(encoding="utf-8"), {"16"})
    names: dict[str, str] = {}
    issuers: dict[str, tuple[str, ...]] = {}
    for row in rows:
        if row.active and (
            found := issuer_names(row.name, row.kind, row.issuer, row.issuer_aliases)
        ):
            names[row.code], issuers[row.code] = row.name, found
    return names, issuers


def issuer_registry(session: Session) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(unit code → name of every active unit, unit code → issuer names of those that have
    some: a UPT without a registered issuer has none)."""
    names: dict[str, str] = {}
    issuers: dict[str, tuple[str, ...]] = {}
    for unit in session.scalars(sa.select(Unit).where(Unit.active.is_(True))):
        names[unit.code] = unit.name
        if found := issuer_names(unit.name, unit.kind, unit.issuer, unit.issuer_aliases):
            issuers[unit.code] = found
    return names, issuers


def list_units(
    session: Session, region: str | None = None, active: bool | None = None
) -> list[Unit]:
    query = sa.select(Unit).order_by(Unit.region_code, Unit.code)
    if region:
        query = query.where(Unit.region_code == region)
    if active is not None:
        query = query.where(Unit.active == active)
    return list(session.scalars(query))
