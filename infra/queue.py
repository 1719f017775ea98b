"""The queue contract: task names, message models, and the Celery settings both sides share."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import Celery
from pydantic import BaseModel, ConfigDict

from infra.settings import Settings

log = logging.getLogger(__name__)

VERIFY_DOCUMENT = "absah.verify_document"
SWEEP = "absah.sweep"
DELIVER_WEBHOOK = "absah.deliver_webhook"
OCR_DOCUMENT = "absah.ocr_document"
REVERIFY_DOCUMENT = "absah.reverify_document"

TASK_NAMES = frozenset({VERIFY_DOCUMENT, SWEEP, DELIVER_WEBHOOK, OCR_DOCUMENT, REVERIFY_DOCUMENT})


class DeliverWebhook(BaseModel):
    """Send one recorded webhook delivery."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delivery_id: str


class OcrDocument(BaseModel):
    """OCR the textless pages of one claimed-then-handed-over document and finish its check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: str


class VerifyDocument(BaseModel):
    """Check one stored document. Ids only: never bytes, never ORM objects."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: str


class ReverifyDocument(BaseModel):
    """Check one already checked document again under the catalog now in force; with
    `unaware_of`, also when current, if its last check came before that moment (another unit
    uploaded a copy or look-alike of it then, which that check could not see)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: str
    unaware_of: datetime | None = None


def reverify_queue(settings: Settings) -> str:
    """Re-verification's own queue, consumed last: a catalog change never delays new uploads."""
    return f"{settings.queue_name}.reverify"


def worker_queues(settings: Settings, which: str = "all") -> list[str]:
    """What a worker consumes, in priority order (Redis BRPOP takes the first non-empty):
    `checks` the sweep, new documents, then re-verification; `ocr` the scans; `all` every one,
    re-verification last."""
    sweep, checks, ocr = sweep_queue(settings), settings.queue_name, ocr_queue(settings)
    later = reverify_queue(settings)
    return {"checks": [sweep, checks, later], "ocr": [ocr], "all": [sweep, checks, ocr, later]}[
        which
    ]


def sweep_queue(settings: Settings) -> str:
    """The sweeper's own queue: a backlog of checks must not starve the task that repairs it."""
    return f"{settings.queue_name}.sweep"


def ocr_queue(settings: Settings) -> str:
    """OCR's own queue: photos and born-digital PDFs never wait behind a backlog of scans."""
    return f"{settings.queue_name}.ocr"


def ocr_time_limit(settings: Settings) -> int:
    """The OCR task's hard limit: the OCR run's own bound plus the checks around it."""
    return int(settings.ocr_timeout_seconds) + settings.task_time_limit


class BrokerNotConfigured(RuntimeError):
    pass


def celery_config(settings: Settings) -> dict[str, Any]:
    if not settings.broker_url:
        raise BrokerNotConfigured("ABSAH_BROKER_URL is not set (absah run starts a private Redis)")
    # Redis redelivers an unacknowledged message after the visibility timeout: it must exceed
    # the hard time limit, or a long check would be handed to a second worker mid-flight.
    visibility = max(3600, settings.task_time_limit * 4, ocr_time_limit(settings) * 2)
    return {
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        # "priority": queues are read in the worker's order (worker_queues), not round-robin,
        # so re-verification only runs when no new upload waits
        "broker_transport_options": {
            "visibility_timeout": visibility,
            "queue_order_strategy": "priority",
        },
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # take a message only when a child is free: none waits, unstarted, in a worker that may
        # die whole (it would come back only after the visibility timeout or a re-send)
        "worker_disable_prefetch": True,
        "task_default_queue": settings.queue_name,
        "task_routes": {
            SWEEP: {"queue": sweep_queue(settings)},
            OCR_DOCUMENT: {"queue": ocr_queue(settings)},
            REVERIFY_DOCUMENT: {"queue": reverify_queue(settings)},
        },
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "worker_max_memory_per_child": settings.worker_max_memory_mb * 1024,  # KiB
        "worker_hijack_root_logger": False,
        "broker_heartbeat": 0,
    }


def create_sender(settings: Settings) -> Celery:
    """A Celery app that only sends messages by task name (the API side)."""
    app = Celery("absah-sender", set_as_current=False)
    app.conf.update(celery_config(settings))
    return app


def _send(sender: Celery, task: str, message: BaseModel) -> None:
    """Send by task name, ids only (JSON values; unset options left out); raises when the
    broker cannot take the message."""
    sender.send_task(
        task,
        kwargs=message.model_dump(mode="json", exclude_none=True),
        retry=True,
        retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
    )


def send_verify(sender: Celery, document_id: str) -> None:
    """Enqueue one document's check."""
    _send(sender, VERIFY_DOCUMENT, VerifyDocument(document_id=document_id))


def send_ocr(sender: Celery, document_id: str) -> None:
    """Enqueue the OCR of one document's textless pages (on the OCR queue, by route)."""
    _send(sender, OCR_DOCUMENT, OcrDocument(document_id=document_id))


def send_webhook(sender: Celery, delivery_id: str) -> None:
    """Enqueue one recorded webhook delivery."""
    _send(sender, DELIVER_WEBHOOK, DeliverWebhook(delivery_id=delivery_id))


def send_reverify(sender: Celery, document_id: str, *, unaware_of: datetime | None = None) -> None:
    """Enqueue one document's re-verification (its own low-priority queue)."""
    _send(
        sender, REVERIFY_DOCUMENT, ReverifyDocument(document_id=document_id, unaware_of=unaware_of)
    )
