"""What a check is: a stable id, a typed parameter model and a pure function over facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import Finding

P = TypeVar("P", bound=BaseModel)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckSpec(Generic[P]):
    id: str
    params: type[P]
    run: Callable[[FileFacts, CheckContext, P], Finding]
    summary: str

    def parse_params(self, raw: dict[str, Any]) -> P:
        return self.params.model_validate(raw)
