"""Which criterion and evidence kind an uploaded file belongs to: form, name, folder, content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from rules.catalog import Catalog, Criterion
from rules.naming import NamingConvention, ParsedName

CriterionSource = Literal["form", "name", "folder"]
# "criterion": the criterion asks for one kind only, so the file can be nothing else
KindSource = Literal["form", "name", "criterion", "content"]
ProblemCode = Literal[
    "criterion_missing", "unknown_criterion", "unknown_kind", "kind_not_for_criterion"
]

# A folder written like a criterion id (capitals, dashes) that the catalog does not know still
# binds its files, so the uploader hears "unknown criterion X", not "no criterion".
_CRITERION_LIKE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+){1,3}$")


@dataclass(frozen=True)
class Binding:
    criterion_id: str
    criterion_source: CriterionSource
    kind: str | None  # None: left to the worker, which sniffs the content
    kind_source: KindSource | None
    kind_code: str | None  # the canonical name's kind code; None for a free-text name


@dataclass(frozen=True)
class BindingProblem:
    """Why a file cannot be bound; `details` are what intake adds to its answer."""

    code: ProblemCode
    message_id: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)


def wanted_kinds(criterion: Criterion) -> list[str]:
    return [req.kind for req in criterion.evidence]


def kinds_by_code(catalog: Catalog, criterion: Criterion, code: str) -> list[str]:
    """The criterion's kinds a name's kind code (SK, FOTO, …) may mean."""
    return [k for k in wanted_kinds(criterion) if k in catalog.kinds_for_code(code)]


def kinds_by_mime(catalog: Catalog, candidates: list[str], mime: str) -> list[str]:
    return [k for k in candidates if mime in catalog.evidence_kinds[k].mime]


def pick_by_mime(catalog: Catalog, candidates: list[str], mime: str) -> str | None:
    """The one candidate kind a sniffed type points to, or None when it points to none or many."""
    by_mime = kinds_by_mime(catalog, candidates, mime)
    if len(by_mime) == 1:
        return by_mime[0]
    # A JPEG for "certificate (PDF or scan) or activity photo" is the photo: a kind's first
    # accepted type is what it mainly is.
    primary = [k for k in by_mime if catalog.evidence_kinds[k].mime[0] == mime]
    return primary[0] if len(primary) == 1 else None


def folder_criterion(folder: str, catalog: Catalog) -> str | None:
    """The nearest folder named like a criterion id: a known one first, else one written so."""
    folders = [part.strip() for part in folder.split("/") if part.strip()]
    for part in reversed(folders):
        if part.upper() in catalog.leaves:
            return part.upper()
    for part in reversed(folders):
        if _CRITERION_LIKE.match(part):
            return part
    return None


def bind_file(
    catalog: Catalog,
    naming: NamingConvention,
    *,
    criterion: str | None,
    kind: str | None,
    name: str,
    folder: str | None = None,
    mime: str | None = None,
) -> Binding | BindingProblem:
    """Bind one file: criterion = form field, else canonical name, else nearest folder; kind =
    form field, else the name's kind code (or the criterion's only kind), else `mime` if given.

    `folder` is the path inside a ZIP or folder ("" at its top), None for a form upload; it
    also picks the wording of the problems (bundle entries are listed, form uploads refused).
    """
    in_bundle = folder is not None
    if kind is not None and kind not in catalog.evidence_kinds:
        return _unknown_kind(kind, catalog)
    said = naming.parse(name)
    parsed = said if isinstance(said, ParsedName) else None
    source: CriterionSource = "form" if criterion else "name" if parsed else "folder"
    crit = criterion or (parsed.criterion if parsed else None)
    crit = crit or (folder_criterion(folder, catalog) if folder else None)
    if crit is None:
        return _criterion_missing(name, folder)
    crit = crit.strip().upper()
    leaf = catalog.leaves.get(crit)
    if leaf is None:
        return _unknown_criterion(crit, name, catalog.programme if not in_bundle else None)
    code = parsed.kind_code if parsed else None
    if kind is not None:
        if kind not in wanted_kinds(leaf):
            return _kind_not_for_criterion(kind, crit)
        return Binding(crit, source, kind, "form", code)
    candidates = kinds_by_code(catalog, leaf, code) if code else wanted_kinds(leaf)
    if len(candidates) == 1:
        return Binding(crit, source, candidates[0], "name" if code else "criterion", code)
    picked = pick_by_mime(catalog, candidates, mime) if mime else None
    return Binding(crit, source, picked, "content" if picked else None, code)


def _unknown_kind(kind: str, catalog: Catalog) -> BindingProblem:
    return BindingProblem(
        "unknown_kind",
        f"Jenis bukti '{kind}' tidak dikenal.",
        f"Unknown evidence kind '{kind}'.",
        {"known": sorted(catalog.evidence_kinds)},
    )


def _criterion_missing(name: str, folder: str | None) -> BindingProblem:
    if folder is None:
        return BindingProblem(
            "criterion_missing",
            f"Kriteria untuk berkas '{name}' tidak diketahui: isi kolom 'criterion' atau "
            "gunakan nama berkas sesuai konvensi.",
            f"The criterion of '{name}' is unknown: send the field 'criterion' or name the "
            "file by the convention.",
            {"file": name},
        )
    shown = f"{folder}/{name}" if folder else name
    return BindingProblem(
        "criterion_missing",
        f"Kriteria berkas '{shown}' tidak diketahui: beri nama sesuai konvensi atau letakkan "
        "di folder bernama kode kriteria.",
        f"The criterion of '{shown}' is unknown: use the naming convention or a folder named "
        "after the criterion id.",
        {"file": shown},
    )


def _unknown_criterion(crit: str, name: str, programme: str | None) -> BindingProblem:
    if programme is None:  # a bundle entry: the listing names the bundle's catalog already
        return BindingProblem(
            "unknown_criterion",
            f"Kriteria '{crit}' tidak ada dalam katalog.",
            f"Criterion '{crit}' is not in the catalog.",
            {"criterion": crit, "file": name},
        )
    return BindingProblem(
        "unknown_criterion",
        f"Kriteria '{crit}' tidak ada dalam katalog {programme}.",
        f"Criterion '{crit}' is not in the {programme} catalog.",
        {"criterion": crit, "file": name},
    )


def _kind_not_for_criterion(kind: str, crit: str) -> BindingProblem:
    return BindingProblem(
        "kind_not_for_criterion",
        f"Jenis bukti '{kind}' tidak diminta oleh kriteria {crit}.",
        f"Evidence kind '{kind}' is not asked for by criterion {crit}.",
        {"criterion": crit, "kind": kind},
    )
