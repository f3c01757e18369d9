"""Metric read models as JSON-ready dicts: minutes and percentages, units in the key names, local times
already formatted. The JSON API, the dashboard page and the public /waits page all show these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from waitwell.metrics.accuracy import EstimateAccuracy
from waitwell.metrics.fields import SUMMARY_FIELDS, summary_values
from waitwell.metrics.report import Report, ReportRow
from waitwell.metrics.summary import VisitSummary
from waitwell.services.metrics.today import CounterToday, OfficeToday, ServiceToday
from waitwell.services.metrics.waits import LAST_TEN_DEFINITION, LastTenFigure, OfficeWaits
from waitwell.services.metrics.what_if import WhatIf

DEFINITIONS = {
    "last_ten": LAST_TEN_DEFINITION,
    "wait": "First call minus joining the line (taking the ticket, or a transfer from a counter). "
            "A recall does not restart it.",
    "waiting_now": "Tickets in line now, not yet called.",
    "longest_wait": "Longest time a ticket still in line has waited so far.",
    "utilisation": "Serving time divided by open time. Open time: the counter was open or had a ticket at it; "
                   "serving time: from calling a ticket to finishing with it.",
    "breach": "A service is flagged when someone in its line has already waited longer than its target, "
              "or its last-10 average is above the target.",
    "hourly": "Tickets issued per hour of the local day, and the average wait of tickets by the hour they "
              "joined the line; compared with the same weekday in the last 4 weeks (days with no tickets left out).",
    "what_if": "The rest of today replayed 20 times from the office as it is now: the people waiting, the people "
               "a typical same weekday brings from now to closing, service times and no-shows from the last 4 weeks. "
               "Waits are from joining the line to the call, averaged over everyone the replays call.",
    "accuracy": "Estimates given when each ticket was issued, against the time until it was first called. "
                "Every figure is over the same tickets: those called so far today, whose wait is known. "
                "Error = actual minus estimate. Tickets not called yet are counted apart, with how many have "
                "already waited past the top of their range.",
    **{field.name: field.definition for field in SUMMARY_FIELDS},
}


def minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def percent(share: float | None) -> float | None:
    return round(share * 100, 1) if share is not None else None


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def local_label(moment: datetime | None, now_local: datetime) -> str | None:
    """'14:05' today, 'Mon 9 Mar 16:20' on another day: when a figure was last updated, on the office's clock."""
    if moment is None:
        return None
    if moment.date() == now_local.date():
        return moment.strftime("%H:%M")
    return f"{moment.strftime('%a')} {moment.day} {moment.strftime('%b %H:%M')}"


def figure_payload(figure: LastTenFigure, now_local: datetime) -> dict[str, Any]:
    return {
        "service_id": figure.service_id,
        "name": figure.name,
        "average_wait_min": round(figure.average_wait_minutes, 1) if figure.average_wait_minutes is not None else None,
        "calls": figure.calls,
        "updated_at": iso(figure.updated_at),
        "updated_at_local": local_label(figure.updated_at_local, now_local),
        "stale": figure.stale,
        "office_open": figure.office_open,
        "shown": figure.shown,
    }


def office_waits_payload(waits: OfficeWaits) -> dict[str, Any]:
    return {
        "office_id": waits.office_id,
        "name": waits.name,
        "timezone": waits.timezone,
        "open": waits.office_open,
        "now_local": waits.now_local.isoformat(timespec="seconds"),
        "office": figure_payload(waits.office, waits.now_local),
        "services": [figure_payload(figure, waits.now_local) for figure in waits.services],
    }


def visits_payload(visits: VisitSummary) -> dict[str, Any]:
    return {
        "issued": visits.issued, "served": visits.served, "no_shows": visits.no_shows, "cancelled": visits.cancelled,
        "closed_unserved": visits.closed_unserved,
        "unfinished": visits.unfinished, "transferred": visits.transferred,
        "average_visit_min": minutes(visits.average_visit_time),
    }


def accuracy_payload(accuracy: EstimateAccuracy) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    return {
        "given": accuracy.given, "called": accuracy.called,
        "mean_absolute_error_min": rounded(accuracy.mean_absolute_error), "bias_min": rounded(accuracy.bias),
        "within_range_pct": percent(accuracy.within_range), "within_range_count": accuracy.within_range_count,
        "under_by_10_min_pct": percent(accuracy.under_by_10), "under_by_10_min_count": accuracy.under_by_10_count,
        "average_range_width_min": rounded(accuracy.average_range_width),
        "not_called": accuracy.not_called, "past_range": accuracy.past_range,
    }


