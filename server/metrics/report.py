"""A report over a date range, grouped by service, counter, clerk or day, and its CSV forms (spreadsheet-safe:
see waitwell.csv_export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from waitwell.csv_export import csv_text
from waitwell.metrics.counter_time import CounterTime
from waitwell.metrics.fields import SUMMARY_FIELDS, summary_values
from waitwell.metrics.legs import Leg
from waitwell.metrics.summary import LegSummary, VisitSummary

GROUPINGS = ("service", "counter", "clerk", "day")


@dataclass(frozen=True)
class ReportRow:
    group_id: int | str
    label: str
    summary: LegSummary
    counter_time: CounterTime | None = None  # counters only


@dataclass(frozen=True)
class Report:
    office_id: int
    office_name: str
    timezone: str
    first_day: date
    last_day: date
    group_by: str
    generated_at: datetime
    rows: list[ReportRow]
    total: LegSummary
    visits: VisitSummary
    legs: list[Leg]
    service_names: dict[int, str]
    counter_names: dict[int, str]


def _utilisation_columns(row: ReportRow) -> list[object]:
    time = row.counter_time
    if time is None:
        return ["", "", ""]
    share = time.utilisation
    return [round(time.open_seconds / 3600, 2), round(time.serving_seconds / 3600, 2),
            round(share * 100, 1) if share is not None else ""]


def summary_csv(report: Report) -> str:
    """One row per group and a total row; minutes and percentages, units in the column names."""
    header = [report.group_by, "label", *(field.name for field in SUMMARY_FIELDS)]
    counters = report.group_by == "counter"
    if counters:
        header += ["open_hours", "serving_hours", "utilisation_pct"]
    rows: list[list[object]] = [header]
    for row in [*report.rows, ReportRow("total", "All", report.total)]:
        values = ["" if v is None else v for v in summary_values(row.summary).values()]
        rows.append([row.group_id, row.label, *values, *(_utilisation_columns(row) if counters else [])])
    return csv_text(rows)


def legs_csv(report: Report) -> str:
    """One row per leg: the raw material of every figure, so anyone can check them. Times are local."""
    zone = ZoneInfo(report.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""

    def minutes(seconds: float | None) -> object:
        return round(seconds / 60, 2) if seconds is not None else ""

    rows: list[list[object]] = [["ticket_id", "number", "leg", "service", "joined_line", "first_called", "counter",
                                 "clerk_id", "ended", "outcome", "recalls", "wait_min", "service_min"]]
    for leg in report.legs:
        rows.append([
            leg.ticket_id, leg.number, leg.index + 1, report.service_names.get(leg.service_id, leg.service_id),
            local(leg.started_at), local(leg.called_at),
            report.counter_names.get(leg.counter_id, "") if leg.counter_id else "",
            leg.clerk_id or "", local(leg.ended_at), leg.outcome.value, leg.recalls,
            minutes(leg.wait.total_seconds() if leg.wait is not None else None),
            minutes(leg.service_time.total_seconds() if leg.service_time is not None else None),
        ])
    return csv_text(rows)
