"""The file-naming convention of DOMAIN.md §7: {UNIT}_{PROG}_{PERIOD}_{CRIT}_{KIND}_{SEQ}.{ext}."""

from __future__ import annotations

import re
from dataclasses import dataclass

PATTERN = "{UNIT}_{PROG}_{PERIOD}_{CRIT}_{KIND}_{SEQ}.{ext}"
MAX_LENGTH = 100
EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "csv")
PROGRAMMES = ("KKPHAM", "P2HAM", "AKSIHAM")

_TOKENS: list[tuple[str, re.Pattern[str], str, str]] = [
    # token, pattern, what is expected (id), (en)
    (
        "UNIT",
        re.compile(r"^(?:[0-9]{2}|[0-9]{4}|[A-Z0-9]{3,12})$"),
        "kode wilayah 2/4 angka atau kode UPT 3–12 huruf/angka",
        "a 2/4-digit area code or a 3–12 character UPT code",
    ),
    (
        "PROG",
        re.compile(r"^(?:KKPHAM|P2HAM|AKSIHAM)$"),
        "KKPHAM, P2HAM atau AKSIHAM",
        "KKPHAM, P2HAM or AKSIHAM",
    ),
    (
        "PERIOD",
        re.compile(r"^20[0-9]{2}(?:-B(?:04|08|12))?$"),
        "YYYY atau YYYY-B04/B08/B12",
        "YYYY or YYYY-B04/B08/B12",
    ),
    (
        "CRIT",
        re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+){0,3}$"),
        "kode kriteria dari katalog, mis. P2H-02-LAKTASI",
        "a criterion id from the catalog, e.g. P2H-02-LAKTASI",
    ),
    (
        "KIND",
        re.compile(r"^[A-Z]{2,10}$"),
        "kode jenis 2–10 huruf, mis. SK atau FOTO",
        "a 2–10 letter kind code, e.g. SK or FOTO",
    ),
    (
        "SEQ",
        re.compile(r"^[0-9]{2}$"),
        "nomor urut 2 angka, mis. 01",
        "a 2-digit sequence, e.g. 01",
    ),
]


@dataclass(frozen=True)
class ParsedName:
    unit: str
    programme: str
    period: str
    criterion: str
    kind_code: str
    seq: int
    extension: str


@dataclass(frozen=True)
class NameProblem:
    """Why a name does not follow the convention: which token, what was found and expected."""

    token: str
    found: str
    expected_id: str
    expected_en: str

    @property
    def text_id(self) -> str:
        return f"bagian {self.token} bernilai '{self.found}', seharusnya {self.expected_id}"

    @property
    def text_en(self) -> str:
        return f"{self.token} is '{self.found}', expected {self.expected_en}"


def parse_name(name: str) -> ParsedName | NameProblem:
    """Parse a canonical name, or say precisely what is wrong with it."""
    if len(name) > MAX_LENGTH:
        return NameProblem(
            "NAME",
            f"{len(name)} karakter",
            f"≤ {MAX_LENGTH} karakter",
            f"≤ {MAX_LENGTH} characters",
        )
    if not name.isascii() or " " in name:
        return NameProblem("NAME", name, "huruf ASCII tanpa spasi", "ASCII without spaces")
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in EXTENSIONS:
        return NameProblem("ext", ext if dot else "", "/".join(EXTENSIONS), "/".join(EXTENSIONS))
    parts = stem.split("_")
    if len(parts) != len(_TOKENS):
        return NameProblem(
            "NAME",
            f"{len(parts)} bagian",
            f"{len(_TOKENS)} bagian dipisah '_'",
            f"{len(_TOKENS)} parts separated by '_'",
        )
    for (token, pattern, expected_id, expected_en), value in zip(_TOKENS, parts, strict=True):
        if not pattern.match(value):
            return NameProblem(token, value, expected_id, expected_en)
    unit, prog, period, crit, kind, seq = parts
    if (prog == "AKSIHAM") != ("-B" in period):
        expected = (
            ("YYYY-B04/B08/B12 untuk AKSIHAM", "YYYY-B04/B08/B12 for AKSIHAM")
            if (prog == "AKSIHAM")
            else ("YYYY tanpa akhiran B untuk " + prog, "YYYY without a B suffix for " + prog)
        )
        return NameProblem("PERIOD", period, expected[0], expected[1])
    return ParsedName(unit, prog, period, crit, kind, int(seq), ext)


def canonical_name(parsed: ParsedName) -> str:
    return (
        f"{parsed.unit}_{parsed.programme}_{parsed.period}_{parsed.criterion}_"
        f"{parsed.kind_code}_{parsed.seq:02d}.{parsed.extension}"
    )
