"""Uploaded names: kept for people as sent (display_name), made safe for keys (safe_file_name)."""

from __future__ import annotations

import pytest

from infra.storage import MAX_NAME_LENGTH, display_name, safe_file_name


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
