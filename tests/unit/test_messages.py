"""Reason codes and messages: every emitter declares its codes, every code has both messages."""

from __future__ import annotations

import string
from datetime import date
from typing import Any, get_args

import pytest

from rules.checks import CHECKS
from rules.checks.base import CheckSpec, NoParams
from rules.completeness import REASON_CODES
from rules.context import CheckContext
from rules.evaluation import EVIDENCE_KIND, UNABLE_TO_CHECK_CODES
from rules.facts import FileFacts, ImageError, ImageFacts, PdfError, PdfFacts
from rules.findings import CheckResult, Emitter, Outcome, UndeclaredReason, result
from rules.messages import FAMILIES, MESSAGES, render
from rules.tabular import TableError, TableFacts
from tests.support.facts import (
    SK_PAGES,
    ctx,
    facts,
    image,
    match,
    pdf,
    photo_file,
    run,
    sk_file,
    table_file,
)

EMITTERS: list[Emitter] = [*CHECKS.values(), EVIDENCE_KIND]
# Codes that are no finding's but still reach the uploader with a message.
NON_FINDING_CODES = {"completeness": REASON_CODES, "worker": UNABLE_TO_CHECK_CODES}
DECLARED = {code for e in EMITTERS for code in e.codes} | {
    code for codes in NON_FINDING_CODES.values() for code in codes
}


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.mark.parametrize("emitter", EMITTERS, ids=lambda e: e.id)
def test_every_code_an_emitter_declares_has_an_indonesian_and_an_english_message(
    emitter: Emitter,
) -> None:
    assert emitter.codes, emitter.id
    assert len(set(emitter.codes)) == len(emitter.codes), f"{emitter.id} declares a code twice"
    for code in emitter.codes:
        assert code in MESSAGES, f"{emitter.id} declares {code!r}, which has no message"


@pytest.mark.parametrize("source", sorted(NON_FINDING_CODES))
def test_every_code_outside_findings_has_messages_too(source: str) -> None:
    assert sorted(set(NON_FINDING_CODES[source]) - set(MESSAGES)) == []


def test_every_message_belongs_to_a_code_some_emitter_declares() -> None:
    assert sorted(set(MESSAGES) - DECLARED) == []


def test_the_message_families_do_not_overlap() -> None:
    # the families are merged into one table: a code in two would lose one of its templates
    assert sum(len(family) for family in FAMILIES.values()) == len(MESSAGES)


def _says(code: str) -> CheckResult:
    return result(Outcome.PASS, code)


def _check(_: FileFacts, __: CheckContext, ___: NoParams) -> CheckResult:
    return result(Outcome.PASS, "pdf-ok", pages=1)


def test_a_check_that_emits_a_code_it_does_not_declare_raises_naming_both() -> None:
    spec = CheckSpec(id="careless", codes=("ok",), params=NoParams, check=_check, summary="-")
    with pytest.raises(UndeclaredReason, match=r"careless emitted reason code 'pdf-ok'"):
        spec.run(facts(), ctx(), NoParams())


def test_the_kind_resolution_refuses_codes_it_does_not_declare_too() -> None:
    with pytest.raises(UndeclaredReason, match="evidence-kind"):
        EVIDENCE_KIND.finding(_says("pdf-ok"))


def test_the_registry_stamps_the_check_id_on_the_finding() -> None:
    for check_id in ("pdf-opens", "file-size", "duplicate-in-submission"):
        assert run(check_id, sk_file()).check_id == check_id


@pytest.mark.parametrize("code", get_args(PdfError))
def test_each_pdf_error_the_worker_may_record_is_declared_by_pdf_opens(code: str) -> None:
    finding = run("pdf-opens", facts(pdf=PdfFacts(opened=False, error=code)))
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, code)


@pytest.mark.parametrize("code", get_args(TableError))
def test_each_table_error_the_worker_may_record_is_declared_by_table_schema(code: str) -> None:
    table = TableFacts(format="csv", error=code, error_detail="bukan teks")
    finding = run("table-schema", facts("t.csv", mime="text/csv", table=table), **TABLE_PARAMS)
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, code)


@pytest.mark.parametrize("code", get_args(ImageError))
def test_each_image_error_the_worker_may_record_is_declared_by_image_decodes(code: str) -> None:
    finding = run("image-decodes", facts(image=ImageFacts(decoded=False, error=code)))
    assert (finding.outcome, finding.reason_code) == (Outcome.FAIL, code)


