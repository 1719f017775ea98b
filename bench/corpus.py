"""The benchmark's batch, generated fast and cached under bench/out/.

About 80 % JPEG photos of 1–3 MB and 20 % text PDFs of 1–20 pages. A few dozen base images and
one decree per page count are rendered once; every file is then a base with something unique
added (a JPEG COM segment, a PDF /Subject in an incremental update), so every file has its own
SHA-256 (the service flags identical bytes). Files sit in criterion folders, as a unit would
send them, and are packed into ZIP bundles.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import random
import shutil
import zipfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfWriter

from tests.support.factories import decree_pdf

CORPUS_VERSION = 1
OUT = Path(__file__).resolve().parent / "out"
PDF_SHARE = 0.2
BASE_PHOTOS = 30
MAX_PAGES = 20
PDF_CRITERION = "P2H-00-SKTIM"  # one SK per file; the folder binds plain names to it
PHOTO_CRITERIA = (  # the facility items of P2HAM: each takes facility photos
    "P2H-01-PARKIR",
    "P2H-01-RAMP",
    "P2H-01-GUIDING",
    "P2H-01-RAMBU",
    "P2H-01-INFO",
    "P2H-02-LOKET",
    "P2H-02-TOILET",
    "P2H-02-LAKTASI",
    "P2H-02-BERMAIN",
    "P2H-02-ALATBANTU",
    "P2H-02-TUNGGU",
    "P2H-02-PENGADUAN",
    "P2H-02-MAKLUMAT",
    "P2H-02-IBADAH",
    "P2H-02-KUNJUNGAN",
    "P2H-02-LAIN",
)


@dataclass(frozen=True)
class BenchFile:
    name: str  # the path inside a bundle: "<criterion>/<file name>"
    criterion: str
    kind: str  # "photo" | "pdf"
    size: int
    pages: int  # 0 for photos

    @property
    def base_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: tuple[BenchFile, ...]

    def path(self, file: BenchFile) -> Path:
        return self.root / "files" / file.name

    def count(self, kind: str) -> int:
        return sum(1 for f in self.files if f.kind == kind)

    def sizes(self, kind: str) -> list[int]:
        return [f.size for f in self.files if f.kind == kind]


# --- base files ----------------------------------------------------------------------------


def base_photo(index: int) -> bytes:
    """A noisy photo-like JPEG of roughly 1–3 MB, with an EXIF DateTimeOriginal in 2025."""
    rng = random.Random(index)
    width = 1760 + (index * 31) % 800  # 1760..2559
    height = width * 3 // 4
    grid = (width // 40, height // 40)
    blobs = Image.frombytes("RGB", grid, rng.randbytes(grid[0] * grid[1] * 3))
    img = blobs.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(width - 200), rng.randrange(height - 200)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, x + rng.randrange(80, 400), y + rng.randrange(80, 300)), colour)
    sigma = 10 + (index * 7) % 22  # sensor noise: what makes a photo cost megabytes
    taken = f"2025:03:{1 + index % 28:02d} 09:{index % 60:02d}:00"
    return _jpeg(img, sigma, "absah-bench-camera", taken, quality=92)


def _jpeg(img: Image.Image, sigma: int, make: str, taken: str, *, quality: int) -> bytes:
    """`img` with sensor noise of `sigma`, saved as a JPEG whose EXIF names the camera and the
    moment it was taken (DateTimeOriginal)."""
    noise = Image.effect_noise(img.size, sigma).convert("RGB")
    img = ImageChops.add(img, noise, scale=1.0, offset=-128)
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif.get_ifd(0x8769)[36867] = taken
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


PHONE_SIDE = (4000, 3000)  # 12 MP, what a phone camera writes


def phone_photo(index: int) -> bytes:
    """A 12 MP photo of about 2.5–4 MB, as a phone writes one: many more pixels than the
    batch's photos for the same bytes, because real scenes carry far less sensor noise."""
    rng = random.Random(10_000 + index)
    width, height = PHONE_SIDE
    grid = (width // 50, height // 50)
    blobs = Image.frombytes("RGB", grid, rng.randbytes(grid[0] * grid[1] * 3))
    img = blobs.resize((width, height), Image.Resampling.BICUBIC)
    taken = f"2025:04:{1 + index % 28:02d} 10:{index % 60:02d}:00"
    return _jpeg(img, 4 + index % 5, "absah-bench-phone", taken, quality=90)


def phone_photos(count: int) -> list[Path]:
    """`count` phone-size photos, written once under bench/out/phone-v1/."""
    root = OUT / "phone-v1"
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = root / f"foto-ponsel-{index:03d}.jpg"
        if not path.exists():
            partial = path.with_suffix(".part")
            partial.write_bytes(phone_photo(index))
            partial.rename(path)
        paths.append(path)
    return paths


def base_pdf(pages: int) -> bytes:
    """An SK decree (page 1) with `pages - 1` annex pages of text and tables."""
    return decree_pdf(pages=pages)


def with_jpeg_comment(jpeg: bytes, text: str) -> bytes:
    """The JPEG with a COM segment after its leading APPn segments (JFIF/EXIF stay first)."""
    pos = 2  # after SOI
    while jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:
        pos += 2 + int.from_bytes(jpeg[pos + 2 : pos + 4], "big")
    payload = text.encode("ascii")
    segment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:pos] + segment + jpeg[pos:]


