"""Every reason code a check can emit has messages, filled by what the callers pass."""

from __future__ import annotations

import ast
import inspect
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import rules
from rules.checks import CHECKS
from rules.facts import ImageFacts, PdfFacts
from rules.messages import MESSAGES, render
from tests.unit.builders import SK_PAGES, ctx, facts, image, pdf, photo_file, sk_file

RULES_DIR = Path(rules.__file__).parent
ROOT = RULES_DIR.parent

# Reason codes a check takes from the facts (`pdf.error or "pdf-broken"`): what the worker's
# extraction may put in PdfFacts.error and ImageFacts.error.
FACT_ERRORS = {
    "pdf": {"pdf-broken", "pdf-encrypted", "pdf-too-many-pages"},
    "image": {"image-broken", "image-too-many-pixels"},
}
# Reason codes that the worker emits itself, outside rules/ (DESIGN.md: unable_to_check).
WORKER_CODES = {"attempts-exhausted", "object-changed", "object-missing"}


@dataclass(frozen=True)
class Emission:
    """One make_finding call: which codes it may emit and which parameters it passes."""

    where: str
    codes: frozenset[str]  # written in the call
    fact_codes: frozenset[str]  # taken from the facts; earlier branches may have caught some
    params: frozenset[str] | None  # None when the call forwards **params we cannot see


