"""The naming convention: a canonical name must agree with the submission it was sent to."""

from __future__ import annotations

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.naming import PATTERN, NameProblem


class NameParams(Params):
    # DOMAIN.md §7 recommends not forcing uploaders to type canonical names: off by default.
    require_canonical: bool = False


def file_name(facts: FileFacts, ctx: CheckContext, params: NameParams) -> CheckResult:
    parsed = ctx.naming.parse(facts.name)
    if isinstance(parsed, NameProblem):
        outcome = Outcome.FAIL if params.require_canonical else Outcome.WARN
        return result(
            outcome,
            "name-not-canonical",
            pattern=PATTERN,
            problem=parsed.text_id,
            problem_en=parsed.text_en,
            location={"token": parsed.token},
        )
    expected = {
        "UNIT": ctx.unit_code.upper(),
        "PROG": ctx.programme,
        "PERIOD": ctx.period,
        "CRIT": ctx.criterion_id,
    }
    found = {
        "UNIT": parsed.unit.upper(),
        "PROG": parsed.programme,
        "PERIOD": parsed.period,
        "CRIT": parsed.criterion,
    }
    for token, want in expected.items():
        if found[token] != want:
            return result(
                Outcome.FAIL,
                "name-token-mismatch",
                token=token,
                found=found[token],
                expected=want,
                location={"token": token},
            )
    return result(Outcome.PASS, "name-ok")


FILE_NAME = CheckSpec(
    id="file-name",
    codes=("name-ok", "name-not-canonical", "name-token-mismatch"),
    params=NameParams,
    check=file_name,
    summary="a canonical name agrees with unit, programme, period and criterion",
)
