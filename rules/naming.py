"""The file-naming convention of DOMAIN.md §7: {UNIT}_{PROG}_{PERIOD}_{CRIT}_{KIND}_{SEQ}.{ext}."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rules.catalog import Catalog

PATTERN = "{UNIT}_{PROG}_{PERIOD}_{CRIT}_{KIND}_{SEQ}.{ext}"
MAX_LENGTH = 100
EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "csv")
TOKENS = ("UNIT", "PROG", "PERIOD", "CRIT", "KIND", "SEQ")

# The tokens no catalog decides: token -> (pattern, what is expected (id), (en)).
_FIXED: dict[str, tuple[re.Pattern[str], str, str]] = {
    "UNIT": (
        re.compile(r"^(?:[0-9]{2}|[0-9]{4}|[A-Z0-9]{3,12})$"),
        "kode wilayah 2/4 angka atau kode UPT 3–12 huruf/angka",
        "a 2/4-digit area code or a 3–12 character UPT code",
    ),
    "CRIT": (
        re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+){0,3}$"),
        "kode kriteria dari katalog, mis. P2H-02-LAKTASI",
        "a criterion id from the catalog, e.g. P2H-02-LAKTASI",
    ),
    "KIND": (
        re.compile(r"^[A-Z]{2,10}$"),
        "kode jenis 2–10 huruf, mis. SK atau FOTO",
        "a 2–10 letter kind code, e.g. SK or FOTO",
    ),
    "SEQ": (
        re.compile(r"^[0-9]{2}$"),
        "nomor urut 2 angka, mis. 01",
        "a 2-digit sequence, e.g. 01",
    ),
}
_YEAR = "20[0-9]{2}"


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


def _either(words: list[str], conjunction: str) -> str:
    """'A, B atau C' / 'A, B or C'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _form(codes: tuple[str, ...]) -> str:
    return "YYYY-" + "/".join(codes) if codes else "YYYY"


@dataclass(frozen=True)
class NamingConvention:
    """The convention's grammar for a set of programmes, as their catalogs declare them.

    `periods` maps each programme code (its PROG token) to its sub-period codes, () for a
    yearly programme, in the order the programmes are listed to the uploader.
    """

    periods: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, catalogs: Iterable[Catalog]) -> NamingConvention:
        """From loaded catalogs; programmes listed by when their first catalog starts."""
        starts: dict[str, date] = {}
        codes: dict[str, list[str]] = {}
        for catalog in catalogs:
            programme = catalog.programme
            starts[programme] = min(starts.get(programme, catalog.valid_from), catalog.valid_from)
            merged = codes.setdefault(programme, [])
            merged.extend(code for code in catalog.period.codes if code not in merged)
        return cls({p: tuple(codes[p]) for p in sorted(starts, key=starts.__getitem__)})

    @cached_property
    def _tokens(self) -> list[tuple[str, re.Pattern[str], str, str]]:
        programmes = list(self.periods)
        forms = list(dict.fromkeys(_form(codes) for codes in self.periods.values()))
        forms.sort(key=lambda form: form != "YYYY")  # the plain year first
        codes = [c for form in self.periods.values() for c in form]
        suffix = f"(?:-(?:{'|'.join(map(re.escape, codes))}))?" if codes else ""
        grammar = dict(_FIXED)
        grammar["PROG"] = (
            re.compile(rf"^(?:{'|'.join(map(re.escape, programmes))})$"),
            _either(programmes, "atau"),
            _either(programmes, "or"),
        )
        grammar["PERIOD"] = (
            re.compile(rf"^{_YEAR}{suffix}$"),
            " atau ".join(forms),
            " or ".join(forms),
        )
        return [(token, *grammar[token]) for token in TOKENS]

    def parse(self, name: str) -> ParsedName | NameProblem:
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
            shown = "/".join(EXTENSIONS)
            return NameProblem("ext", ext if dot else "", shown, shown)
        parts = stem.split("_")
        if len(parts) != len(TOKENS):
            return NameProblem(
                "NAME",
                f"{len(parts)} bagian",
                f"{len(TOKENS)} bagian dipisah '_'",
                f"{len(TOKENS)} parts separated by '_'",
            )
        for (token, pattern, expected_id, expected_en), value in zip(
            self._tokens, parts, strict=True
        ):
            if not pattern.match(value):
                return NameProblem(token, value, expected_id, expected_en)
        unit, prog, period, crit, kind, seq = parts
        problem = self._period_problem(prog, period)
        return problem or ParsedName(unit, prog, period, crit, kind, int(seq), ext)

    def _period_problem(self, prog: str, period: str) -> NameProblem | None:
        """A period of another programme's form: `2025-B08` for a yearly one, or the reverse."""
        codes = self.periods[prog]
        _, dash, code = period.partition("-")
        if (code in codes) if dash else not codes:
            return None
        if codes:
            form = _form(codes)
            return NameProblem("PERIOD", period, f"{form} untuk {prog}", f"{form} for {prog}")
        letters = re.match(r"[A-Z]*", code)
        suffix = letters[0] if letters and letters[0] else code
        return NameProblem(
            "PERIOD",
            period,
            f"YYYY tanpa akhiran {suffix} untuk {prog}",
            f"YYYY without a {suffix} suffix for {prog}",
        )


def canonical_name(parsed: ParsedName) -> str:
    return (
        f"{parsed.unit}_{parsed.programme}_{parsed.period}_{parsed.criterion}_"
        f"{parsed.kind_code}_{parsed.seq:02d}.{parsed.extension}"
    )
