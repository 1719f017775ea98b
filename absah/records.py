"""The commands that keep the records: db, units, keys, recheck and reverify."""

from __future__ import annotations

from pathlib import Path

import click

from absah.shell import check_catalogs, fail, load_settings


@click.command()
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
        fail("name document ids or --all (not both)", 2)
    rt = WorkerRuntime(load_settings())
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
        fail(f"{len(ids) - len(taken)} of {len(ids)} document(s) were not unable_to_check")


@click.command()
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

    settings = load_settings()
    check_catalogs(settings)
    rt = WorkerRuntime(settings)
    scope = Scope(programme.upper() if programme else None, period, unit)
    try:
        if dry_run:
            print_preview(preview(rt, scope))
            return
        if not settings.broker_url:
            fail("ABSAH_BROKER_URL is not set (the re-checks go to the workers' broker)")
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


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations and seed an empty unit registry."""
    from absah.run import prepare_database

    prepare_database(load_settings())
    click.echo("database up to date")


@click.group()
def units() -> None:
    """The unit registry (regions, governments, UPTs)."""


@units.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def units_import(csv_file: Path) -> None:
    """Create or update units from a CSV (code,name,kind,region[,region_name,active])."""
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.units import UnitImportError, import_units_csv

    engine = create_db_engine(load_settings())
    try:
        with transaction(create_session_factory(engine)) as session:
            result = import_units_csv(session, csv_file.read_text(encoding="utf-8-sig"))
    except UnitImportError as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file}: {problem}", err=True)
        fail("nothing imported")
    except UnicodeDecodeError:
        fail(f"{csv_file}: not UTF-8 text; nothing imported")
    finally:
        engine.dispose()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


@units.command("list")
@click.option("--region", default=None)
def units_list(region: str | None) -> None:
    """Registered units."""
    from infra.db import create_db_engine, create_session_factory
    from infra.units import list_units

    engine = create_db_engine(load_settings())
    with create_session_factory(engine)() as session:
        for unit in list_units(session, region):
            state = "" if unit.active else "  (nonaktif)"
            click.echo(f"{unit.code:<12} {unit.kind:<10} {unit.region_code}  {unit.name}{state}")
    engine.dispose()


@click.group()
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

    engine = create_db_engine(load_settings())
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
        fail(str(exc), code=2)
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
    engine = create_db_engine(load_settings())
    with transaction(create_session_factory(engine)) as session:
        done = revoke_key(session, prefix)
    engine.dispose()
    if done is None:
        fail(f"no active key {prefix}")
    click.echo(
        f"key {prefix} revoked; {done.sessions_ended} page session(s) ended, "
        f"{done.claims_released} review claim(s) released"
    )


@keys.command("list")
def keys_list() -> None:
    """Keys with role, scope and state (never the secret)."""
    from infra.db import create_db_engine, create_session_factory
    from infra.keys import list_keys

    engine = create_db_engine(load_settings())
    with create_session_factory(engine)() as session:
        for row in list_keys(session):
            scope = ",".join(row.unit_codes) or (
                f"region {row.region_code}" if row.region_code else "all"
            )
            state = "revoked" if row.revoked_at else "active"
            click.echo(f"{row.prefix}  {row.role:<9} {scope:<20} {state:<8} {row.name}")
    engine.dispose()
