"""OCR seconds per page on generated scans (A4, 200 dpi, grey, skewed), one thread per process.

.venv/bin/python -m bench.ocr [--pages 3] [--dpi 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.support.factories import decree_pdf
from tests.support.scans import ScanStyle, scan_of
from worker.ocr import OcrOptions, run_ocr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args()
    style = ScanStyle(dpi=args.dpi, skew_degrees=-2, noise=20)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.pdf"
        path.write_bytes(scan_of(decree_pdf(pages=args.pages), style, pages=args.pages))
        started = time.monotonic()
        run = run_ocr(path, list(range(1, args.pages + 1)), OcrOptions(max_pages=args.pages))
        seconds = time.monotonic() - started
    print(
        f"OCR {args.pages} page(s) at {args.dpi} dpi: {seconds:.2f} s, "
        f"{seconds / args.pages:.2f} s/page (process start included), status {run.status}, "
        f"mean word confidence {run.mean_confidence}"
    )


if __name__ == "__main__":
    main()
