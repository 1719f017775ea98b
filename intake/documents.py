"""The intake steps: validate the target, store bytes, commit rows, then enqueue after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from infra import states
from infra.assessment import reassess
from infra.db import transaction
from infra.keys import Principal
from infra.queue import send_verify
from infra.states import DocumentStatus
from infra.storage import StorageUnavailable, document_key
from infra.tables import Batch, Document, Submission, Unit, new_id
from infra.units import canonical_code
from intake.auth import ensure_can_submit, ensure_visible
from intake.errors import ApiError, database_unavailable, storage_unavailable
from intake.receiving import ReceivedFile
from intake.runtime import ApiRuntime
from rules.catalog import Catalog
from rules.catalogs import NoCatalogForYear, UnknownProgramme
from rules.naming import ParsedName, parse_name
from rules.periods import Period, PeriodError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """A validated submission address: programme, period (parsed) and an active unit."""

    programme: str
    period: Period
    unit: Unit
    catalog: Catalog


@dataclass(frozen=True)
class PlannedDocument:
    document_id: str
    file: ReceivedFile
    criterion_id: str
    kind: str | None
    kind_source: str | None
    storage_key: str


def resolve_target(
    session: Session,
    rt: ApiRuntime,
    programme: str,
    period: str,
    unit_code: str,
    caller: Principal,
) -> Target:
    """The submission a request addresses, or a 422 that says which part is wrong."""
    try:
        catalog, parsed = rt.catalogs.select(programme, period)
    except UnknownProgramme as exc:
        raise ApiError(
            422,
            "unknown_programme",
            f"Program '{programme}' tidak dikenal; pilih salah satu: {', '.join(exc.known)}.",
            f"Unknown programme '{programme}'; use one of: {', '.join(exc.known)}.",
            known=exc.known,
        ) from exc
    except PeriodError as exc:
        raise ApiError(
            422,
            "invalid_period",
            f"Periode '{period}' tidak valid untuk {programme}; format: {exc.expected}.",
            f"Period '{period}' is not valid for {programme}; expected {exc.expected}.",
            expected=exc.expected,
        ) from exc
    except NoCatalogForYear as exc:
        raise ApiError(
            422,
            "no_catalog_for_period",
            f"Belum ada katalog {programme} untuk tahun {exc.year}.",
            f"There is no {programme} catalog for {exc.year}.",
        ) from exc
    unit = session.get(Unit, canonical_code(unit_code))
    if unit is None:
        raise ApiError(
            422,
            "unknown_unit",
            f"Unit '{unit_code}' tidak terdaftar. Periksa kode wilayah/UPT atau minta "
            "admin mendaftarkannya.",
            f"Unit '{unit_code}' is not registered. Check the area/UPT code or ask an "
            "admin to register it.",
            unit=unit_code,
        )
    ensure_visible(caller, unit)
    if not unit.active:
        raise ApiError(
            422,
            "unit_inactive",
            f"Unit '{unit.code}' tidak aktif.",
            f"Unit '{unit.code}' is inactive.",
            unit=unit.code,
        )
    return Target(catalog.programme, parsed, unit, catalog)


def plan_documents(
    target: Target, files: list[ReceivedFile], criterion: str | None, kind: str | None
) -> list[PlannedDocument]:
    """Bind each file to a criterion (form field, else its canonical name) and a kind."""
    if not files:
        raise ApiError(
            422, "no_files", "Tidak ada berkas pada kolom 'files'.", "No file in the field 'files'."
        )
    catalog = target.catalog
    if kind is not None and kind not in catalog.evidence_kinds:
        raise ApiError(
            422,
            "unknown_kind",
            f"Jenis bukti '{kind}' tidak dikenal.",
            f"Unknown evidence kind '{kind}'.",
            known=sorted(catalog.evidence_kinds),
        )
    planned = []
    for file in files:
        parsed = parse_name(file.name)
        crit = criterion or (parsed.criterion if isinstance(parsed, ParsedName) else None)
        if crit is None:
            raise ApiError(
                422,
                "criterion_missing",
                f"Kriteria untuk berkas '{file.name}' tidak diketahui: isi kolom "
                "'criterion' atau gunakan nama berkas sesuai konvensi.",
                f"The criterion of '{file.name}' is unknown: send the field "
                "'criterion' or name the file by the convention.",
                file=file.name,
            )
        crit = crit.strip().upper()
        leaf = catalog.leaves.get(crit)
        if leaf is None:
            raise ApiError(
                422,
                "unknown_criterion",
                f"Kriteria '{crit}' tidak ada dalam katalog {catalog.programme}.",
                f"Criterion '{crit}' is not in the {catalog.programme} catalog.",
                criterion=crit,
                file=file.name,
            )
        if kind is not None and kind not in {req.kind for req in leaf.evidence}:
            raise ApiError(
                422,
                "kind_not_for_criterion",
                f"Jenis bukti '{kind}' tidak diminta oleh kriteria {crit}.",
                f"Evidence kind '{kind}' is not asked for by criterion {crit}.",
                criterion=crit,
                kind=kind,
            )
        doc_id = new_id()
        key = document_key(
            target.programme, str(target.period), target.unit.code, crit, doc_id, file.name
        )
        planned.append(PlannedDocument(doc_id, file, crit, kind, "form" if kind else None, key))
    return planned


def store_bytes(rt: ApiRuntime, planned: list[PlannedDocument]) -> None:
    """Bytes first. On a storage failure, remove what this request stored and answer 503."""
    stored: list[str] = []
    try:
        for doc in planned:
            rt.store.put_file(doc.storage_key, doc.file.path, doc.file.content_type)
            stored.append(doc.storage_key)
    except StorageUnavailable as exc:
        log.warning("storage unavailable during intake: %s", exc)
        for key in stored:
            try:
                rt.store.delete(key)
            except StorageUnavailable:
                log.warning("could not remove %s after a failed intake", key)
        raise storage_unavailable() from exc


def _get_or_create_submission(session: Session, target: Target) -> Submission:
    key = (target.programme, str(target.period), target.unit.code)
    query = sa.select(Submission).where(
        Submission.programme == key[0], Submission.period == key[1], Submission.unit_code == key[2]
    )
    found = session.scalars(query).one_or_none()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            submission = Submission(programme=key[0], period=key[1], unit_code=key[2])
            session.add(submission)
        return submission
    except IntegrityError:  # a concurrent request created it first
        return session.scalars(query).one()


def record_documents(
    rt: ApiRuntime, target: Target, planned: list[PlannedDocument], source: str
) -> tuple[str, list[Document]]:
    """Rows second: one transaction for the batch, its documents (received) and the criteria."""
    try:
        with transaction(rt.sessions) as session:
            submission = _get_or_create_submission(session, target)
            batch = Batch(submission_id=submission.id, source=source)
            session.add(batch)
            session.flush()
            docs = [
                Document(
                    id=p.document_id,
                    submission_id=submission.id,
                    batch_id=batch.id,
                    criterion_id=p.criterion_id,
                    kind=p.kind,
                    kind_source=p.kind_source,
                    original_name=p.file.name[:512],
                    storage_key=p.storage_key,
                    size=p.file.size,
                    sha256=p.file.sha256,
                    declared_mime=p.file.content_type,
                    status=DocumentStatus.RECEIVED,
                )
                for p in planned
            ]
            session.add_all(docs)
            session.flush()
            reassess(session, target.catalog, submission.id)
            return batch.id, docs
    except OperationalError as exc:
        raise database_unavailable() from exc


def enqueue_documents(rt: ApiRuntime, document_ids: list[str]) -> None:
    """Messages last, after commit. A failed send leaves the row `received` for the sweeper."""
    for document_id in document_ids:
        try:
            send_verify(rt.sender, document_id)
        except Exception as exc:  # broker down: the outbox row is already committed
            log.warning("could not enqueue %s (%s); the sweeper will", document_id, exc)
            continue
        try:
            with transaction(rt.sessions) as session:
                states.mark_queued(session, document_id)
        except OperationalError:
            log.warning("could not mark %s queued; it stays received", document_id)


async def find_target(
    rt: ApiRuntime, caller: Principal, programme: str, period: str, unit_code: str
) -> Target:
    """Validate the address before reading any body, so a bad request costs no upload."""
    ensure_can_submit(caller)

    def _resolve() -> Target:
        with transaction(rt.sessions) as session:
            return resolve_target(session, rt, programme, period, unit_code, caller)

    try:
        return await run_in_threadpool(_resolve)
    except OperationalError as exc:
        raise database_unavailable() from exc


async def accept_files(
    rt: ApiRuntime,
    target: Target,
    files: list[ReceivedFile],
    criterion: str | None,
    kind: str | None,
    source: str = "documents",
) -> tuple[str, list[Document]]:
    """The intake of a set of received files: plan, store bytes, record rows, enqueue."""
    planned = plan_documents(target, files, criterion, kind)
    await run_in_threadpool(store_bytes, rt, planned)
    batch_id, docs = await run_in_threadpool(record_documents, rt, target, planned, source)
    await run_in_threadpool(enqueue_documents, rt, [d.id for d in docs])
    return batch_id, docs
