"""Database engines and sessions: the same code on SQLite (embedded, WAL) and PostgreSQL."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import Executable

from infra.settings import Settings
from rules.similar import hamming

S = TypeVar("S", bound=Executable)

# The near-duplicate search's distance, as SQL: on PostgreSQL bit_count over XOR; on SQLite
# this function, so both filter, order and limit in the database (infra/photos.py)
SQLITE_HAMMING = "hamming64"


def _sqlite_hamming(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else hamming(a, b)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling is off; BEGIN IMMEDIATE below takes the write
    # lock up front, so a reader never has to upgrade (which WAL refuses with SQLITE_BUSY).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_conn.create_function(SQLITE_HAMMING, 2, _sqlite_hamming, deterministic=True)


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def owner_only_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, or take group/other access away: SQLite
    creates its file (and its -wal and -shm files, which copy the file's mode) per umask."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)


def create_db_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        settings.ensure_data_dir()
        if not settings.database_url:  # the embedded default's file, in data_dir
            owner_only_file(Path(url.removeprefix("sqlite:///")))
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def per_dialect(build: Callable[[str], S]) -> Callable[[Session], S]:
    """A statement the worker runs once per checked file, built once per database dialect
    from `build(dialect_name)`, its values left as bound parameters. SQLAlchemy builds a
    statement and walks it for its cache key on every call (0.1-0.4 ms each here); a
    statement built once keeps its key, so a call only binds values."""
    built = functools.cache(build)

    def of(session: Session) -> S:
        return built(session.get_bind().dialect.name)

    return of


@functools.cache
def _upsert_statement(
    dialect: str, table: sa.Table, columns: tuple[str, ...], keys: tuple[str, ...]
) -> Executable:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    changes = {name: statement.excluded[name] for name in columns if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changes)


def upsert(session: Session, table: sa.Table, row: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Insert `row`, or update the row that has the same `keys` (a primary key or a unique
    constraint): one statement, on PostgreSQL and SQLite alike (built once per table and
    columns, see `per_dialect`)."""
    dialect = session.get_bind().dialect.name
    session.execute(_upsert_statement(dialect, table, tuple(row), keys), row)
