"""Prometheus `/metrics`: waits, queue lengths, counters and printers, read from the database at each scrape,
so every server process reports the same figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from waitwell.dashboard import metrics_access
from waitwell.metrics.legs import LegOutcome
from waitwell.persistence import Counter, Office, Printer, Service, Ticket, TicketEvent
from waitwell.persistence.devices import PrinterStatus
from waitwell.runtime import Runtime
from waitwell.services.metrics.records import unfinished_visits
from waitwell.services.metrics.waits import read_office_waits
from waitwell.web import RUNTIME_KEY

REGISTRY_KEY = "waitwell.prometheus_registry"
ONLINE_STATUSES = frozenset({"online", "paper_near_end", "paper_low"})  # printing, even if paper runs short


class WaitwellCollector(Collector):
    """Gauges of the offices as they are now; ticket totals as counters."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def collect(self) -> Iterator[Any]:
        with self._runtime.uow(read_only=True) as uow:
            session, now = uow.session, uow.clock.now()
            services = session.execute(
                select(Service.id, Service.name, Office.id.label("office_id"), Office.name.label("office"))
                .join(Office, Office.id == Service.office_id)
            ).all()
            labels = {s.id: [str(s.office_id), s.office, str(s.id), s.name] for s in services}
            yield from self._queues(session, now, labels)
            yield from self._last_ten(session, now, labels)
            yield from self._totals(session, labels)
            yield from self._counters(session)
            yield from self._printers(session)

    def _queues(self, session: Any, now: datetime, labels: dict[int, list[str]]) -> Iterator[Any]:
        names = ["office_id", "office", "service_id", "service"]
        waiting = GaugeMetricFamily("waitwell_waiting_tickets", "Tickets in line now, not yet called", labels=names)
        longest = GaugeMetricFamily("waitwell_longest_wait_seconds",
                                    "Longest time a ticket still in line has waited so far", labels=names)
        counts: dict[int, int] = dict.fromkeys(labels, 0)
        longest_by_service: dict[int, float] = dict.fromkeys(labels, 0.0)
        for office_id in {int(v[0]) for v in labels.values()}:
            for visit in unfinished_visits(session, office_id):
                leg = visit.legs[-1]
                if leg.outcome == LegOutcome.WAITING and leg.service_id in counts:
                    counts[leg.service_id] += 1
                    waited = (now - leg.started_at).total_seconds()
                    longest_by_service[leg.service_id] = max(longest_by_service[leg.service_id], waited)
        for service_id, values in labels.items():
            waiting.add_metric(values, counts[service_id])
            longest.add_metric(values, longest_by_service[service_id])
        yield waiting
        yield longest

    def _last_ten(self, session: Any, now: datetime, labels: dict[int, list[str]]) -> Iterator[Any]:
        names = ["office_id", "office", "service_id", "service"]
        average = GaugeMetricFamily("waitwell_last_ten_wait_seconds",
                                    "Average wait of the last 10 customers called (ticket to first call)", labels=names)
        age = GaugeMetricFamily("waitwell_last_call_age_seconds",
                                "Seconds since the newest of those calls (the figure's age)", labels=names)
        for office_id in sorted({int(v[0]) for v in labels.values()}):
            for figure in read_office_waits(session, office_id, now).services:
                if figure.service_id is None or figure.average_wait_minutes is None or figure.updated_at is None:
                    continue
                values = labels[figure.service_id]
                average.add_metric(values, figure.average_wait_minutes * 60)
                age.add_metric(values, (now - figure.updated_at).total_seconds())
        yield average
        yield age

    def _totals(self, session: Any, labels: dict[int, list[str]]) -> Iterator[Any]:
        names = ["office_id", "office", "service_id", "service"]
        issued = CounterMetricFamily("waitwell_tickets_issued", "Tickets issued, by the service they were issued for",
                                     labels=names)
        finished = CounterMetricFamily("waitwell_tickets_finished",
                                       "Tickets that ended, by the service they ended in and how",
                                       labels=[*names, "outcome"])
        rows = session.execute(select(Ticket.service_id, Ticket.state, func.count()).group_by(Ticket.service_id,
                                                                                            Ticket.state)).all()
        for service_id, state, count in rows:
            if service_id in labels and state.is_final:
                finished.add_metric([*labels[service_id], state.value], count)
        # A ticket may have moved line since; its "issued" history row keeps the service it was issued for.
        issued_counts: dict[int, int] = dict.fromkeys(labels, 0)
        for service_id, count in session.execute(
            select(TicketEvent.service_id, func.count()).where(TicketEvent.kind == "issued")
            .group_by(TicketEvent.service_id)
        ).all():
            if service_id in issued_counts:
                issued_counts[service_id] = count
        for service_id, count in issued_counts.items():
            issued.add_metric(labels[service_id], count)
        yield issued
        yield finished

    def _counters(self, session: Any) -> Iterator[Any]:
        counters = GaugeMetricFamily("waitwell_counters", "Counters by state", labels=["office_id", "office", "state"])
        rows = session.execute(
            select(Office.id, Office.name, Counter.state, func.count())
            .join(Counter, Counter.office_id == Office.id).group_by(Office.id, Office.name, Counter.state)
        ).all()
        for office_id, office, state, count in rows:
            counters.add_metric([str(office_id), office, state.value], count)
        yield counters

    def _printers(self, session: Any) -> Iterator[Any]:
        names = ["office_id", "office", "printer_id", "printer"]
        online = GaugeMetricFamily("waitwell_printer_online",
                                   "1 when the printer last answered and can print (paper running low counts), else 0",
                                   labels=names)
        status = GaugeMetricFamily("waitwell_printer_status", "1 for the status the printer last reported",
                                   labels=[*names, "status"])
        rows = session.execute(
            select(Office.id, Office.name, Printer.id, Printer.name, Printer.status)
            .join(Printer, Printer.office_id == Office.id)
        ).all()
        for office_id, office, printer_id, printer, current in rows:
            values = [str(office_id), office, str(printer_id), printer]
            online.add_metric(values, 1 if current.value in ONLINE_STATUSES else 0)
            for each in PrinterStatus:
                status.add_metric([*values, each.value], 1 if each == current else 0)
        yield online
        yield status


def init_app(app: Flask) -> None:
    metrics_access.check_settings(app)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(WaitwellCollector(app.extensions[RUNTIME_KEY]))
    app.extensions[REGISTRY_KEY] = registry
    app.add_url_rule("/metrics", "prometheus_metrics", scrape)


def scrape() -> Response:
    """The Prometheus text format, for the scrapers metrics_access lets in (nobody until it is configured)."""
    refused = metrics_access.refusal()
    if refused is not None:
        return refused
    return Response(generate_latest(current_app.extensions[REGISTRY_KEY]), mimetype=CONTENT_TYPE_LATEST)
