"""Surat dinas: the letter's parts (Nomor, Sifat, Lampiran, Hal, Yth.) and its signature block."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from rules.checks.base import CheckSpec, Params
from rules.context import CheckContext
from rules.facts import FileFacts
from rules.findings import CheckResult, Outcome, result
from rules.text import prepare

_NIP = re.compile(r"\b\d{8}\s?\d{6}\s?\d\s?\d{3}\b")
_SIGNED_BY_HAND = re.compile(r"\b(?:t\.?t\.?d|tertanda|cap)\b")

LetterPart = Literal["nomor", "sifat", "lampiran", "hal", "yth"]
# label shown to the uploader, pattern on the spaced text. "hal" alone is a common word in
# prose, so it counts only as a label ("Hal :"); "Perihal" is distinctive enough on its own.
LETTER_PARTS: dict[LetterPart, tuple[str, re.Pattern[str]]] = {
    "nomor": ("Nomor", re.compile(r"\bnomor\b|\bno\s?\.?\s?:")),
    "sifat": ("Sifat", re.compile(r"\bsifat\b")),
    "lampiran": ("Lampiran", re.compile(r"\blampiran\b|\blamp\s?\.?\s?:")),
    "hal": ("Hal/Perihal", re.compile(r"\bperihal\b|\bhal\s?:")),
    "yth": ("Yth.", re.compile(r"\byth\b|\byang terhormat\b")),
}


class LetterParams(Params):
    required: list[LetterPart] = Field(default_factory=lambda: list(LETTER_PARTS), min_length=1)
    # Missing one of these sends the letter to a person instead of failing it.
    expected: list[LetterPart] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> LetterParams:
        if both := set(self.required) & set(self.expected):
            raise ValueError(f"parts both required and expected: {', '.join(sorted(both))}")
        return self


def letter_structure(facts: FileFacts, ctx: CheckContext, params: LetterParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "letter-no-text")
    spaced = prepare(facts.text).spaced

    def absent(parts: list[LetterPart]) -> list[str]:
        return [LETTER_PARTS[p][0] for p in parts if not LETTER_PARTS[p][1].search(spaced)]

    if missing := absent(params.required):
        return result(Outcome.FAIL, "letter-parts-missing", missing=missing)
    if missing := absent(params.expected):
        return result(
            Outcome.WARN,
            "letter-parts-unusual",
            needs_review=True,
            missing=missing,
        )
    return result(Outcome.PASS, "letter-ok")


class SignatureParams(Params):
    esign_phrases: list[str] = Field(
        default_factory=lambda: [
            "ditandatangani secara elektronik",
            "tanda tangan elektronik",
            "BSrE",
        ]
    )
    tail_chars: int = Field(default=1500, ge=100)  # "ttd"/"cap" count only this near the end


def signature_block(facts: FileFacts, ctx: CheckContext, params: SignatureParams) -> CheckResult:
    if not facts.text.strip():
        return result(Outcome.SKIP, "signature-no-text")
    text = prepare(facts.text)
    found = []
    if _NIP.search(text.spaced):
        found.append("NIP")
    if any(text.contains(p) for p in params.esign_phrases):
        found.append("tanda tangan elektronik")
    if _SIGNED_BY_HAND.search(text.spaced[-params.tail_chars :]):
        found.append("ttd/cap")
    if found:
        return result(Outcome.PASS, "signature-found", found=found)
    pdf = facts.pdf
    # A warning only: a wet signature leaves no text, so only a person can tell.
    return result(
        Outcome.WARN,
        "signature-not-found",
        pages_read=len(pdf.pages_text) if pdf else None,
        pages=pdf.page_count if pdf else None,
    )


LETTER_STRUCTURE = CheckSpec(
    id="letter-structure",
    codes=("letter-ok", "letter-parts-missing", "letter-parts-unusual", "letter-no-text"),
    params=LetterParams,
    check=letter_structure,
    summary="surat dinas layout: Nomor, Sifat, Lampiran, Hal/Perihal, Yth. (required or expected)",
)
SIGNATURE_BLOCK = CheckSpec(
    id="signature-block",
    codes=("signature-found", "signature-not-found", "signature-no-text"),
    params=SignatureParams,
    check=signature_block,
    summary="a NIP, an e-signature note, or ttd/cap near the end; warn only when none is found",
)
