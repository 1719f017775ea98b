"""Uploaded names: kept for people as sent (display_name), made safe for keys (safe_file_name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.archives import ExpandedEntry
from infra.names import MAX_NAME_LENGTH, display_name, safe_file_name
from intake.upload.bundles import bind_entries
from rules.catalogs import CatalogSet


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        pytest.param("SK Tim P2HAM 2025.pdf", "SK Tim P2HAM 2025.pdf", id="plain"),
        pytest.param("SK Tim 😀 تقرير.pdf", "SK Tim 😀 تقرير.pdf", id="emoji and arabic are kept"),
        pytest.param("..\\..\\evil.pdf", "..\\..\\evil.pdf", id="separators are kept for display"),
        pytest.param("nul\x00x.pdf", "nul\ufffdx.pdf", id="nul"),
        pytest.param(
            "ctl\x01\x1f\t\x7f\x9fname.pdf",
            "ctl\ufffd\ufffd\ufffd\ufffd\ufffdname.pdf",
            id="c0 and c1 controls",
        ),
        pytest.param("line\r\nbreak.pdf", "line\ufffd\ufffdbreak.pdf", id="newlines"),
        pytest.param("a" * 300 + ".pdf", "a" * 300 + ".pdf", id="300 characters are kept whole"),
        pytest.param("b" * 600 + ".pdf", "b" * 508 + ".pdf", id="over 512 keeps its extension"),
        pytest.param("c" * 600, "c" * 512, id="over 512 without extension"),
        pytest.param(
            "d" * 600 + ".not-an-extension",
            ("d" * 600 + ".not-an-extension")[:512],
            id="over 512 with a long suffix",
        ),
        pytest.param("", "", id="empty"),
    ],
)
def test_a_name_is_kept_as_sent_but_for_control_characters_and_length(
    sent: str, shown: str
) -> None:
    assert display_name(sent) == shown
    assert len(display_name(sent)) <= MAX_NAME_LENGTH


@pytest.mark.parametrize(
    "sent",
    [
        "",
        "😀",
        "تقرير.pdf",
        "..\\..\\evil.pdf",
        "../../.pdf",
        "nul\ufffd.pdf",
        "x" * 1000,
        "a.b" * 99,
    ],
)
def test_a_stored_name_is_never_empty_never_a_path_and_bounded(sent: str) -> None:
    stored = safe_file_name(sent)
    assert stored
    assert stored.isascii()
    assert "/" not in stored
    assert "\\" not in stored
    assert stored not in {".", ".."}
    assert len(stored) <= 120


BIDI = [
    "\u200e",
    "\u200f",
    "\u061c",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        pytest.param("foto\u202egpj.exe", "foto\ufffdgpj.exe", id="right-to-left override"),
        pytest.param("a\u2066b\u2069.pdf", "a\ufffdb\ufffd.pdf", id="isolates"),
        pytest.param("x\u200ey\u200f.pdf", "x\ufffdy\ufffd.pdf", id="marks"),
        pytest.param("line\u2028para\u2029.pdf", "line\ufffdpara\ufffd.pdf", id="separators"),
        pytest.param("تقرير.pdf", "تقرير.pdf", id="right-to-left text itself is kept"),
    ],
)
def test_bidi_controls_never_reach_a_kept_name(sent: str, shown: str) -> None:
    assert display_name(sent) == shown


@pytest.mark.parametrize("control", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_no_bidi_control_survives_in_a_kept_or_stored_name(control: str) -> None:
    name = f"laporan{control}fdp.exe"
    assert control not in display_name(name)
    assert control not in safe_file_name(name)


def test_zip_entry_names_are_kept_without_bidi_controls_whether_taken_or_refused(
    catalogs: CatalogSet,
) -> None:
    catalog, _ = catalogs.select("P2HAM", "2025")
    entries = [
        ExpandedEntry("P2H-02-LAKTASI/foto\u202egpj.exe", Path("a"), 1, "0" * 64),
        ExpandedEntry("lain/\u2066x\u2069\u202e.pdf", Path("b"), 1, "1" * 64),
    ]
    files, rejected = bind_entries(entries, catalog, catalogs.naming, None)
    assert [f.name for f in files] == ["foto\ufffdgpj.exe"]
    assert rejected[0]["name"] == "lain/\ufffdx\ufffd\ufffd.pdf"
    for text in (rejected[0]["message"], rejected[0]["message_en"]):
        assert not any(c in text for c in BIDI)
