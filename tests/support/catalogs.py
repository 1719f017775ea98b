"""Site catalogs for tests: a shipped catalog file copied with one line changed."""

from __future__ import annotations

from pathlib import Path

from rules.catalog import CATALOG_DIR

SHIPPED_SIZE = "file-size: {max_mb: 10, warn_mb: 2}"
TIGHT_SIZE = "file-size: {max_mb: 0.001, warn_mb: null}"  # 1 KB: every real file is over it


def site_catalog(folder: Path, old: str = SHIPPED_SIZE, new: str = TIGHT_SIZE) -> Path:
    """p2ham.yaml as a Kanwil would adapt it (same programme and version), in `folder`."""
    text = (CATALOG_DIR / "p2ham.yaml").read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in the shipped p2ham.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p2ham.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return folder
