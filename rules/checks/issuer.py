"""Who issued a decree or regulation: the heading and signature block must name the unit itself.

The unit registry says how each unit names itself on a decree ("WALI KOTA PALEMBANG", "BUPATI
LAHAT", "KEPALA RUMAH TAHANAN NEGARA KELAS I PALEMBANG"); the pipeline puts those names in the
context. A decree naming another registered unit fails; one naming none goes to a person.
"""

from __future__ import annotations

from pydantic import Field

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.fuzzy import Match
from rules.text import SearchText, prepare


class IssuerParams(Params):
    fuzzy_threshold: float = Field(default=0.85, ge=0.5, le=1.0)
    head_chars: int = Field(default=1500, ge=100)  # the heading ends at Menimbang, or here
    sign_chars: int = Field(default=700, ge=100)  # the signature block after "Ditetapkan di"
    # a long name would allow many edits at the threshold: "LEMBAGA PEMASYARAKATAN …" in the
    # letterhead is 6 edits from "KEPALA LEMBAGA PEMASYARAKATAN …" and must not count
    max_edits: int = Field(default=2, ge=0)


def _regions(text: SearchText, params: IssuerParams) -> list[SearchText]:
    compact = text.compact
    menimbang = compact.find("menimbang")
    head = compact[: menimbang if 0 < menimbang < params.head_chars else params.head_chars]
    regions = [prepare(head)]
    signed = compact.find("ditetapkandi")
    if signed >= 0:
        regions.append(prepare(compact[signed : signed + params.sign_chars]))
    return regions


def named_issuers(
    text: SearchText, ctx: CheckContext, threshold: float, params: IssuerParams
) -> dict[str, str]:
    """Registered units whose issuer name stands in the heading or signature block, by code,
    with the name found; a name inside a longer one found at the same place does not count
    (BUPATI MUSI RAWAS inside BUPATI MUSI RAWAS UTARA)."""
    hits: list[tuple[int, Match, str, str]] = []
    for index, region in enumerate(_regions(text, params)):
        for code, names in ctx.issuers.items():
            for name in names:
                found = region.find(name, threshold, max_edits=params.max_edits)
                if found is not None:
                    hits.append((index, found, code, name))
    kept: dict[str, str] = {}
    for index, match, code, name in hits:
        covered = any(
            other_index == index
            and other_code != code
            and other.end - other.start > match.end - match.start
            and other.start <= match.end
            and match.start <= other.end
            for other_index, other, other_code, _ in hits
        )
        if not covered:
            kept.setdefault(code, name)
    return kept


def decree_issuer(facts: FileFacts, ctx: CheckContext, params: IssuerParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "issuer-no-text")
    named = named_issuers(prepare(facts.text), ctx, params.fuzzy_threshold, params)
    own = named.pop(ctx.unit_code, None)
    unit = ctx.unit_names.get(ctx.unit_code, ctx.unit_code)
    if named and own is None:
        code, issuer = next(iter(named.items()))
        return result(
            Outcome.FAIL,
            "decree-wrong-issuer",
            issuer=issuer,
            other_unit=ctx.unit_names.get(code, code),
            other_code=code,
            unit=unit,
        )
    if own is not None and named:
        return result(
            Outcome.WARN,
            "decree-issuer-mixed",
            needs_review=True,
            issuer=own,
            others=[ctx.unit_names.get(c, c) for c in named],
        )
    if own is not None:
        return result(Outcome.PASS, "decree-issuer-ok", issuer=own, unit=unit)
    if ctx.unit_code not in ctx.issuers:
        # nothing to compare with: say so, but a registry gap is not the uploader's fault
        return result(Outcome.WARN, "decree-issuer-unregistered", unit=unit)
    return result(
        Outcome.WARN,
        "decree-issuer-unknown",
        needs_review=True,
        expected=ctx.issuers[ctx.unit_code][0],
    )


DECREE_ISSUER = CheckSpec(
    id="decree-issuer",
    codes=(
        "decree-issuer-ok",
        "decree-wrong-issuer",
        "decree-issuer-mixed",
        "decree-issuer-unknown",
        "decree-issuer-unregistered",
        "issuer-no-text",
    ),
    params=IssuerParams,
    check=decree_issuer,
    summary="the heading or signature block names the unit itself, not another registered unit",
)
