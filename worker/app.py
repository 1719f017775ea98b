"""The Celery app of the worker, built from settings: tasks are thin, the pipeline does the work."""

from __future__ import annotations

import os
import resource
from typing import Any

from celery import Celery, Task
from celery.signals import beat_embedded_init, worker_process_init, worker_ready

from infra.lifetime import end_with
from infra.queue import (
    DELIVER_WEBHOOK,
    OCR_DOCUMENT,
    REVERIFY_DOCUMENT,
    SWEEP,
    VERIFY_DOCUMENT,
    DeliverWebhook,
    OcrDocument,
    ReverifyDocument,
    VerifyDocument,
    celery_config,
    ocr_time_limit,
)
from infra.settings import Settings
from worker.pipeline import RetryLater, verify_document
from worker.reverify import reverify_document
from worker.reverify_runs import start_reverify
from worker.runtime import WorkerRuntime
from worker.sweeper import sweep
from worker.webhooks import deliver


def bound_memory(limit_mb: int) -> None:
    """Cap what this process may allocate (RLIMIT_DATA: heap and private writable maps).

    Not address space: shared libraries, mapped files and malloc's reserved arenas do not
    count, so the cap is memory a task can really take; past it an allocation raises
    MemoryError in the task instead of the machine swapping or the OOM killer choosing.
    """
    if limit_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = limit_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def create_celery(settings: Settings, runtime: WorkerRuntime | None = None) -> Celery:
    rt = runtime or WorkerRuntime(settings)
    app = Celery("absah", set_as_current=False)
    app.conf.update(celery_config(settings))
    # one scheduler per deployment (a lock in the broker), its schedule in memory
    app.conf.beat_scheduler = "worker.schedule:SingleScheduler"
    app.conf.beat_schedule = {
        # a sweep not started within its interval is dropped: busy workers never face a pile
        "sweep": {
            "task": SWEEP,
            "schedule": settings.sweep_interval_seconds,
            "options": {"expires": settings.sweep_interval_seconds},
        },
    }

    # max_retries=None on the task: retries are bounded by attempts counted in the database
    # (Celery's own default of 3 drops the message after a short outage; `retry(max_retries=
    # None)` does not lift it)
    @app.task(name=VERIFY_DOCUMENT, bind=True, max_retries=None)  # type: ignore[untyped-decorator]
    def verify(self: Task, document_id: str) -> str:
        message = VerifyDocument(document_id=document_id)
        try:
            result = verify_document(
                rt, message.document_id, task_id=self.request.id, retries=self.request.retries
            )
            return result.value
        except RetryLater as exc:
            raise self.retry(countdown=exc.countdown) from exc

    @app.task(  # type: ignore[untyped-decorator]
        name=OCR_DOCUMENT,
        bind=True,
        max_retries=None,
        soft_time_limit=ocr_time_limit(settings) - 30,
        time_limit=ocr_time_limit(settings),
    )
    def ocr(self: Task, document_id: str) -> str:
        message = OcrDocument(document_id=document_id)
        try:
            result = verify_document(
                rt,
                message.document_id,
                task_id=self.request.id,
                retries=self.request.retries,
                ocr=True,
            )
            return result.value
        except RetryLater as exc:
            raise self.retry(countdown=exc.countdown) from exc

    @app.task(  # type: ignore[untyped-decorator]
        name=REVERIFY_DOCUMENT,
        bind=True,
        max_retries=None,
        soft_time_limit=ocr_time_limit(settings) - 30,  # a scan without kept facts is OCR'd
        time_limit=ocr_time_limit(settings),
    )
    def reverify(self: Task, document_id: str, unaware_of: str | None = None) -> str:
        message = ReverifyDocument(document_id=document_id, unaware_of=unaware_of)
        try:
            return reverify_document(rt, message.document_id, message.unaware_of).value
        except RetryLater as exc:
            if self.request.retries >= settings.max_attempts:
                return "put_off"  # still stale: the sweeper sends it again (a stalled run)
            raise self.retry(countdown=exc.countdown) from exc

    @app.task(name=DELIVER_WEBHOOK, bind=True, max_retries=None)  # type: ignore[untyped-decorator]
    def deliver_webhook(self: Task, delivery_id: str) -> str:
        message = DeliverWebhook(delivery_id=delivery_id)
        try:
            return deliver(rt, message.delivery_id).value
        except RetryLater as exc:
            raise self.retry(countdown=exc.countdown) from exc

    @app.task(name=SWEEP)  # type: ignore[untyped-decorator]
    def sweep_task() -> int:
        return sweep(rt, app)

    def _reset(**_: Any) -> None:
        rt.after_fork()
        bound_memory(settings.worker_memory_limit_mb)  # per child: one task's hard bound
        rt.warm_up()

    def _started(**_: Any) -> None:
        start_reverify(settings, app)  # a catalog changed while we were down

    main = os.getpid()

    def _beat_started(**_: Any) -> None:
        # `--beat` runs the scheduler as a child of Celery's main process that, unlike the pool,
        # is not tied to it: a main process killed outright left it running, holding the
        # scheduler lock, beside the restarted worker's own scheduler
        end_with(main)

    worker_process_init.connect(_reset, weak=False)
    worker_ready.connect(_started, weak=False)
    beat_embedded_init.connect(_beat_started, weak=False)
    app.absah_runtime = rt
    return app
