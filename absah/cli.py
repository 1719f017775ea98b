"""The absah command line: run the service, its parts, and the admin tasks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from absah.users import users
from infra.settings import Settings


def _settings() -> Settings:
    return Settings()


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"absah: {message}", err=True)
    sys.exit(code)


def _check_catalogs(settings: Settings) -> None:
    """Fail at start, naming file and path, when a catalog (shipped or site) is wrong."""
    from rules.catalog import CatalogError
    from rules.catalogs import load_catalogs

    try:
        load_catalogs(site=settings.catalog_dir)
    except CatalogError as exc:
        _fail(f"rule catalogs are not valid:\n{exc}")


def _worker_logging(settings: Settings, process: str) -> None:
    """Our log format for Celery too: with a receiver here Celery leaves logging alone."""
    from celery.signals import setup_logging

    from infra.logs import configure_logging

    def configure(**_: object) -> None:
        configure_logging(settings, process=process)

    setup_logging.connect(configure, weak=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Absah: penerimaan dan verifikasi data dukung HAM (intake and verification)."""


@main.command()
@click.option("--host", default=None, help="Bind address (default ABSAH_API_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default ABSAH_API_PORT, 8000).")
def run(host: str | None, port: int | None) -> None:
    """Everything on one machine: migrations, seed, private Redis, worker + beat, API."""
    from absah.run import PortTaken, run_all

    settings = _settings()
    _check_catalogs(settings)
    chosen = {"api_host": host, "api_port": port}
    settings = settings.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    try:
        run_all(settings)
    except PortTaken as exc:
        _fail(str(exc))


@main.command()
@click.option("--host", default=None, help="Bind address (default ABSAH_API_HOST).")
@click.option("--port", default=None, type=int, help="Port (default ABSAH_API_PORT).")
@click.option("--workers", default=1, show_default=True, help="Uvicorn worker processes.")
def api(host: str | None, port: int | None, workers: int) -> None:
    """The HTTP API only (needs ABSAH_BROKER_URL)."""
    import uvicorn

    from absah.run import PortTaken, ensure_port_free, server_options

    settings = _settings()
    if not settings.broker_url:
        _fail("ABSAH_BROKER_URL is not set; `absah run` starts a private Redis for you")
    _check_catalogs(settings)
    try:
        ensure_port_free(host or settings.api_host, port or settings.api_port)
    except PortTaken as exc:
        _fail(str(exc))
    uvicorn.run(
        "absah.asgi:create",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        log_config=None,  # absah.asgi:create configures JSON or text logs
        **server_options(settings),
    )


