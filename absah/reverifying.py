"""`absah reverify` at the terminal: the dry run's table and the progress bar of a real run."""

from __future__ import annotations

import time

import click

from infra.reverify import Stale, settled, status_counts
from worker.reverify_runs import Preview
from worker.runtime import WorkerRuntime

REFETCH = "(diunduh ulang · fetched again)"


def print_preview(previews: list[Preview]) -> None:
    """One line a document: where, name, status now → status under the catalog in force."""
    for p in previews:
        d = p.doc
        after = p.status or REFETCH
        why = f"  [{', '.join(p.failing)}]" if p.failing else ""
        click.echo(
            f"{d.document_id}  {d.programme}/{d.period}/{d.unit}  {d.name}  "
            f"{d.status} → {after}  ({d.ruleset_version} → {d.in_force}){why}"
        )
    changed = sum(1 for p in previews if p.status is not None and p.status != p.doc.status)
    refetch = sum(1 for p in previews if p.status is None)
    click.echo(
        f"{len(previews)} dokumen akan diperiksa ulang, {changed} berubah status, {refetch} tanpa "
        f"fakta tersimpan · {len(previews)} document(s) to re-verify, {changed} change status, "
        f"{refetch} without stored facts (dry run: nothing written)"
    )


def watch(rt: WorkerRuntime, docs: list[Stale], interval: float = 1.0) -> None:
    """A progress bar until every document is re-verified; Ctrl-C only stops watching."""
    done = 0
    try:
        with click.progressbar(length=len(docs), label="Pemeriksaan ulang") as bar:
            while done < len(docs):
                time.sleep(interval)
                with rt.sessions() as session:
                    now = settled(session, docs)
                bar.update(now - done)
                done = now
    except KeyboardInterrupt:
        click.echo(f"\n{done} dari {len(docs)} selesai; sisanya tetap diperiksa di latar belakang")
        return
    with rt.sessions() as session:
        statuses = status_counts(session, [d.document_id for d in docs])
    summary = ", ".join(f"{s} {n}" for s, n in sorted(statuses.items()))
    click.echo(f"Selesai · done: {summary}")
