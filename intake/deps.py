"""Dependencies routes ask for: the runtime and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from infra.db import transaction
from intake.runtime import ApiRuntime


def get_runtime(request: Request) -> ApiRuntime:
    runtime: ApiRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ApiRuntime, Depends(get_runtime)]


def get_session(request: Request, rt: Runtime) -> Iterator[Session]:
    """The request's one transaction (a database that went away is the app's 503 handler's)."""
    with transaction(rt.sessions) as session:
        request.state.db_session = session  # a page's banner reads in it (SQLite: one writer)
        yield session


DbSession = Annotated[Session, Depends(get_session)]
