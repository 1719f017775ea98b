"""What one file costs, photos and PDFs apart, in CPU seconds of the process that checks it:

- the floor: read every byte, SHA-256 them, sniff the type with libmagic (what any intake and
  worker must do before a check);
- the checks: `check_path` (extraction and the catalog's rules) as the worker runs it, with
  today's reduced photo decode (worker/images.py → worker/photos.py, Image.draft);
- for photos, the same check with the full-size decode it replaced (bench/fulldecode.py);
- the same pair for a few phone-size photos (12 MP, bench/corpus.py `phone_photo`): the batch's
  photos are 2–5 MP and noise-heavy (mostly entropy data, which any decode must read), a
  phone's are 12 MP for about the same bytes (mostly pixels, which the reduced decode skips).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import BenchFile, Corpus
from bench.fulldecode import full_decode
from bench.inprocess import check_file, init, make_setup
from bench.measure import percentile
from infra.settings import Settings
from worker.extract import sniff_mime


@dataclass
class KindCosts:
    floor: list[float] = field(default_factory=list)  # CPU seconds per file
    check: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)  # photos only: the full-decode check
    differing: int = 0  # photos whose status differs between the two decodes

    def summary(self) -> dict[str, object]:
        def ms(values: list[float]) -> dict[str, float]:
            mean = 1000 * sum(values) / len(values) if values else 0.0
            return {"mean": mean, "p50": 1000 * percentile(values, 0.5)}

        found: dict[str, object] = {
            "files": len(self.check),
            "floor_ms": ms(self.floor),
            "check_ms": ms(self.check),
            "check_over_floor": _ratio(sum(self.check), sum(self.floor)),
        }
        if self.full:
            found["full_decode_check_ms"] = ms(self.full)
            found["full_over_reduced"] = _ratio(sum(self.full), sum(self.check))
            found["reduced_over_full"] = _ratio(sum(self.check), sum(self.full))
            found["status_differs_full_vs_reduced"] = self.differing
        return found


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else 0.0


def floor_cost(path: Path) -> str:
    """Read + SHA-256 + libmagic sniff: the file's hash."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    sniff_mime(path)
    return digest.hexdigest()


def _measure(job: tuple[str, str, str, str]) -> tuple[str, float, float, float, bool]:
    """(kind, floor, check, full-decode check or 0, statuses differ) in CPU seconds."""
    path_text, name, criterion, kind = job
    path = Path(path_text)
    start = time.process_time()
    sha = floor_cost(path)
    floored = time.process_time()
    status = check_file(path, name, criterion, sha)
    checked = time.process_time()
    full, differs = 0.0, False
    if kind != "pdf":
        with full_decode():
            differs = check_file(path, name, criterion, sha) != status
        full = time.process_time() - checked
    return kind, floored - start, checked - floored, full, differs


PHONE_CRITERION = "P2H-01-RAMP"


def run_costs(
    corpus: Corpus,
    processes: int,
    settings: Settings,
    unit_code: str,
    unit_kind: str,
    phone: list[Path] | None = None,
) -> dict[str, KindCosts]:
    """Every file of the corpus (and the `phone` photos, apart) measured once in a pool of
    `processes` (CPU time is per file, so the pool only shortens the pass)."""
    setup = make_setup(settings, unit_code, unit_kind)
    files: tuple[BenchFile, ...] = corpus.files
    jobs = [(str(corpus.path(f)), f.base_name, f.criterion, f.kind) for f in files]
    jobs += [(str(p), p.name, PHONE_CRITERION, "phone") for p in phone or []]
    found = {"photo": KindCosts(), "pdf": KindCosts()}
    if phone:
        found["phone"] = KindCosts()
    with multiprocessing.get_context("fork").Pool(processes, init, (setup,)) as pool:
        for kind, floor, check, full, differs in pool.imap_unordered(_measure, jobs, chunksize=4):
            costs = found[kind]
            costs.floor.append(floor)
            costs.check.append(check)
            if kind != "pdf":
                costs.full.append(full)
                costs.differing += differs
    return found