@main.command()
@click.option("--concurrency", "-c", default=None, type=int, help="Worker processes.")
@click.option("--beat", is_flag=True, help="Also run the periodic sweeper in this worker.")
@click.option(
    "--queues",
    type=click.Choice(["all", "checks", "ocr"]),
    default="all",
    show_default=True,
    help="checks: documents, webhooks and the sweeper; ocr: scanned pages only (its own "
    "workers, so photos never wait behind OCR); all: both, for a single worker.",
)
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int | None, beat: bool, queues: str, loglevel: str) -> None:
    """A Celery worker (prefork) that checks documents."""
    from infra.queue import worker_queues
    from worker.app import create_celery

    settings = _settings()
    if not settings.broker_url:
        _fail("ABSAH_BROKER_URL is not set")
    _check_catalogs(settings)
    _worker_logging(settings, "worker")
    app = create_celery(settings)
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        "--pool=prefork",
        "-Q",
        ",".join(worker_queues(settings, queues)),
        "--without-gossip",
        "--without-mingle",
    ]
    workers = concurrency or (settings.ocr_concurrency if queues == "ocr" else None)
    workers = workers or settings.worker_concurrency
    if workers:
        argv.append(f"--concurrency={workers}")
    if beat:
        settings.ensure_data_dir()
        argv += ["--beat", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    app.worker_main(argv=argv)


@main.command()
def beat() -> None:
    """The periodic scheduler alone (the sweeper); run exactly one per deployment."""
    from worker.app import create_celery

    settings = _settings()
    if not settings.broker_url:
        _fail("ABSAH_BROKER_URL is not set")
    settings.ensure_data_dir()
    _worker_logging(settings, "beat")
    app = create_celery(settings)
    app.start(
        argv=["beat", "--loglevel=INFO", f"--schedule={settings.data_dir / 'celerybeat-schedule'}"]
    )


@main.command()
@click.argument("document_ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every document left unable_to_check.")
@click.option("--reason", default=None, help="With --all: only this reason (attempts-exhausted).")
def recheck(document_ids: tuple[str, ...], all_: bool, reason: str | None) -> None:
    """Check again documents left unable_to_check (after an outage is over, an object restored).

    The sweeper re-checks transient failures by itself once storage answers; this is the
    explicit re-check, for any reason, with a fresh budget of attempts and rounds.
    """
    import sqlalchemy as sa

    from infra.tables import Document
    from worker.runtime import WorkerRuntime
    from worker.sweeper import recheck_documents

    if bool(document_ids) == all_:
        _fail("name document ids or --all (not both)", 2)
    rt = WorkerRuntime(_settings())
    ids = list(document_ids)
    if all_:
        query = sa.select(Document.id).where(Document.status == "unable_to_check")
        if reason:
            query = query.where(Document.status_reason == reason)
        with rt.sessions() as session:
            ids = list(session.scalars(query.order_by(Document.updated_at)))
    taken = set(recheck_documents(rt, ids))
    for document_id in ids:
        click.echo(f"{document_id}\t{'again' if document_id in taken else 'not unable_to_check'}")
    rt.engine.dispose()
    if document_ids and len(taken) < len(ids):
        _fail(f"{len(ids) - len(taken)} of {len(ids)} document(s) were not unable_to_check")


@main.command()
@click.option("--programme", "-p", default=None, help="Only this programme (KKPHAM, P2HAM…).")
@click.option("--period", default=None, help="Only this period (2025, 2025-B08).")
@click.option("--unit", "-u", default=None, help="Only this unit code.")
@click.option("--dry-run", is_flag=True, help="Print what would change; write and send nothing.")
@click.option("--no-wait", is_flag=True, help="Send the re-checks and return (no progress bar).")
def reverify(
    programme: str | None, period: str | None, unit: str | None, dry_run: bool, no_wait: bool
) -> None:
    """Re-check documents whose rule-set version differs from the catalog in force.

    They are checked again in the background (queue <ABSAH_QUEUE_NAME>.reverify, after any
    new upload), from their stored facts when possible; earlier findings stay, by version.
    """
    from absah.reverifying import print_preview, watch
    from infra.reverify import Scope
    from worker.reverify_runs import preview, schedule
    from worker.runtime import WorkerRuntime

    settings = _settings()
    _check_catalogs(settings)
    rt = WorkerRuntime(settings)
    scope = Scope(programme.upper() if programme else None, period, unit)
    try:
        if dry_run:
            print_preview(preview(rt, scope))
            return
        if not settings.broker_url:
            _fail("ABSAH_BROKER_URL is not set (the re-checks go to the workers' broker)")
        found = schedule(rt, rt.sender, scope)
        if not found:
            click.echo("Tidak ada dokumen yang perlu diperiksa ulang · nothing to re-verify")
            return
        versions = sorted({d.in_force for d in found})
        click.echo(
            f"{len(found)} dokumen diperiksa ulang dengan {', '.join(versions)} · "
            f"{len(found)} document(s) sent for re-verification"
        )
        if not no_wait:
            watch(rt, found)
    finally:
        rt.engine.dispose()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations and seed an empty unit registry."""
    from absah.run import prepare_database

    prepare_database(_settings())
    click.echo("database up to date")


@main.group()
def units() -> None:
    """The unit registry (regions, governments, UPTs)."""


@units.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def units_import(csv_file: Path) -> None:
    """Create or update units from a CSV (code,name,kind,region[,region_name,active])."""
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.units import UnitImportError, import_units_csv

    engine = create_db_engine(_settings())
    try:
        with transaction(create_session_factory(engine)) as session:
            result = import_units_csv(session, csv_file.read_text(encoding="utf-8-sig"))
    except UnitImportError as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file}: {problem}", err=True)
        _fail("nothing imported")
    except UnicodeDecodeError:
        _fail(f"{csv_file}: not UTF-8 text; nothing imported")
    finally:
        engine.dispose()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


@units.command("list")
@click.option("--region", default=None)
def units_list(region: str | None) -> None:
    """Registered units."""
    from infra.db import create_db_engine, create_session_factory
    from infra.units import list_units

    engine = create_db_engine(_settings())
    with create_session_factory(engine)() as session:
        for unit in list_units(session, region):
            state = "" if unit.active else "  (nonaktif)"
            click.echo(f"{unit.code:<12} {unit.kind:<10} {unit.region_code}  {unit.name}{state}")
    engine.dispose()


@main.group()
def keys() -> None:
    """API keys (shown once, stored hashed)."""


@keys.command("create")
@click.option("--role", type=click.Choice(["portal", "unit", "verifier", "admin"]), required=True)
@click.option("--unit", "units_", multiple=True, help="Unit code (repeat for a portal).")
@click.option("--region", default=None, help="Province code, e.g. 16 (verifier, portal).")
@click.option("--name", default=None, help="Who holds the key.")
def keys_create(role: str, units_: tuple[str, ...], region: str | None, name: str | None) -> None:
    """Mint a key and print it (it cannot be shown again)."""
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.keys import KeyRefused, Role, create_key

    engine = create_db_engine(_settings())
    try:
        with transaction(create_session_factory(engine)) as session:
            new = create_key(
                session,
                role=Role(role),
                name=name or f"{role} key",
                units=list(units_),
                region=region,
            )
    except KeyRefused as exc:
        _fail(str(exc), code=2)
    finally:
        engine.dispose()
    click.echo(new.secret)
    click.echo(f"key {new.prefix} ({role}) created; store it now, it is not shown again", err=True)


@keys.command("revoke")
@click.argument("key")
def keys_revoke(key: str) -> None:
    """End a key, by its prefix (absah_PREFIX_…) or id."""
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.keys import revoke_key

    prefix = key.split("_")[1] if key.startswith("absah_") else key
    engine = create_db_engine(_settings())
    with transaction(create_session_factory(engine)) as session:
        done = revoke_key(session, prefix)
    engine.dispose()
    if done is None:
        _fail(f"no active key {prefix}")
    click.echo(
        f"key {prefix} revoked; {done.sessions_ended} page session(s) ended, "
        f"{done.claims_released} review claim(s) released"
    )


@keys.command("list")
def keys_list() -> None:
    """Keys with role, scope and state (never the secret)."""
    from infra.db import create_db_engine, create_session_factory
    from infra.keys import list_keys

    engine = create_db_engine(_settings())
    with create_session_factory(engine)() as session:
        for row in list_keys(session):
            scope = ",".join(row.unit_codes) or (
                f"region {row.region_code}" if row.region_code else "all"
            )
            state = "revoked" if row.revoked_at else "active"
            click.echo(f"{row.prefix}  {row.role:<9} {scope:<20} {state:<8} {row.name}")
    engine.dispose()


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--programme", "-p", required=True, help="KKPHAM, P2HAM or AKSIHAM.")
@click.option("--period", required=True, help="2025, or 2025-B08 for AKSIHAM.")
@click.option("--unit", "-u", required=True, help="Unit code, e.g. 1671 or LPPPLG.")
@click.option("--unit-kind", default=None, help="lapas, rutan, kota… (known units: automatic).")
@click.option("--criterion", default=None, help="Bind every file to this criterion.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def verify(
    path: Path,
    programme: str,
    period: str,
    unit: str,
    unit_kind: str | None,
    criterion: str | None,
    fmt: str,
) -> None:
    """Check a folder or ZIP offline, with the worker's checks; exit 0 only if all is good."""
    from absah.report import render
    from infra.archives import ArchiveError
    from rules.catalogs import NoCatalogForYear, UnknownProgramme, load_catalogs
    from rules.periods import PeriodError
    from worker.extract import ExtractLimits
    from worker.offline import verify_offline
    from worker.scans import ocr_options

    settings = _settings()
    try:
        report = verify_offline(
            load_catalogs(site=_settings().catalog_dir),
            path,
            programme=programme,
            period=period,
            unit=unit,
            unit_kind=unit_kind,
            criterion=criterion,
            limits=ExtractLimits(signature_trust_roots=settings.signature_trust_roots),
            ocr=ocr_options(settings),  # OCR in this process, as the OCR worker would
        )
    except (UnknownProgramme, PeriodError, NoCatalogForYear) as exc:
        _fail(str(exc), code=2)
    except ArchiveError as exc:
        _fail(f"{path}: {exc.message} ({exc.code})", code=2)
    click.echo(render(report, fmt))
    sys.exit(0 if report.all_good else 1)


@main.group()
def rules() -> None:
    """Rule catalogs."""


@rules.command("lint")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Catalog folder (default: the shipped catalogs).",
)
@click.option(
    "--site",
    type=click.Path(path_type=Path),
    default=None,
    help="Site catalog folder replacing shipped catalogs (default: ABSAH_CATALOG_DIR).",
)
def rules_lint(directory: Path | None, site: Path | None) -> None:
    """Validate every catalog: schema, check ids, parameters, duplicate ids, coverage; with a
    site folder (ABSAH_CATALOG_DIR), its files and the set they make with the shipped ones."""
    from rules.catalog import CATALOG_DIR
    from rules.catalogs import lint_catalogs

    problems = lint_catalogs(directory or CATALOG_DIR, site or _settings().catalog_dir)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("catalogs ok")


main.add_command(users)

if __name__ == "__main__":
    main()
