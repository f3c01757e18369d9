"""A summary's figures as named, unit-bearing fields: one list shared by the CSV export, the JSON API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from waitwell.metrics.summary import BANDS_MINUTES, LegSummary


@dataclass(frozen=True)
class Field:
    name: str  # the CSV column and JSON key; the unit is in the name
    label: str  # the column heading on pages
    definition: str  # shown where the figure is shown
    value: Callable[[LegSummary], float | int | None]


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def _percent(share: float | None) -> float | None:
    return round(share * 100, 1) if share is not None else None


SUMMARY_FIELDS: tuple[Field, ...] = (
    Field("legs", "Tickets in line", "Legs that joined this line: issued here, or transferred here from a counter.",
          lambda s: s.legs),
    Field("called", "Called", "Legs called to a counter at least once.", lambda s: s.called),
    Field("served", "Served", "Legs finished at a counter: completed, or seen and transferred on.",
          lambda s: s.served),
    Field("average_wait_min", "Average wait (min)",
          "Mean of the waits of called legs: first call minus joining the line.", lambda s: _minutes(s.average_wait)),
    Field("p90_wait_min", "90% waited at most (min)",
          "90th percentile (nearest rank) of the waits of called legs.", lambda s: _minutes(s.p90_wait)),
    Field("longest_wait_min", "Longest wait (min)", "Longest wait of a called leg.",
          lambda s: _minutes(s.longest_wait)),
    Field("average_service_min", "Average service (min)",
          "Mean of finished minus first call, for legs served at a counter.",
          lambda s: _minutes(s.average_service_time)),
    Field("within_target_pct", "Within target (%)",
          "Share of called legs whose wait was within their service's target.", lambda s: _percent(s.within_target)),
    *(
        Field(f"within_{band}_min_pct", f"Within {band} min (%)",
              f"Share of called legs that waited {band} min or less.",
              lambda s, band=band: _percent(s.within_minutes.get(band)))
        for band in BANDS_MINUTES
    ),
    Field("no_shows", "No-shows", "Called, and marked as not having come to the counter.", lambda s: s.no_shows),
    Field("no_show_rate_pct", "No-show rate (%)", "No-shows divided by legs called.",
          lambda s: _percent(s.no_show_rate)),
    Field("cancelled", "Cancelled", "Gave up their place (before or after being called).", lambda s: s.cancelled),
    Field("cancelled_before_call", "Cancelled before call", "Gave up their place before being called.",
          lambda s: s.cancelled_before_call),
    Field("closed_unserved", "Unserved at closing", "Still in line when the office closed for the day.",
          lambda s: s.closed_unserved),
    Field("still_in_line", "Still in line", "Not called yet at the time of the report.", lambda s: s.waiting),
    Field("at_counter", "At a counter", "Called or being served at the time of the report.", lambda s: s.at_counter),
    Field("recalls", "Recalls", "Times a called ticket was called again (the wait does not restart).",
          lambda s: s.recalls),
)
# The columns a report page shows (the CSV and JSON carry every field).
PAGE_FIELDS = tuple(f for f in SUMMARY_FIELDS if f.name not in {"cancelled_before_call", "at_counter", "recalls"})


def summary_values(summary: LegSummary) -> dict[str, float | int | None]:
    """The summary as {field name: value} in the fields' order."""
    return {field.name: field.value(summary) for field in SUMMARY_FIELDS}