def _service_payload(service: ServiceToday, now_local: datetime) -> dict[str, Any]:
    return {
        "id": service.service_id, "name": service.name, "prefix": service.prefix,
        "target_wait_min": service.target_wait_minutes, "waiting_now": service.waiting_now,
        "longest_wait_min": minutes(service.longest_current_wait),
        "last_ten": figure_payload(service.last_ten, now_local),
        "summary": summary_values(service.summary), "breach": service.breach,
    }


def _counter_payload(counter: CounterToday) -> dict[str, Any]:
    return {
        "id": counter.counter_id, "name": counter.name, "state": counter.state,
        "current_ticket": counter.current_ticket, "services": list(counter.service_prefixes),
        "open_hours": round(counter.time.open_seconds / 3600, 2),
        "serving_hours": round(counter.time.serving_seconds / 3600, 2),
        "utilisation_pct": percent(counter.time.utilisation),
        "summary": summary_values(counter.summary),
    }


def today_payload(today: OfficeToday) -> dict[str, Any]:
    """Everything the supervisor dashboard shows, in one document."""
    hours = today.hourly.busy_hours()
    return {
        "office": {
            "id": today.office_id, "name": today.name, "timezone": today.timezone, "day": today.day.isoformat(),
            "weekday": today.day.strftime("%A"), "now": iso(today.now),
            "now_local": today.now_local.strftime("%H:%M"), "open": today.office_open,
        },
        "waiting_now": today.waiting_now,
        "longest_wait_min": minutes(today.longest_current_wait),
        "last_ten": figure_payload(today.last_ten, today.now_local),
        "summary": summary_values(today.summary),
        "visits": visits_payload(today.visits),
        "services": [_service_payload(service, today.now_local) for service in today.services],
        "counters": [_counter_payload(counter) for counter in today.counters],
        "hourly": {
            "hours": hours,
            "today_arrivals": [today.hourly.today.arrivals[h] for h in hours],
            "typical_arrivals": [round(today.hourly.typical.arrivals[h], 1) for h in hours],
            "today_wait_min": [minutes(today.hourly.today.average_wait[h]) for h in hours],
            "typical_wait_min": [minutes(today.hourly.typical.average_wait[h]) for h in hours],
            "days_compared": today.hourly.days_compared, "days_asked": today.hourly.days_asked,
        },
        "accuracy": accuracy_payload(today.accuracy),
        "definitions": DEFINITIONS,
    }


def _row_payload(row: ReportRow) -> dict[str, Any]:
    data: dict[str, Any] = {"id": row.group_id, "label": row.label, "summary": summary_values(row.summary)}
    if row.counter_time is not None:
        data.update(open_hours=round(row.counter_time.open_seconds / 3600, 2),
                    serving_hours=round(row.counter_time.serving_seconds / 3600, 2),
                    utilisation_pct=percent(row.counter_time.utilisation))
    return data


def report_payload(report: Report) -> dict[str, Any]:
    return {
        "office": {"id": report.office_id, "name": report.office_name, "timezone": report.timezone},
        "from": report.first_day.isoformat(), "to": report.last_day.isoformat(), "group_by": report.group_by,
        "generated_at": iso(report.generated_at),
        "rows": [_row_payload(row) for row in report.rows],
        "total": summary_values(report.total),
        "visits": visits_payload(report.visits),
        "definitions": {field.name: field.definition for field in SUMMARY_FIELDS},
    }


def what_if_payload(answer: WhatIf) -> dict[str, Any]:
    def rounded(value: float | None) -> float | None:
        return round(value, 1) if value is not None else None

    return {
        "service_id": answer.service_id, "service_name": answer.service_name,
        "from_local": answer.now_local.strftime("%H:%M"), "until_local": answer.until_local.strftime("%H:%M"),
        "waiting_now": answer.waiting_now, "expected_arrivals": round(answer.expected_arrivals, 1),
        "variants": [
            {"name": o.name, "counters_for_service": o.counters_for_service,
             "average_wait_min": rounded(o.average_wait), "p90_wait_min": rounded(o.p90_wait),
             "service_average_wait_min": rounded(o.service_average_wait), "people": round(o.people, 1),
             "never_called": round(o.never_called, 1)}
            for o in answer.outcomes
        ],
        "definition": DEFINITIONS["what_if"],
    }