def _codes(node: ast.expr, where: str) -> tuple[set[str], set[str]]:
    """(the literal codes, the codes read from the facts) an expression may give."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, set()
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "error"
        and isinstance(node.value, ast.Name)
        and node.value.id in FACT_ERRORS
    ):
        return set(), FACT_ERRORS[node.value.id]
    if isinstance(node, ast.IfExp | ast.BoolOp):
        parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
        literal: set[str] = set()
        from_facts: set[str] = set()
        for part in parts:
            more_literal, more_from_facts = _codes(part, where)
            literal |= more_literal
            from_facts |= more_from_facts
        return literal, from_facts
    raise AssertionError(
        f"{where}: the reason code {ast.unparse(node)!r} is not a literal; write the codes out "
        "(or an `a if c else b` of literals) so their messages can be checked"
    )


def _emissions() -> list[Emission]:
    found = []
    for path in sorted(RULES_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "make_finding"
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            code = node.args[2] if len(node.args) > 2 else keywords.get("reason_code")
            assert code is not None, f"{where}: make_finding without a reason code"
            literal, from_facts = _codes(code, where)
            params = (
                None
                if None in keywords
                else frozenset(
                    str(k) for k in keywords if k not in {"needs_review", "location", "reason_code"}
                )
            )
            found.append(Emission(where, frozenset(literal), frozenset(from_facts), params))
    return found


EMISSIONS = _emissions()
EMITTED = {code for e in EMISSIONS for code in e.codes | e.fact_codes}


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_the_scan_finds_the_checks() -> None:
    # a guard on the scanner itself: every registered check emits something it can see
    wheres = {emission.where.split(":")[0] for emission in EMISSIONS}
    for spec in CHECKS.values():
        module = Path(inspect.getsourcefile(spec.run) or "").relative_to(ROOT)
        assert str(module) in wheres, spec.id
    assert {"mime-not-allowed", "pdf-no-text", "decree-date-outside-period"} <= EMITTED


def test_every_reason_code_a_check_can_emit_has_a_message() -> None:
    assert sorted(EMITTED - set(MESSAGES)) == []


def test_every_message_belongs_to_a_reason_code_someone_emits() -> None:
    assert sorted(set(MESSAGES) - EMITTED - WORKER_CODES) == []


def test_the_worker_codes_are_really_emitted_by_the_worker() -> None:
    worker = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "worker").rglob("*.py"))
    for code in WORKER_CODES:
        assert f'"{code}"' in worker, code


def test_the_fact_errors_are_the_ones_the_worker_extracts() -> None:
    source = (ROOT / "worker" / "extract.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    extracted = {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "error"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
    }
    assert extracted == FACT_ERRORS["pdf"] | FACT_ERRORS["image"]


@pytest.mark.parametrize("code", sorted(MESSAGES), ids=sorted(MESSAGES))
def test_each_template_is_well_formed_in_both_languages(code: str) -> None:
    template_id, template_en = MESSAGES[code]
    for template in (template_id, template_en):
        assert template.strip()
        assert template == template.strip()
        for field in _fields(template):
            assert field.isidentifier(), f"{code}: {{{field}}} is not a plain parameter name"
    assert template_id != template_en


@pytest.mark.parametrize(
    "emission", [e for e in EMISSIONS if e.params is not None], ids=lambda e: e.where
)
def test_each_template_is_filled_by_the_parameters_its_callers_pass(emission: Emission) -> None:
    assert emission.params is not None
    for code in sorted(emission.codes):
        for template in MESSAGES[code]:
            missing = _fields(template) - emission.params
            assert not missing, f"{emission.where}: {code} wants {sorted(missing)}"


def _sample(field: str) -> Any:
    return ["a", "b"] if field in {"allowed", "missing", "features", "other_criteria"} else 7


@pytest.mark.parametrize("code", sorted(MESSAGES), ids=sorted(MESSAGES))
def test_each_template_renders_without_leftover_braces(code: str) -> None:
    params = {f: _sample(f) for template in MESSAGES[code] for f in _fields(template)}
    for message in render(code, **params):
        assert "{" not in message
        assert "}" not in message
        assert "?" not in message
        assert "[" not in message  # lists read as "a, b", not as Python lists


def test_an_unknown_reason_code_is_an_error_naming_the_code() -> None:
    with pytest.raises(KeyError, match="no-such-code"):
        render("no-such-code")


def test_a_missing_parameter_renders_as_a_question_mark_not_a_crash() -> None:
    assert render("pdf-ok") == ("PDF dapat dibuka (? halaman).", "The PDF opens (? pages).")


WINDOW = {"window_start": date(2025, 1, 1), "window_end": date(2025, 12, 31)}
CORPUS = [
    sk_file(),
    sk_file("tanpa struktur"),
    facts(pdf=pdf(page_count=2)),
    facts(pdf=PdfFacts(opened=False, error="pdf-broken", error_detail="bad xref")),
    facts(pdf=PdfFacts(opened=False, encrypted=True, error="pdf-encrypted")),
    facts(pdf=PdfFacts(opened=False, error="pdf-too-many-pages", page_count=900)),
    facts(pdf=pdf(*SK_PAGES, has_javascript=True, has_embedded_files=True)),
    facts(size=0),
    facts("bad name.docx", size=30 * 1024 * 1024, mime="image/jpeg"),
    photo_file(),
    photo_file(width=100, height=100, exif_datetime=None),
    photo_file(width=600, height=600, exif_datetime="2019-01-01T00:00:00"),
    facts("f.jpg", mime="image/jpeg", image=ImageFacts(decoded=False, error="image-broken")),
    facts("f.jpg", mime="image/jpeg", image=image(decoded=False, error="image-too-many-pixels")),
]
CONTEXTS = [ctx(**WINDOW), ctx(kind=None), ctx(sibling_hashes={"a" * 64: ["P2H-01-RAMP"]})]
PARAMS: dict[str, list[dict[str, Any]]] = {
    "keywords": [{"all": ["TIM"]}, {"any": ["X"], "on_missing": "review"}],
    "decree-structure": [{}, {"min_soft": 8}],
    "file-name": [{}, {"require_canonical": True}],
}


@pytest.mark.parametrize("check_id", sorted(CHECKS), ids=sorted(CHECKS))
def test_every_finding_of_every_check_renders_in_both_languages(check_id: str) -> None:
    spec = CHECKS[check_id]
    for params in PARAMS.get(check_id, [{}]):
        for context in CONTEXTS:
            for file in CORPUS:
                finding = spec.run(file, context, spec.parse_params(params))
                assert finding.reason_code in MESSAGES
                assert finding.reason_code in EMITTED, "the source scan missed this code"
                for message in (finding.message_id, finding.message_en):
                    assert "?" not in message, (check_id, finding.reason_code, message)
                    assert "None" not in message, (check_id, finding.reason_code, message)