def test_the_facts_refuse_an_error_code_no_check_declares() -> None:
    with pytest.raises(ValueError, match="pdf-damaged"):
        PdfFacts(opened=False, error="pdf-damaged")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_template_is_well_formed_in_both_languages(code: str) -> None:
    template_id, template_en = MESSAGES[code]
    for template in (template_id, template_en):
        assert template.strip()
        assert template == template.strip()
        for field in _fields(template):
            assert field.isidentifier(), f"{code}: {{{field}}} is not a plain parameter name"
    assert template_id != template_en


def _sample(field: str) -> Any:
    lists = {"allowed", "missing", "features", "other_criteria", "columns"}
    return ["a", "b"] if field in lists else 7


@pytest.mark.parametrize("code", sorted(MESSAGES))
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
    photo_file(phash=12345),
    table_file(["Kecamatan", "Jumlah"], ["Lahat", 12]),
    table_file(["Kecamatan", "Jumlah"], ["Lahat", "nihil"], fmt="xlsx"),
    table_file(["Kecamatan", "Jumlah"], ["Lahat", "dua belas"]),
    table_file(["Kecamatan", "Jumlah"], ["Lahat", None]),
    table_file(["Kecamatan", "Jumlah"], ["", 4]),
    table_file(["Kecamatan", "Jumlah"]),
    table_file(["Wilayah"], ["Lahat"]),
    table_file(),
]
CONTEXTS = [
    ctx(**WINDOW),
    ctx(kind=None),
    ctx(sibling_hashes={"a" * 64: ["P2H-01-RAMP"]}),
    ctx(photo_matches=(match(), match(same_bytes=True, distance=0))),
]
TABLE_PARAMS: dict[str, Any] = {
    "templates": [
        {
            "template": "contoh",
            "title": "Contoh",
            "fields": [{"name": "Kecamatan"}, {"name": "Jumlah", "type": "integer"}],
        }
    ]
}
PARAMS: dict[str, list[dict[str, Any]]] = {
    "table-schema": [TABLE_PARAMS],
    "keywords": [{"all": ["TIM"]}, {"any": ["X"], "on_missing": "review"}],
    "decree-structure": [{}, {"min_soft": 8}],
    "file-name": [{}, {"require_canonical": True}],
}


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_finding_of_every_check_renders_in_both_languages(check_id: str) -> None:
    spec = CHECKS[check_id]
    for params in PARAMS.get(check_id, [{}]):
        for context in CONTEXTS:
            for file in CORPUS:
                finding = spec.run(file, context, spec.parse_params(params))
                # the registry refused any undeclared code already (UndeclaredReason)
                assert finding.reason_code in spec.codes
                for message in (finding.message_id, finding.message_en):
                    assert "?" not in message, (check_id, finding.reason_code, message)
                    assert "None" not in message, (check_id, finding.reason_code, message)


@pytest.mark.parametrize(
    ("code", "params", "indonesian", "english"),
    [
        pytest.param(
            "size-over-upstream",
            {"size_mb": 2.5, "warn_mb": 2.0},
            "Ukuran berkas 2,5 MB melebihi 2 MB",
            "The file is 2.5 MB, over 2 MB",
            id="decimal-comma-in-indonesian-only",
        ),
        pytest.param(
            "mime-not-allowed",
            {"detected": "text/html", "kind": "facility_photo", "allowed": ["image/jpeg"]},
            "terdeteksi sebagai halaman web (HTML), padahal untuk jenis bukti ini hanya "
            "diterima: berkas gambar JPEG",
            "The file's content is text/html, but facility_photo accepts only: image/jpeg",
            id="type-and-kind-names-not-codes",
        ),
        pytest.param(
            "pdf-broken",
            {"detail": "EOF marker not found"},
            "PDF rusak dan tidak dapat dibuka.",
            "(EOF marker not found)",
            id="library-text-in-english-only",
        ),
    ],
)
def test_indonesian_messages_speak_to_people_and_english_keeps_the_codes(
    code: str, params: dict[str, Any], indonesian: str, english: str
) -> None:
    message_id, message_en = render(code, **params)
    assert indonesian in message_id
    assert english in message_en
    for raw in ("/", "_", "EOF"):
        assert raw not in message_id


def test_another_documents_day_reads_as_indonesian_writes_it_and_stays_iso_in_english() -> None:
    message_id, message_en = render(
        "file-from-other-unit", other_unit="Kota Palembang", other_date="2025-12-01"
    )
    assert "pada 1 Desember 2025." in message_id
    assert "on 2025-12-01." in message_en
    assert "pada ?." in render("file-from-other-unit", other_unit="Kota Palembang")[0]
