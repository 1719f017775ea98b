"""Keeping a file's extracted facts, so a rule change re-evaluates without fetching it again."""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache

from pydantic import ValidationError
from sqlalchemy.orm import Session

from infra.db import transaction
from infra.facts_store import load_facts, save_facts
from rules.facts import FileFacts
from worker.extract import FACTS_VERSION
from worker.runtime import WorkerRuntime

log = logging.getLogger(__name__)


@cache
def facts_version() -> str:
    """FACTS_VERSION (bumped when extraction changes) and a digest of the FileFacts schema, so
    facts stored before a field was added are never read as if the field were empty."""
    schema = json.dumps(FileFacts.model_json_schema(), sort_keys=True).encode()
    return f"{FACTS_VERSION}.{hashlib.sha256(schema).hexdigest()[:12]}"


def keep_facts(session: Session, document_id: str, facts: FileFacts) -> None:
    """Store the facts just extracted, in the verdict's transaction (so facts never outlive a
    verdict that did not land, nor miss one that did)."""
    save_facts(session, document_id, facts.sha256, facts_version(), facts.model_dump(mode="json"))


def kept_facts(rt: WorkerRuntime, document_id: str, sha256: str) -> FileFacts | None:
    """The stored facts of these bytes from the current extraction, or None."""
    with transaction(rt.sessions) as session:
        raw = load_facts(session, document_id, sha256, facts_version())
    if raw is None:
        return None
    try:
        return FileFacts.model_validate(raw)
    except ValidationError:  # written by another extraction under the same version: extract
        log.warning("stored facts of %s do not load; extracting again", document_id)
        return None
