"""Dependencies routes ask for: the runtime and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from intake.errors import database_unavailable
from intake.runtime import ApiRuntime


def get_runtime(request: Request) -> ApiRuntime:
    runtime: ApiRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ApiRuntime, Depends(get_runtime)]


def get_session(request: Request, rt: Runtime) -> Iterator[Session]:
    try:
        with rt.sessions() as session, session.begin():
            request.state.db_session = session  # a page's banner reads in it (SQLite: one writer)
            yield session
    except OperationalError as exc:
        raise database_unavailable() from exc


DbSession = Annotated[Session, Depends(get_session)]
