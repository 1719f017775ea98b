"""The Celery app of the worker, built from settings: tasks are thin, the pipeline does the work."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init

from infra.queue import (
    DELIVER_WEBHOOK,
    SWEEP,
    VERIFY_DOCUMENT,
    DeliverWebhook,
    VerifyDocument,
    celery_config,
)
from infra.settings import Settings
from worker.pipeline import RetryLater, verify_document
from worker.runtime import WorkerRuntime
from worker.sweeper import sweep
from worker.webhooks import deliver


def create_celery(settings: Settings, runtime: WorkerRuntime | None = None) -> Celery:
    rt = runtime or WorkerRuntime(settings)
    app = Celery("absah", set_as_current=False)
    app.conf.update(celery_config(settings))
    app.conf.beat_schedule = {
        "sweep": {"task": SWEEP, "schedule": settings.sweep_interval_seconds},
    }

    @app.task(name=VERIFY_DOCUMENT, bind=True)  # type: ignore[untyped-decorator]
    def verify(self: Task, document_id: str) -> str:
        message = VerifyDocument(document_id=document_id)
        try:
            return verify_document(rt, message.document_id).value
        except RetryLater as exc:
            raise self.retry(countdown=exc.countdown, max_retries=None) from exc

    @app.task(name=DELIVER_WEBHOOK, bind=True)  # type: ignore[untyped-decorator]
    def deliver_webhook(self: Task, delivery_id: str) -> str:
        message = DeliverWebhook(delivery_id=delivery_id)
        try:
            return deliver(rt, message.delivery_id).value
        except RetryLater as exc:
            raise self.retry(countdown=exc.countdown, max_retries=None) from exc

    @app.task(name=SWEEP)  # type: ignore[untyped-decorator]
    def sweep_task() -> int:
        return sweep(rt, app)

    def _reset(**_: Any) -> None:
        rt.after_fork()

    worker_process_init.connect(_reset, weak=False)
    app.absah_runtime = rt
    return app
