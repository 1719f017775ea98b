"""The benchmark's pure parts (never its timings): profiles, the full-decode comparison, the
upload plan and the OCR verdict."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bench.corpus import BenchFile, Corpus
from bench.fulldecode import full_decode, full_photo_print
from bench.measure import fresh_page_us
from bench.options import FULL, QUICK, parse_args
from bench.render import photos_stuck
from bench.steady import corpus_uploads
from worker import images
from worker.photos import photo_print


def test_quick_fills_in_only_what_was_not_given() -> None:
    quick = parse_args(["--quick", "--steady-seconds", "5"])
    assert (quick.files, quick.steady_seconds, quick.scale_files) == (
        QUICK["files"],
        5,
        QUICK["scale_files"],
    )
    full = parse_args([])
    assert (full.files, full.steady_seconds, full.scale_processes) == (FULL["files"], 120, [1, 2])


def test_full_decode_gives_the_same_print_and_is_undone() -> None:
    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 40).convert("RGB").save(buffer, "JPEG")
    reduced = photo_print(Image.open(io.BytesIO(buffer.getvalue())))
    full = full_photo_print(Image.open(io.BytesIO(buffer.getvalue())))
    assert (full.width, full.height) == (reduced.width, reduced.height) == (640, 480)
    with full_decode():
        assert getattr(images, "photo_print") is full_photo_print  # noqa: B009
    assert getattr(images, "photo_print") is photo_print  # noqa: B009


def test_a_second_pass_over_the_corpus_goes_to_other_units() -> None:
    files = tuple(BenchFile(f"C/f{i}.jpg", "C", "photo", 1, 0) for i in range(4))
    units = [f"U{i}" for i in range(4)]
    plan = corpus_uploads(Corpus(Path("/nowhere"), files), units, 8, lanes=2)
    sent = {(u.unit, u.name) for u in plan}
    assert len(sent) == 8  # no file twice in one unit
    assert [u.unit for u in plan[:4]] == ["U0", "U1", "U0", "U1"]


def test_photos_are_judged_stuck_only_from_what_was_seen() -> None:
    seen = {
        "photos_with_backlog": {"upload_to_final_s": {"p95": 1.0}},
        "ocr_queue_waiting_at_photo_start": 3,
        "ocr_seconds": 60.0,
        "scans_unfinished_when_photos_final": 2,
        "scans": 4,
    }
    assert photos_stuck(seen).startswith("not stuck")
    assert photos_stuck({**seen, "ocr_queue_waiting_at_photo_start": 0}).startswith("inconclu")
    late = {**seen, "photos_with_backlog": {"upload_to_final_s": {"p95": 40.0}}}
    assert photos_stuck(late).startswith("STUCK")


def test_the_fresh_page_figure_is_per_page_and_positive() -> None:
    """8 MB is 2,048 pages: their total would be milliseconds; one page is microseconds."""
    per_page = fresh_page_us(megabytes=8, rounds=2)
    assert 0 < per_page < 1000
