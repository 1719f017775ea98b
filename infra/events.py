"""Webhook events: names and payload schemas (the worker builds them, the API documents them)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class EventType(StrEnum):
    DOCUMENT_CHECKED = "document.checked"
    SUBMISSION_EVALUATED = "submission.evaluated"
    DECISION_RECORDED = "decision.recorded"
    BATCH_COMPLETED = "batch.completed"
    DOCUMENT_SUPERSEDED = "document.superseded"


class DocumentChecked(BaseModel):
    """A document reached its final machine status (also sent when a re-verification under a
    new rule-set version changed it)."""

    document_id: str
    programme: str
    period: str
    unit: str
    criterion: str
    status: str = Field(description="passed, failed, needs_review or unable_to_check")
    reason_code: str | None = Field(description="why, when not passed")
    ruleset_version: str | None
    batch_id: str | None
    status_url: str = Field(description="GET it for the findings: /v1/documents/{id}")


class SubmissionEvaluated(BaseModel):
    """The submission's criteria were re-evaluated after a document reached its final status."""

    programme: str
    period: str
    unit: str
    criteria: dict[str, str] = Field(
        description="criterion id → pending, complete, incomplete, needs_review, not_applicable"
    )
    status_url: str


class BatchCompleted(BaseModel):
    """Every document of an upload request (or ZIP bundle) has a final status; sent once."""

    batch_id: str
    programme: str
    period: str
    unit: str
    total: int
    counts: dict[str, int] = Field(description="documents by final status")
    status_url: str = Field(description="/v1/batches/{id}")


class DecisionRecorded(BaseModel):
    """A verifier decided on a criterion (fired by the verifier workspace)."""

    programme: str
    period: str
    unit: str
    criterion: str
    decision: str = Field(description="accepted, revision_requested or rejected")
    note: str | None = None
    machine_status: str | None = Field(default=None, description="the machine verdict then")
    status_url: str


class DocumentSuperseded(BaseModel):
    """A document was replaced by a newer file (POST /v1/documents/{id}/replace); the old one
    no longer counts, the new one is checked like any upload (its own `document.checked`)."""

    document_id: str = Field(description="the replaced (now superseded) document")
    superseded_by: str = Field(description="the new document")
    programme: str
    period: str
    unit: str
    criterion: str
    by: str = Field(description="the name of the key that replaced it")
    status_url: str = Field(description="/v1/documents/{new id}")


class _Envelope(BaseModel):
    id: str = Field(description="the event's id: the same for every endpoint it is sent to")
    created_at: datetime


class DocumentCheckedEvent(_Envelope):
    type: Literal["document.checked"]
    data: DocumentChecked


class SubmissionEvaluatedEvent(_Envelope):
    type: Literal["submission.evaluated"]
    data: SubmissionEvaluated


class BatchCompletedEvent(_Envelope):
    type: Literal["batch.completed"]
    data: BatchCompleted


class DecisionRecordedEvent(_Envelope):
    type: Literal["decision.recorded"]
    data: DecisionRecorded


class DocumentSupersededEvent(_Envelope):
    type: Literal["document.superseded"]
    data: DocumentSuperseded
