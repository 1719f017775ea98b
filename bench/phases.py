"""One phase of a run: its own PostgreSQL database, queue, storage (the local object folder, or
a bucket on the run's moto S3 server) and units, all removed when the phase ends."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bench.measure import MB
from bench.services import (
    REDIS_URL,
    MotoServer,
    bench_database,
    delete_queue_keys,
    make_units_and_key,
)
from infra.migrate import upgrade
from infra.settings import Settings

UNIT_KIND = "lapas"


@dataclass(frozen=True)
class Phase:
    name: str
    settings: Settings
    headers: dict[str, str]
    units: list[str]

    @property
    def unit(self) -> str:
        return self.units[0]

    @property
    def storage(self) -> str:
        return "S3 (moto)" if self.settings.uses_s3() else "local object folder"


def unit_codes(tag: str, count: int) -> list[str]:
    """Unit codes of this run (each phase has a database of its own, so they may repeat)."""
    return [f"T{tag.upper()}{index:02d}" for index in range(count)]


@contextlib.contextmanager
def phase(
    tag: str,
    name: str,
    workdir: Path,
    *,
    moto: MotoServer | None = None,
    units: int = 1,
    bundle_bytes: int = 0,
    bundle_entries: int = 0,
    sqlite: bool = False,
) -> Iterator[Phase]:
    """A PostgreSQL database of the phase's own, or with `sqlite` the embedded default's SQLite
    file in the phase's data folder; storage on moto's S3 when `moto` is given, else the local
    object folder (the default)."""
    label = f"{tag}-{name}"
    data_dir = workdir / f"data-{name}"
    defaults = Settings()
    with contextlib.ExitStack() as stack:
        if sqlite:
            database_url = f"sqlite:///{(data_dir / 'absah.sqlite3').resolve()}"
            data_dir.mkdir(parents=True, exist_ok=True)
            upgrade(Settings(database_url=database_url, data_dir=data_dir))
        else:
            database_url = stack.enter_context(bench_database(label.replace("-", "_")))
        stack.callback(shutil.rmtree, data_dir, True)
        stack.callback(delete_queue_keys, label)
        s3: dict[str, object] = {}
        if moto is not None:
            bucket = f"absah-bench-{label}"
            stack.callback(moto.empty_bucket, bucket)
            s3 = {
                "s3_endpoint_url": moto.url,
                "s3_bucket": bucket,
                "s3_access_key_id": "testing",
                "s3_secret_access_key": SecretStr("testing"),
            }
        settings = Settings(
            data_dir=data_dir,
            database_url=database_url,
            broker_url=REDIS_URL,
            queue_name=f"absah-bench-{label}",
            max_bundle_entries=max(defaults.max_bundle_entries, bundle_entries + 10),
            max_bundle_bytes=max(defaults.max_bundle_bytes, bundle_bytes + 64 * MB),
            max_bundle_expanded_bytes=max(
                defaults.max_bundle_expanded_bytes, bundle_bytes + 64 * MB
            ),
            **s3,  # type: ignore[arg-type]
        )
        codes = unit_codes(tag, units)
        headers = make_units_and_key(settings, codes, UNIT_KIND)
        yield Phase(name, settings, headers, codes)
