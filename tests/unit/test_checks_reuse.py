"""file-reused over the copies the worker found: another unit's very bytes go to a person."""

from __future__ import annotations

import pytest

from rules.catalogs import CatalogSet
from rules.findings import Outcome
from rules.similar import named_by_reuse
from tests.support.facts import copy_of, ctx, match, photo_file, run, sk_file

SK = sk_file()


def test_a_file_no_other_unit_holds_passes() -> None:
    finding = run("file-reused", SK, ctx(file_matches=()))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.PASS,
        "file-unique",
        False,
    )


def test_another_units_copy_goes_to_a_person_naming_the_earliest() -> None:
    copies = (
        copy_of(
            document_id="later", unit_code="1602", unit_name="Kab. OKI", uploaded_at="2025-06-01"
        ),
        copy_of(document_id="first", uploaded_at="2025-04-10"),
    )
    finding = run("file-reused", SK, ctx(file_matches=copies))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.WARN,
        "file-from-other-unit",
        True,
    )
    assert finding.details is not None
    assert finding.details["other_document"] == "first"
    assert [m["document_id"] for m in finding.details["matches"]] == ["first", "later"]
    assert (finding.details["match_count"], finding.details["units"]) == (2, 2)
    assert finding.message_id == (
        "Berkas yang sama persis sudah diunggah oleh Kota Palembang untuk P2H-00-SKTIM periode "
        "2025 pada 10 April 2025. Verifikator akan memeriksanya."
    )


def test_on_one_day_the_order_the_worker_read_them_in_says_which_came_first() -> None:
    """Dates are days; the worker lists copies by their upload time, and ties keep it."""
    copies = (
        copy_of(document_id="morning", unit_code="1674", uploaded_at="2025-04-10"),
        copy_of(document_id="noon", unit_code="1602", uploaded_at="2025-04-10"),
    )
    finding = run("file-reused", SK, ctx(file_matches=copies))
    assert finding.details is not None
    assert finding.details["other_document"] == "morning"


def test_where_a_file_may_serve_several_units_the_copy_is_shown_not_sent_to_a_person() -> None:
    finding = run("file-reused", SK, ctx(file_matches=(copy_of(),)), review=False)
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.WARN,
        "file-shared-with-other-unit",
        False,
    )
    assert "hal itu wajar" in finding.message_id


def test_a_pdf_saved_again_by_another_unit_goes_to_a_person_as_the_same_text() -> None:
    """The worker adds copies of the text in other bytes (same_bytes false) after those of the
    bytes; a copy of the very bytes is named first even when a text copy is older."""
    text_only = copy_of(document_id="resaved", uploaded_at="2025-03-01", same_bytes=False)
    finding = run("file-reused", SK, ctx(file_matches=(text_only,)))
    assert (finding.outcome, finding.reason_code, finding.needs_review) == (
        Outcome.WARN,
        "text-from-other-unit",
        True,
    )
    assert finding.message_id.startswith(
        "Isi teks berkas ini sama dengan isi teks dokumen yang diunggah oleh Kota Palembang"
    )
    assert finding.details is not None
    assert finding.details["matches"][0]["same_bytes"] is False

    both = (text_only, copy_of(document_id="bytes", uploaded_at="2025-05-01"))
    finding = run("file-reused", SK, ctx(file_matches=both))
    assert (finding.reason_code, finding.details and finding.details["other_document"]) == (
        "file-from-other-unit",
        "bytes",
    )
    assert finding.details is not None
    assert [m["document_id"] for m in finding.details["matches"]] == ["bytes", "resaved"]

    shared = run("file-reused", SK, ctx(file_matches=(text_only,)), review=False)
    assert (shared.reason_code, shared.needs_review) == ("text-shared-with-other-unit", False)


def test_where_nobody_looked_for_copies_nothing_is_claimed() -> None:
    """`absah verify` knows one unit's folder only: the check is skipped, not passed."""
    finding = run("file-reused", SK, ctx())
    assert (finding.outcome, finding.reason_code) == (Outcome.SKIP, "not-applicable")


def test_the_units_own_file_is_never_its_copy() -> None:
    """The worker reads no own-unit twin of another submission; the check does not rely on it."""
    finding = run("file-reused", SK, ctx(file_matches=(copy_of(unit_code="LPPPLG"),)))
    assert finding.reason_code == "file-unique"


@pytest.mark.parametrize("programme", ["KKPHAM", "P2HAM", "AKSIHAM"])
def test_every_kind_but_photos_looks_for_copies_in_the_shipped_catalogs(
    catalogs: CatalogSet, programme: str
) -> None:
    """Photos have photo-near-duplicate (it also finds the very same file); every other kind
    runs file-reused."""
    for catalog in (c for c in catalogs.catalogs if c.programme == programme):
        for name, kind in catalog.evidence_kinds.items():
            ids = {ref.check for ref in kind.checks}
            assert ("file-reused" in ids) != ("photo-near-duplicate" in ids), name


def test_a_verdict_names_the_documents_its_re_use_findings_point_to() -> None:
    copies = (copy_of(document_id="a"), copy_of(document_id="b", unit_code="1602"))
    found = [
        run("file-reused", SK, ctx(file_matches=copies)),
        run("file-reused", SK, ctx(file_matches=())),  # a pass names nobody
        run("photo-near-duplicate", photo_file(phash=1), ctx(photo_matches=(match(),))),
    ]
    assert named_by_reuse(found) == ["a", "b", "doc-other"]
