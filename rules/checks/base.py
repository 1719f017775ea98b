"""What a check is: a stable id, its reason codes, a typed parameter model and a pure function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Emitter, Finding

P = TypeVar("P", bound=BaseModel)


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class CheckSpec(Emitter, Generic[P]):
    """A registered check. `check` says what it found; `run` turns that into a stamped finding."""

    params: type[P]
    check: Callable[[FileFacts, CheckContext, P], CheckResult]
    summary: str

    def parse_params(self, raw: dict[str, Any]) -> P:
        return self.params.model_validate(raw)

    def run(self, facts: FileFacts, ctx: CheckContext, params: P) -> Finding:
        return self.finding(self.check(facts, ctx, params))
