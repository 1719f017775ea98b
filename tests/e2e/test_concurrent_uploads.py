"""Uploads in flight at once to one submission all land: none deadlocks in PostgreSQL.

Regression: each upload inserted its documents (a share lock on the submission, through the
foreign key) and then locked the submission for the re-assessment; two at once waited for each
other until PostgreSQL broke the deadlock, and the upload got 503. The benchmark's steady rate
saw 78 of 80 refused."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from infra.settings import Settings
from tests.support.factories import photo_jpeg
from tests.support.services import make_key, make_unit
from tests.support.stack import start_api

pytestmark = pytest.mark.e2e

CRITERIA = ["P2H-01-PARKIR", "P2H-01-RAMP", "P2H-02-LOKET", "P2H-02-TOILET"]


def test_many_uploads_to_one_submission_at_once_all_land(
    pg_settings: Settings,
    tmp_path: Path,
    sessions_for: Callable[[Settings], sessionmaker[Session]],
) -> None:
    settings = pg_settings
    factory = sessions_for(settings)
    unit = make_unit(factory)
    headers = make_key(factory, "portal", units=[unit])
    photos = [photo_jpeg(seed=500 + i) for i in range(24)]
    api, base = start_api(settings, tmp_path)
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            # the submission exists first: the deadlock was between uploads that both found it
            first = client.post(
                f"/v1/submissions/P2HAM/2025/{unit}/documents",
                data={"criterion": "P2H-02-LAKTASI"},
                files=[("files", ("awal.jpg", photo_jpeg(seed=499), "image/jpeg"))],
            )
            assert first.status_code == 202, first.text

            def upload(i: int) -> int:
                answer = client.post(
                    f"/v1/submissions/P2HAM/2025/{unit}/documents",
                    data={"criterion": CRITERIA[i % len(CRITERIA)]},
                    files=[("files", (f"foto-{i:02d}.jpg", photos[i], "image/jpeg"))],
                )
                return answer.status_code

            with ThreadPoolExecutor(max_workers=8) as pool:
                codes = list(pool.map(upload, range(len(photos))))
    finally:
        api.stop()
    assert codes == [202] * len(photos), codes
