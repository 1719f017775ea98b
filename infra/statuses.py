"""Every status the system stores, as enums: documents, presigned uploads, webhook deliveries
and verifiers' decisions (the moves between document statuses are infra/states.py's)."""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    CHECKING = "checking"
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"
    UNABLE_TO_CHECK = "unable_to_check"
    SUPERSEDED = "superseded"


WAITING = (DocumentStatus.RECEIVED, DocumentStatus.QUEUED)
FINAL = frozenset(
    {
        DocumentStatus.PASSED,
        DocumentStatus.FAILED,
        DocumentStatus.NEEDS_REVIEW,
        DocumentStatus.UNABLE_TO_CHECK,
        DocumentStatus.SUPERSEDED,
    }
)


class UploadStatus(StrEnum):
    """A presigned upload: waiting for its bytes, turned into a document, or never completed."""

    PENDING = "pending"
    COMPLETED = "completed"
    EXPIRED = "expired"


class DeliveryStatus(StrEnum):
    """A webhook delivery: still to be sent (or retried), delivered, or failed for good."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class DecisionKind(StrEnum):
    """A verifier's decision on one criterion."""

    ACCEPTED = "accepted"  # Memenuhi
    REVISION_REQUESTED = "revision_requested"  # Perlu Perbaikan
    REJECTED = "rejected"  # Tidak Memenuhi
