"""The queue contract: every task name infra sends is one the worker registers."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from infra.queue import (
    REVERIFY_DOCUMENT,
    TASK_NAMES,
    ReverifyDocument,
    celery_config,
    send_reverify,
    worker_queues,
)
from infra.settings import Settings
from tests.support.fakes import Messages
from worker.app import create_celery


def test_every_task_name_of_the_contract_is_registered_by_the_worker(tmp_path: Path) -> None:
    # building the app connects to nothing: the broker URL is only read
    app = create_celery(Settings(data_dir=tmp_path, broker_url="redis://127.0.0.1:1/0"))
    assert set(app.tasks) >= TASK_NAMES


def test_a_worker_reads_re_verification_last_so_new_uploads_never_wait_behind_it(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, broker_url="redis://127.0.0.1:1/0", queue_name="q")
    assert worker_queues(settings, "checks") == ["q.sweep", "q", "q.reverify"]
    assert worker_queues(settings) == ["q.sweep", "q", "q.ocr", "q.reverify"]
    assert worker_queues(settings, "ocr") == ["q.ocr"]
    config = celery_config(settings)
    assert config["task_routes"][REVERIFY_DOCUMENT] == {"queue": "q.reverify"}
    assert config["broker_transport_options"]["queue_order_strategy"] == "priority"


def test_a_nudge_to_check_again_travels_as_json_and_reads_back_the_same() -> None:
    sender = Messages()
    moment = datetime(2026, 12, 4, 3, 0, 15, 250_000)
    send_reverify(sender, "d1", unaware_of=moment)
    send_reverify(sender, "d2")
    (first, kwargs), (_, plain) = sender.sent
    assert first == REVERIFY_DOCUMENT
    assert json.loads(json.dumps(kwargs)) == kwargs  # JSON values only, whatever the serializer
    assert ReverifyDocument(**kwargs).unaware_of == moment
    assert plain == {"document_id": "d2"}  # an option left unset is not sent at all
