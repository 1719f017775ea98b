"""A picture of progress for one programme's period: per unit, how far its evidence got
(uploaded → complete → decided → ready), and the counts a Kanwil reports upward per group of
units (kab/kota, UPT). Computed from the matrix, so it says what the matrix says."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.statuses import DecisionKind
from intake.workspace.matrix import Matrix, MatrixUnit
from rules.completeness import CriterionStatus

GOVERNMENTS = {"kabupaten", "kota"}
GROUP_LABELS = {"pemda": "kab/kota", "provinsi": "provinsi", "upt": "UPT"}
STAGES = ("uploaded", "complete", "decided", "ready")
STAGE_LABELS = {
    "uploaded": "sudah mengunggah",
    "complete": "LENGKAP semua",
    "decided": "sudah diputuskan semua",
    "ready": "Siap diunggah",
}
# The segments of a unit's bar, in the order drawn, each a share of its applicable criteria.
SEGMENTS = ("accepted", "other_decision", "complete", "open")
SEGMENT_LABELS = {
    "accepted": "Memenuhi",
    "other_decision": "Perlu Perbaikan / Tidak Memenuhi",
    "complete": "LENGKAP, belum diputuskan",
    "open": "BELUM LENGKAP / Perlu cek manual / Sedang diperiksa",
}


def group_of(kind: str) -> str:
    if kind in GOVERNMENTS:
        return "pemda"
    return "provinsi" if kind == "provinsi" else "upt"


@dataclass
class UnitProgress:
    code: str
    name: str
    group: str
    uploaded: bool
    complete: bool  # every applicable mandatory criterion LENGKAP
    decided: bool  # every applicable criterion has a decision
    ready: bool
    applicable: int
    segments: dict[str, int]  # SEGMENTS → criteria

    @property
    def stage(self) -> str:
        """The furthest stage reached, or "none" (not uploaded)."""
        reached = [s for s in STAGES if getattr(self, s)]
        return reached[-1] if reached else "none"


@dataclass
class GroupCounts:
    group: str
    label: str
    units: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))

    def sentence(self, stage: str) -> str:
        """'17 dari 18 kab/kota sudah mengunggah' — the line the Kanwil reports upward."""
        return f"{self.counts[stage]} dari {self.units} {self.label} {STAGE_LABELS[stage]}"


@dataclass
class Progress:
    programme: str
    period: str
    units: list[UnitProgress]
    groups: list[GroupCounts]


def unit_progress(matrix: Matrix, row: MatrixUnit) -> UnitProgress:
    mandatory = {c.id for c in matrix.criteria if c.mandatory}
    cells = {
        cid: c for cid, c in row.cells.items() if c.status is not CriterionStatus.NOT_APPLICABLE
    }
    segments = dict.fromkeys(SEGMENTS, 0)
    for cell in cells.values():
        if cell.decision is DecisionKind.ACCEPTED:
            segments["accepted"] += 1
        elif cell.decision is not None:
            segments["other_decision"] += 1
        elif cell.status is CriterionStatus.COMPLETE:
            segments["complete"] += 1
        else:
            segments["open"] += 1
    return UnitProgress(
        code=row.code,
        name=row.name,
        group=group_of(row.kind),
        uploaded=row.submitted,
        complete=row.submitted
        and all(
            c.status is CriterionStatus.COMPLETE for cid, c in cells.items() if cid in mandatory
        ),
        decided=row.submitted
        and bool(cells)
        and all(c.decision is not None for c in cells.values()),
        ready=row.submitted and row.ready,
        applicable=len(cells),
        segments=segments,
    )


def build_progress(matrix: Matrix) -> Progress:
    units = [unit_progress(matrix, row) for row in matrix.units]
    groups: dict[str, GroupCounts] = {}
    for unit in units:
        counts = groups.setdefault(unit.group, GroupCounts(unit.group, GROUP_LABELS[unit.group]))
        counts.units += 1
        for stage in STAGES:
            counts.counts[stage] += bool(getattr(unit, stage))
    ordered = [groups[g] for g in GROUP_LABELS if g in groups]
    return Progress(matrix.programme, matrix.period, units, ordered)