def with_pdf_subject(pdf: bytes, text: str) -> bytes:
    """The PDF plus an incremental update that sets its /Subject: a valid, distinct file."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Subject": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- the corpus ------------------------------------------------------------------------------


def _plan(count: int, seed: int) -> list[tuple[str, str, int, int]]:
    """(name, criterion, base photo index or -1, pages) per file, in upload order."""
    rng = random.Random(seed)
    pdfs = round(count * PDF_SHARE)
    kinds = ["pdf"] * pdfs + ["photo"] * (count - pdfs)
    rng.shuffle(kinds)
    plan = []
    photo = pdf = 0
    for number, kind in enumerate(kinds, start=1):
        if kind == "photo":
            criterion = PHOTO_CRITERIA[photo % len(PHOTO_CRITERIA)]
            plan.append((f"{criterion}/foto-{number:05d}.jpg", criterion, photo % BASE_PHOTOS, 0))
            photo += 1
        else:
            pages = rng.randint(1, MAX_PAGES)
            plan.append((f"{PDF_CRITERION}/sk-tim-{number:05d}.pdf", PDF_CRITERION, -1, pages))
            pdf += 1
    return plan


def _load(root: Path) -> Corpus | None:
    manifest = root / "manifest.json"
    if not manifest.exists():
        return None
    rows = json.loads(manifest.read_text())["files"]
    return Corpus(root, tuple(BenchFile(**row) for row in rows))


def build_corpus(count: int, seed: int = 1, processes: int = 2) -> tuple[Corpus, bool]:
    """The corpus of `count` files (from the cache when it is there); True when it was cached."""
    root = OUT / f"corpus-n{count}-s{seed}-v{CORPUS_VERSION}"
    cached = _load(root)
    if cached is not None:
        return cached, True
    shutil.rmtree(root, ignore_errors=True)  # a half-written one from an interrupted run
    plan = _plan(count, seed)
    photo_bases = sorted({base for _, _, base, _ in plan if base >= 0})
    page_counts = sorted({pages for _, _, _, pages in plan if pages})
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        photos = dict(zip(photo_bases, pool.map(base_photo, photo_bases), strict=True))
        decrees = dict(zip(page_counts, pool.map(base_pdf, page_counts), strict=True))
    files = []
    for name, criterion, base, pages in plan:
        unique = f"absah-bench {name} seed {seed}"
        data = (
            with_jpeg_comment(photos[base], unique)
            if base >= 0
            else with_pdf_subject(decrees[pages], unique)
        )
        path = root / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        kind = "photo" if base >= 0 else "pdf"
        files.append(BenchFile(name, criterion, kind, len(data), pages))
    manifest = {
        "version": CORPUS_VERSION,
        "created": datetime.now(UTC).isoformat(),
        "files": [asdict(f) for f in files],
    }
    (root / "manifest.json").write_text(json.dumps(manifest))  # last: marks the corpus complete
    return Corpus(root, tuple(files)), False


def _write_bundle(job: tuple[Path, Path, list[str]]) -> None:
    files_dir, dest, names = job
    partial = dest.with_suffix(".part")
    # deflate level 1: what a quick "compress folder" does; JPEGs barely shrink either way
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in names:
            archive.write(files_dir / name, name)
    partial.rename(dest)


def build_bundles(
    corpus: Corpus, per_bundle: int, processes: int = 2, first: int | None = None
) -> list[Path]:
    """The corpus (or its `first` files) as ZIPs of `per_bundle` files each, in upload order
    (cached beside it)."""
    subset = "" if first is None or first >= len(corpus.files) else f"-first{first}"
    folder = corpus.root / f"bundles-{per_bundle}{subset}"
    names = [f.name for f in corpus.files][:first]
    groups = [names[i : i + per_bundle] for i in range(0, len(names), per_bundle)]
    paths = [folder / f"bundle-{index:04d}.zip" for index in range(len(groups))]
    missing = [
        (corpus.root / "files", path, group)
        for path, group in zip(paths, groups, strict=True)
        if not path.exists()
    ]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_write_bundle, missing, chunksize=1)
    return paths


def big_file(megabytes: int) -> Path:
    """A file of random bytes (incompressible, like a video), written once in 4 MB blocks."""
    path = OUT / f"big-{megabytes}mb.bin"
    size = megabytes * 1024 * 1024
    if path.exists() and path.stat().st_size == size:
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    rng = random.Random(megabytes)
    block = 4 * 1024 * 1024
    with partial.open("wb") as handle:
        for offset in range(0, size, block):
            handle.write(rng.randbytes(min(block, size - offset)))
    partial.rename(path)
    return path
