"""The Laporan Hasil Pemeriksaan: one submission as a print-ready HTML page (A4), in Indonesian."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from infra.statuses import DecisionKind
from intake.workspace.dates import tanggal
from intake.workspace.decision_views import LABELS_ID as DECISION_LABELS
from intake.workspace.exports import OUTCOME_LABELS, location_text
from intake.workspace.reading import SubmissionOut
from rules.catalog import Catalog
from rules.completeness import CriterionStatus

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def templates() -> Environment:
    """Built on first use, never at import."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def summary(view: SubmissionOut) -> dict[str, Any]:
    """What the closing paragraph says: applicable criteria by decision and machine status."""
    applicable = [c for c in view.criteria if c.status != CriterionStatus.NOT_APPLICABLE]
    decided = Counter(c.decision.decision.value if c.decision else "" for c in applicable)
    mandatory_open = [
        c
        for c in applicable
        if c.mandatory and (c.decision is None or c.decision.decision is not DecisionKind.ACCEPTED)
    ]
    return {
        "applicable": len(applicable),
        "complete": sum(1 for c in applicable if c.status == CriterionStatus.COMPLETE),
        "decisions": [(DECISION_LABELS[k], decided.get(k.value, 0)) for k in DecisionKind],
        "undecided": decided.get("", 0),
        "mandatory_open": mandatory_open,
        "ready": view.ready,
        "ready_label": view.ready_label,
    }


def render_report(
    view: SubmissionOut,
    catalog: Catalog,
    office_name: str,
    verifier: str,
    now: datetime | None = None,
) -> str:
    """The whole report as HTML; open it in a browser and print (A4). `verifier` is the name
    of who prints it (the signed-in verifier, or the key's name), under "Diperiksa oleh"."""
    now = now or datetime.now(UTC)
    return (
        templates()
        .get_template("report.html")
        .render(
            office_name=office_name,
            verifier=verifier,
            deciders=sorted({c.decision.by for c in view.criteria if c.decision}),
            catalog=catalog,
            view=view,
            summary=summary(view),
            today=tanggal(now),
            printed_at=tanggal(now, with_time=True),
            tanggal=tanggal,
            outcome_labels=OUTCOME_LABELS,
            location_text=location_text,
            not_applicable=CriterionStatus.NOT_APPLICABLE.value,
        )
    )
