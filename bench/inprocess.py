"""The baseline: the worker's own extraction and checks, one process per core, no services."""

from __future__ import annotations

import hashlib
import multiprocessing
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import Corpus
from infra.settings import Settings
from rules.catalog import Catalog
from rules.catalogs import load_catalogs
from rules.context import CheckContext
from rules.naming import NamingConvention
from rules.periods import Period
from worker.checking import check_path
from worker.limits import ExtractLimits

PROGRAMME, PERIOD = "P2HAM", "2025"


@dataclass(frozen=True)
class InProcessResult:
    processes: int
    files: int
    seconds: float
    cpu_seconds: float  # user + system of the pool's processes
    statuses: dict[str, str]  # file name -> final status
    cpu_per_file: dict[str, list[float]]  # kind -> CPU seconds of each file (hash + check)

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Setup:
    unit_code: str
    unit_kind: str
    max_upload_bytes: int
    limits: ExtractLimits


_state: dict[str, object] = {}


def init(setup: Setup) -> None:
    catalogs = load_catalogs()
    catalog, period = catalogs.select(PROGRAMME, PERIOD)
    _state.update(setup=setup, catalog=catalog, period=period, naming=catalogs.naming)


def _ready(_: int) -> bool:
    return "catalog" in _state


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, name: str, criterion: str, sha256: str) -> str:
    """Check one file as the worker would (in a process set up by `init`): its status."""
    setup, catalog, period = _state["setup"], _state["catalog"], _state["period"]
    assert isinstance(setup, Setup)
    assert isinstance(catalog, Catalog)
    assert isinstance(period, Period)
    naming = _state["naming"]
    assert isinstance(naming, NamingConvention)
    ctx = CheckContext(
        programme=catalog.programme,
        period=str(period),
        unit_code=setup.unit_code,
        unit_kind=setup.unit_kind,
        criterion_id=criterion,
        window_start=period.start,
        window_end=period.end,
        naming=naming,
        max_upload_bytes=setup.max_upload_bytes,
        sibling_hashes={},  # every file of the corpus has its own bytes
    )
    verdict, _ = check_path(
        path,
        name=name,
        size=path.stat().st_size,
        sha256=sha256,
        declared_mime=None,  # bundle entries carry no declared type
        catalog=catalog,
        ctx=ctx,
        declared_kind=None,
        limits=setup.limits,
    )
    return verdict.status.value


def _check(job: tuple[str, str, str]) -> tuple[str, str, float]:
    """Hash one file (the API does that at intake) and check it: its status and CPU seconds."""
    path_text, name, criterion = job
    path = Path(path_text)
    cpu = time.process_time()
    status = check_file(path, name, criterion, _sha256(path))
    return name, status, time.process_time() - cpu


def make_setup(settings: Settings, unit_code: str, unit_kind: str) -> Setup:
    return Setup(
        unit_code,
        unit_kind,
        settings.max_upload_bytes,
        ExtractLimits(
            max_image_pixels=settings.max_image_pixels,
            max_pdf_pages=settings.max_pdf_pages,
            max_text_pages=settings.max_text_pages,
            max_text_chars_per_page=settings.max_text_chars_per_page,
        ),
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_in_process(
    corpus: Corpus, processes: int, settings: Settings, unit_code: str, unit_kind: str
) -> InProcessResult:
    """Wall-clock time for a warmed-up pool of `processes` to check every file of the corpus."""
    setup = make_setup(settings, unit_code, unit_kind)
    jobs = [(str(corpus.path(f)), f.base_name, f.criterion) for f in corpus.files]
    cpu_before = _children_cpu()
    pool = multiprocessing.get_context("fork").Pool(processes, init, (setup,))
    try:
        pool.map(_ready, range(processes * 4), chunksize=1)  # started and initialised
        start = time.perf_counter()
        results = list(pool.imap_unordered(_check, jobs, chunksize=1))
        seconds = time.perf_counter() - start
        pool.close()
        pool.join()  # reaped: their CPU time now counts in RUSAGE_CHILDREN
    finally:
        pool.terminate()
    kinds = {f.base_name: f.kind for f in corpus.files}
    per_kind: dict[str, list[float]] = {"photo": [], "pdf": []}
    for name, _, cpu in results:
        per_kind[kinds[name]].append(cpu)
    return InProcessResult(
        processes,
        len(jobs),
        seconds,
        _children_cpu() - cpu_before,
        {name: status for name, status, _ in results},
        per_kind,
    )
