"""The SQL tables, the source of truth for units, submissions, documents and findings; by
concern in the modules beside this one, imported from here (`from infra.tables import Document`)."""

from infra.tables.access import Account, ApiKey, SignInFailure, WebSession
from infra.tables.base import Base, UtcDateTime, new_id, table_of, utcnow
from infra.tables.delivery import (
    IdempotencyRecord,
    ServiceBeat,
    Upload,
    WebhookDelivery,
    WebhookEndpoint,
)
from infra.tables.evidence import (
    Batch,
    CriterionState,
    Document,
    FindingRow,
    Region,
    ReverifySchedule,
    StoredFacts,
    Submission,
    Unit,
    VerdictRow,
)
from infra.tables.review import AuditEntry, Decision, ReviewClaim

__all__ = [
    "Account",
    "ApiKey",
    "AuditEntry",
    "Base",
    "Batch",
    "CriterionState",
    "Decision",
    "Document",
    "FindingRow",
    "IdempotencyRecord",
    "Region",
    "ReverifySchedule",
    "ReviewClaim",
    "ServiceBeat",
    "SignInFailure",
    "StoredFacts",
    "Submission",
    "Unit",
    "Upload",
    "UtcDateTime",
    "VerdictRow",
    "WebSession",
    "WebhookDelivery",
    "WebhookEndpoint",
    "new_id",
    "table_of",
    "utcnow",
]
