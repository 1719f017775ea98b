"""Prometheus metrics, read from the database and the broker at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import redis
import sqlalchemy as sa
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry

from infra.liveness import sweeper_health
from infra.queue import reverify_queue
from infra.reverify import stale_counts
from infra.statuses import WAITING, DocumentStatus
from infra.tables import AuditEntry, Document, SignInFailure, WebhookDelivery, utcnow
from intake.runtime import ApiRuntime

BUCKETS_MS = (50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)


class AbsahCollector(Collector):
    def __init__(self, rt: ApiRuntime) -> None:
        self.rt = rt

    def collect(self) -> Iterator[Metric]:
        with self.rt.sessions() as session:
            yield from self._documents(session)
            yield from self._sweeper(session)
            yield from self._durations(session)
            yield from self._webhooks(session)
            yield self._reverify(session)
            yield from self._sign_ins(session)
        yield self._queue_depth()

    def _documents(self, session: Any) -> Iterator[Metric]:
        by_status = GaugeMetricFamily("absah_documents", "Documents by status", labels=["status"])
        counts = dict(
            session.execute(
                sa.select(Document.status, sa.func.count()).group_by(Document.status)
            ).all()
        )
        for status in DocumentStatus:
            by_status.add_metric([status.value], counts.get(status.value, 0))
        yield by_status
        unable = GaugeMetricFamily(
            "absah_documents_unable_to_check",
            "Documents left unable_to_check, by reason (object-changed: stored bytes replaced)",
            labels=["reason"],
        )
        for reason, count in session.execute(
            sa.select(Document.status_reason, sa.func.count())
            .where(Document.status == DocumentStatus.UNABLE_TO_CHECK)
            .group_by(Document.status_reason)
        ):
            unable.add_metric([reason or "unknown"], count)
        yield unable
        waiting = [*WAITING, DocumentStatus.CHECKING]
        oldest = session.scalar(
            sa.select(sa.func.min(Document.created_at)).where(Document.status.in_(waiting))
        )
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "absah_oldest_unverified_seconds",
            "Age of the oldest document without a final status",
            value=age,
        )

    def _sweeper(self, session: Any) -> Iterator[Metric]:
        health = sweeper_health(
            session, self.rt.settings.sweep_interval_seconds, self.rt.started_at
        )
        last = health.last_run_at.timestamp() if health.last_run_at else float("nan")
        yield GaugeMetricFamily(
            "absah_sweeper_last_run_timestamp_seconds",
            "When the sweeper last finished a round (Unix time; NaN before the first)",
            value=last,
        )
        yield GaugeMetricFamily(
            "absah_sweeper_silent_seconds",
            "Seconds since the sweeper last ran (since the API started, before the first run)",
            value=health.silent_seconds,
        )
        yield GaugeMetricFamily(
            "absah_oldest_checking_seconds",
            "Age of the oldest claim on a document being checked",
            value=health.oldest_checking_seconds,
        )

    def _durations(self, session: Any) -> Iterator[Metric]:
        rows = session.execute(
            sa.select(
                *[sa.func.count().filter(Document.check_ms <= b) for b in BUCKETS_MS],
                sa.func.count().filter(Document.check_ms.is_not(None)),
                sa.func.coalesce(sa.func.sum(Document.check_ms), 0),
            )
        ).one()
        buckets = [(str(b / 1000), rows[i]) for i, b in enumerate(BUCKETS_MS)]
        buckets.append(("+Inf", rows[len(BUCKETS_MS)]))
        yield HistogramMetricFamily(
            "absah_check_duration_seconds",
            "Time to check one document (last check of each)",
            buckets=buckets,
            sum_value=rows[-1] / 1000,
        )

    def _webhooks(self, session: Any) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "absah_webhook_deliveries", "Webhook deliveries by status", labels=["status"]
        )
        for status, count in session.execute(
            sa.select(WebhookDelivery.status, sa.func.count()).group_by(WebhookDelivery.status)
        ):
            family.add_metric([status], count)
        yield family

    def _reverify(self, session: Any) -> Metric:
        family = GaugeMetricFamily(
            "absah_documents_reverify_pending",
            "Documents whose rule-set version differs from the catalog in force (re-verification "
            "to do), by the version in force",
            labels=["ruleset_version"],
        )
        counts = stale_counts(session, self.rt.catalogs)
        for catalog in self.rt.catalogs.catalogs:
            version = catalog.ruleset_version
            family.add_metric([version], counts.get(version, 0))
        return family

    def _sign_ins(self, session: Any) -> Iterator[Metric]:
        """Lockouts (from the audit log, so every API process counts the same) and the wrong
        passwords or codes of the last lockout window."""
        locks = session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "account.locked")
        )
        yield CounterMetricFamily(
            "absah_sign_in_lockouts",
            "Usernames locked after too many failed sign-ins",
            value=locks or 0,
        )
        since = utcnow() - timedelta(minutes=self.rt.settings.lockout_window_minutes)
        failures = session.scalar(
            sa.select(sa.func.count()).select_from(SignInFailure).where(SignInFailure.at > since)
        )
        yield GaugeMetricFamily(
            "absah_sign_in_failures_recent",
            "Wrong passwords or codes within the lockout window",
            value=failures or 0,
        )

    def _queue_depth(self) -> Metric:
        family = GaugeMetricFamily(
            "absah_queue_depth", "Messages waiting in the broker queue", labels=["queue"]
        )
        for queue in (self.rt.settings.queue_name, reverify_queue(self.rt.settings)):
            try:
                client = redis.Redis.from_url(self.rt.settings.broker_url or "", socket_timeout=2)
                depth = float(client.llen(queue))
                client.close()
            except (redis.RedisError, ValueError):
                depth = float("nan")
            family.add_metric([queue], depth)
        return family


def build_registry(rt: ApiRuntime) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(AbsahCollector(rt))
    return registry
