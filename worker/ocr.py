"""OCR of chosen PDF pages: OCRmyPDF over Tesseract in a bounded child process, text per page.

One thread per OCR process (OMP_THREAD_LIMIT=1: OpenMP threads made Tesseract 2–5x slower on
shared cores), a time bound per page (Tesseract's) and per run (ours, killing the process
group), a memory bound (RLIMIT_DATA), and no image optimisation at all (-O 0: nothing is ever
re-encoded, so never a lossy JBIG2). The output PDF is not kept: only the text and Tesseract's
word confidences, read from the hOCR files OCRmyPDF leaves with --keep-temporary-files.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rules.facts import OcrStatus
from worker.pdftext import textless, without_watermarks

# Tesseract's "single column of text of variable sizes": a decree's label column
# ("Menimbang :", "KESATU :") stays on the line of its text instead of being read as a column.
PAGE_SEGMENTATION = "4"
_LINE = re.compile(r"<span class=['\"]ocr_line['\"].*?(?=<span class=['\"]ocr_line|\Z)", re.S)
_WORD = re.compile(
    r"<span class=['\"]ocrx_word['\"][^>]*?x_wconf (\d+)[^>]*>(.*?)</span>(?!\s*</(?:strong|em)>)",
    re.S,
)
_TAG = re.compile(r"<[^>]+>")
_HOCR_PAGE = re.compile(r"^(\d{6})_ocr_hocr\.hocr$")


@dataclass(frozen=True)
class OcrOptions:
    command: str = "ocrmypdf"
    languages: str = "ind"
    max_pages: int = 10
    page_timeout_seconds: float = 60.0
    timeout_seconds: float = 240.0
    memory_limit_mb: int = 1024


@dataclass(frozen=True)
class OcrRun:
    status: OcrStatus
    texts: dict[int, str] = field(default_factory=dict)  # 1-based page -> text read
    mean_confidence: float | None = None
    seconds: float = 0.0
    detail: str | None = None


@cache
def ocr_available(command: str, languages: str) -> str | None:
    """None when OCRmyPDF, Tesseract and every language asked for are installed; else what lacks."""
    if shutil.which(command) is None:
        return f"{command} is not installed"
    if shutil.which("tesseract") is None:
        return "tesseract is not installed"
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not answer: {exc}"
    missing = [lang for lang in languages.split("+") if lang not in listed]
    return f"tesseract language data missing: {', '.join(missing)}" if missing else None


def run_ocr(path: Path, pages: list[int], options: OcrOptions) -> OcrRun:
    """OCR `pages` (1-based) of the PDF at `path`; never raises for a file OCR cannot read."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="absah-ocr-") as tmp:
        argv = [
            options.command,
            "--quiet",
            "--keep-temporary-files",  # the hOCR files: text and word confidences per page
            "--language",
            options.languages,
            # the page choice is ours (pages without a text layer of their own, a scanner
            # app's watermark not counting), so those pages are read whatever they carry
            "--force-ocr",
            "--pages",
            ",".join(str(p) for p in pages),
            "--deskew",
            "--rotate-pages",
            "--jobs",
            "1",
            "--optimize",
            "0",
            "--output-type",
            "none",
            "--pdf-renderer",
            "hocr",
            "--tesseract-pagesegmode",
            PAGE_SEGMENTATION,
            "--tesseract-timeout",
            str(int(options.page_timeout_seconds)),
            str(path),
            "-",
        ]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": tmp}
        try:
            process = subprocess.Popen(
                argv,
                env=env,
                cwd=tmp,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,  # a timeout ends the whole group (ghostscript, tesseract)
                preexec_fn=_bound(options.memory_limit_mb),
            )
        except OSError as exc:
            return OcrRun("unavailable", detail=str(exc)[:200])
        try:
            _, stderr = process.communicate(timeout=options.timeout_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return OcrRun(
                "timeout",
                seconds=time.monotonic() - started,
                detail=f"OCR took longer than {options.timeout_seconds:.0f} s",
            )
        texts, confidences = _read_hocr(Path(tmp))
        seconds = time.monotonic() - started
    if process.returncode != 0 and not texts:
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        return OcrRun(
            "failed",
            seconds=seconds,
            detail=f"exit {process.returncode}: {' '.join(tail)[:300]}",
        )
    texts = {page: without_watermarks(text) for page, text in texts.items() if page in pages}
    if all(textless(text) for text in texts.values()):
        return OcrRun("no-text", texts={}, seconds=seconds)
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrRun("done", texts=texts, mean_confidence=mean, seconds=seconds)


def _bound(memory_limit_mb: int) -> Callable[[], None]:
    def limit() -> None:
        if memory_limit_mb > 0:
            size = memory_limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (size, size))

    return limit


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _read_hocr(tmp: Path) -> tuple[dict[int, str], list[int]]:
    """Page texts (one line of text per hOCR line) and every word's confidence."""
    texts: dict[int, str] = {}
    confidences: list[int] = []
    for hocr in sorted(tmp.glob("ocrmypdf.io.*/*_ocr_hocr.hocr")):
        match = _HOCR_PAGE.match(hocr.name)
        if match is None:
            continue
        lines = []
        for line in _LINE.findall(hocr.read_text(encoding="utf-8", errors="replace")):
            words = []
            for confidence, raw in _WORD.findall(line):
                word = html.unescape(_TAG.sub("", raw)).strip()
                if word:
                    words.append(word)
                    confidences.append(int(confidence))
            if words:
                lines.append(" ".join(words))
        texts[int(match[1])] = "\n".join(lines)
    return texts, confidences
