"""Verify a folder or ZIP offline with the pipeline's own checks: no Redis, S3 or database."""

from __future__ import annotations

import csv
import hashlib
import mimetypes
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from infra.archives import ArchiveLimits, expand_zip
from infra.units import SEED_DIR, canonical_code, seed_issuer_registry
from rules.binding import Binding, bind_file
from rules.catalog import Catalog
from rules.catalogs import CatalogSet
from rules.completeness import CriterionVerdict, DocState, evaluate_submission
from rules.context import CheckContext
from rules.evaluation import DocumentVerdict
from rules.facts import FileFacts
from rules.naming import NamingConvention
from rules.periods import Period
from rules.similar import MAX_SEARCH_DISTANCE, PhotoMatch, hamming
from worker.checking import check_path
from worker.limits import ExtractLimits
from worker.ocr import OcrOptions
from worker.scans import read_scans

SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class LocalFile:
    name: str  # the name as uploaded (relative path inside the folder or ZIP)
    path: Path


@dataclass
class OfflineDocument:
    name: str
    criterion_id: str | None
    size: int
    sha256: str
    mime: str | None = None
    phash: int | None = None  # a photo's, once checked: the later look-alikes point to it
    verdict: DocumentVerdict | None = None
    problem: str | None = None  # why it could not be bound to a criterion

    @property
    def status(self) -> str:
        return self.verdict.status.value if self.verdict else "failed"


@dataclass
class OfflineReport:
    programme: str
    period: str
    unit: str
    unit_kind: str | None
    catalog: Catalog
    documents: list[OfflineDocument] = field(default_factory=list)
    criteria: dict[str, CriterionVerdict] = field(default_factory=dict)
    rejected_entries: list[dict[str, str]] = field(default_factory=list)

    @property
    def all_good(self) -> bool:
        docs_ok = all(d.status == "passed" for d in self.documents)
        mandatory = {cid for cid, c in self.catalog.leaves.items() if c.mandatory}
        crit_ok = all(
            v.status in {"complete", "not_applicable"}
            for cid, v in self.criteria.items()
            if cid in mandatory
        )
        return docs_ok and crit_ok and not self.rejected_entries


def known_unit_kind(code: str) -> str | None:
    """The kind of a unit shipped in the seed registry, else what a Kemendagri code implies."""
    code = canonical_code(code)
    with (SEED_DIR / "units.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == code:
                return row["kind"]
    if code.isdigit() and len(code) == 2:
        return "provinsi"
    if code.isdigit() and len(code) == 4:
        return "kota" if int(code[2:]) >= 71 else "kabupaten"
    return None


def walk_folder(root: Path) -> Iterator[LocalFile]:
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and not path.is_symlink()
            and path.name not in SKIPPED_NAMES
            and not path.name.startswith("._")
        ):
            yield LocalFile(path.relative_to(root).as_posix(), path)


def criterion_of(
    name: str, catalog: Catalog, naming: NamingConvention, given: str | None
) -> tuple[str | None, str | None]:
    """(criterion, problem): given on the command line, else the canonical name's, else the
    nearest folder named like a criterion id."""
    folder, _, base = name.rpartition("/")
    bound = bind_file(catalog, naming, criterion=given, kind=None, name=base, folder=folder)
    if isinstance(bound, Binding):
        return bound.criterion_id, None
    if bound.code == "criterion_missing":
        return None, "criterion-unknown"
    crit = bound.details["criterion"]
    return crit, f"criterion-not-in-catalog:{crit}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _folder_search(
    report: OfflineReport, docs: list[OfflineDocument], doc: OfflineDocument
) -> Callable[[FileFacts], list[PhotoMatch]]:
    """Near-duplicates among the photos of the folder checked before this one (the worker
    likewise flags the later of two look-alikes), under another criterion."""

    def search(facts: FileFacts) -> list[PhotoMatch]:
        doc.phash = facts.image.phash if facts.image else None
        if doc.phash is None:
            return []
        found = []
        for other in docs:
            if other is doc or other.phash is None or other.criterion_id == doc.criterion_id:
                continue
            distance = hamming(other.phash, doc.phash)
            if distance <= MAX_SEARCH_DISTANCE and other.criterion_id is not None:
                found.append(
                    PhotoMatch(
                        document_id=other.name,
                        unit_code=report.unit,
                        programme=report.programme,
                        period=report.period,
                        criterion_id=other.criterion_id,
                        original_name=other.name,
                        distance=distance,
                        same_bytes=other.sha256 == doc.sha256,
                        same_submission=True,
                    )
                )
        return sorted(found, key=lambda m: m.distance)

    return search


