"""How `absah verify` prints its report: a readable table (Bahasa Indonesia) or JSON."""

from __future__ import annotations

import json
from typing import Any

from rules.completeness import LABELS_ID, CriterionStatus
from worker.offline import OfflineReport

DOC_LABELS = {"passed": "LOLOS", "failed": "DITOLAK", "needs_review": "CEK MANUAL"}
PROBLEMS = {
    "criterion-unknown": (
        "Kriteria tidak diketahui: beri nama berkas sesuai konvensi, letakkan "
        "di folder bernama kode kriteria, atau pakai --criterion.",
        "Unknown criterion: use the naming convention, a folder named after "
        "the criterion id, or --criterion.",
    ),
}


def _problem(code: str) -> tuple[str, str]:
    if code in PROBLEMS:
        return PROBLEMS[code]
    crit = code.partition(":")[2]
    return (f"Kriteria {crit} tidak ada dalam katalog.", f"Criterion {crit} is not in the catalog.")


def report_json(report: OfflineReport) -> dict[str, Any]:
    documents = []
    for doc in report.documents:
        entry: dict[str, Any] = {
            "name": doc.name,
            "criterion": doc.criterion_id,
            "status": doc.status,
            "size": doc.size,
            "sha256": doc.sha256,
            "detected_mime": doc.mime,
        }
        if doc.verdict is not None:
            entry |= {
                "kind": doc.verdict.kind,
                "reason_code": doc.verdict.reason_code,
                "findings": [f.model_dump(mode="json") for f in doc.verdict.findings],
            }
        else:
            message, message_en = _problem(doc.problem or "criterion-unknown")
            entry |= {
                "kind": None,
                "reason_code": (doc.problem or "").split(":")[0],
                "message": message,
                "message_en": message_en,
                "findings": [],
            }
        documents.append(entry)
    criteria = [
        {
            "id": cid,
            "name": report.catalog.leaves[cid].name_id,
            "status": v.status,
            "status_label": LABELS_ID[v.status],
            "mandatory": report.catalog.leaves[cid].mandatory,
            "missing": v.missing,
            "reasons": v.reasons,
        }
        for cid, v in report.criteria.items()
    ]
    return {
        "programme": report.programme,
        "period": report.period,
        "unit": report.unit,
        "unit_kind": report.unit_kind,
        "ruleset_version": report.catalog.ruleset_version,
        "ok": report.all_good,
        "documents": documents,
        "criteria": criteria,
        "rejected_entries": report.rejected_entries,
    }


def _why(doc_json: dict[str, Any]) -> str:
    if doc_json.get("message"):
        return str(doc_json["message"])
    bad = [f for f in doc_json["findings"] if f["outcome"] == "fail" or f["needs_review"]]
    return " | ".join(f["message_id"] for f in bad) or "-"


def report_table(report: OfflineReport) -> str:
    data = report_json(report)
    lines = [
        f"Absah — verifikasi luring · {data['programme']} {data['period']} · unit "
        f"{data['unit']} ({data['unit_kind'] or 'jenis unit tidak diketahui'})",
        f"Versi aturan: {data['ruleset_version']}",
        "",
        "DOKUMEN",
    ]
    for doc in data["documents"]:
        label = DOC_LABELS.get(doc["status"], doc["status"].upper())
        lines.append(f"  {label:<11} {doc['criterion'] or '?':<20} {doc['name']}")
        if doc["status"] != "passed":
            lines.append(f"              ↳ {_why(doc)}")
    for entry in data["rejected_entries"]:
        lines.append(f"  {'DITOLAK':<11} {'(ZIP)':<20} {entry['name']}")
        lines.append(f"              ↳ {entry['message']}")
    lines += ["", "KRITERIA"]
    kinds = report.catalog.evidence_kinds
    for crit in data["criteria"]:
        optional = "" if crit["mandatory"] else " (opsional)"
        lines.append(f"  {crit['id']:<20} {crit['status_label']:<16} {crit['name']}{optional}")
        if crit["status"] == CriterionStatus.INCOMPLETE:
            need = ", ".join(
                f"{kinds[m['kind']].name_id} {m['have']}/{m['min']}" for m in crit["missing"]
            )
            lines.append(f"  {'':<20} ↳ kurang: {need}")
    verdict = "SEMUA LENGKAP DAN LOLOS" if data["ok"] else "BELUM LENGKAP ATAU ADA MASALAH"
    lines += ["", f"Hasil: {verdict}"]
    return "\n".join(lines)


def render(report: OfflineReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report_json(report), ensure_ascii=False, indent=2)
    return report_table(report)