def _check_all(
    report: OfflineReport,
    files: list[LocalFile],
    period: Period,
    criterion: str | None,
    limits: ExtractLimits,
    naming: NamingConvention,
    ocr: OcrOptions | None,
) -> None:
    catalog = report.catalog
    unit_names, issuers = seed_issuer_registry()
    docs = []
    for f in files:
        crit, problem = criterion_of(f.name, catalog, naming, criterion)
        docs.append(
            OfflineDocument(f.name, crit, f.path.stat().st_size, sha256_of(f.path), problem=problem)
        )
    for doc, file in zip(docs, files, strict=True):
        if doc.problem is not None or doc.criterion_id is None:
            continue
        siblings: dict[str, list[str]] = {}
        for other in docs:
            if other is not doc and other.sha256 == doc.sha256 and other.criterion_id:
                siblings.setdefault(doc.sha256, []).append(other.criterion_id)
        ctx = CheckContext(
            programme=report.programme,
            period=report.period,
            unit_code=report.unit,
            unit_kind=report.unit_kind,
            criterion_id=doc.criterion_id,
            window_start=period.start,
            window_end=period.end,
            naming=naming,
            sibling_hashes=siblings,
            issuers=issuers,
            unit_names=unit_names,
        )
        doc.verdict, doc.mime = check_path(
            file.path,
            name=file.name.rsplit("/", 1)[-1],
            size=doc.size,
            sha256=doc.sha256,
            declared_mime=mimetypes.guess_type(file.name)[0],
            catalog=catalog,
            ctx=ctx,
            declared_kind=None,
            limits=limits,
            scan=read_scans(ocr),  # OCR in this process: no queue offline
            similar=_folder_search(report, docs, doc),
        )
    report.documents = docs
    report.criteria = evaluate_submission(
        catalog,
        report.unit_kind,
        [
            DocState(d.criterion_id, d.verdict.kind, d.status)
            for d in docs
            if d.criterion_id and d.verdict is not None
        ],
    )


def verify_offline(
    catalogs: CatalogSet,
    path: Path,
    *,
    programme: str,
    period: str,
    unit: str,
    unit_kind: str | None = None,
    criterion: str | None = None,
    limits: ExtractLimits | None = None,
    ocr: OcrOptions | None = OcrOptions(),  # noqa: B008 - frozen, shared safely
) -> OfflineReport:
    """Check every file of a folder or ZIP as the worker would, then completeness per criterion.

    Raises the catalog-selection errors (unknown programme, bad period) for the caller to report.
    """
    catalog, parsed_period = catalogs.select(programme.upper(), period.upper())
    report = OfflineReport(
        catalog.programme,
        str(parsed_period),
        canonical_code(unit),
        unit_kind or known_unit_kind(unit),
        catalog,
    )
    limits = limits or ExtractLimits()
    if path.is_dir():
        _check_all(
            report,
            list(walk_folder(path)),
            parsed_period,
            criterion,
            limits,
            catalogs.naming,
            ocr,
        )
        return report
    with tempfile.TemporaryDirectory(prefix="absah-verify-") as tmp:
        entries, rejected = expand_zip(path, Path(tmp), ArchiveLimits())
        report.rejected_entries = [
            {"name": r.name, "code": r.code, "message": r.message, "message_en": r.message_en}
            for r in rejected
        ]
        files = [
            LocalFile(e.name, e.path) for e in entries if Path(e.name).name not in SKIPPED_NAMES
        ]
        _check_all(report, files, parsed_period, criterion, limits, catalogs.naming, ocr)
    return report
