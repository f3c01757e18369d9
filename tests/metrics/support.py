"""Helpers for metric tests: read visits back through the metrics' own loader."""

from __future__ import annotations

from datetime import date, timedelta

from waitwell.metrics.legs import Visit
from waitwell.runtime import Runtime
from waitwell.services.metrics.records import visits_of_days


def visits_on(runtime: Runtime, office_id: int, day: date) -> list[Visit]:
    with runtime.uow(read_only=True) as uow:
        return visits_of_days(uow.session, office_id, day, day)


def minutes(delta: timedelta | None) -> float:
    assert delta is not None
    return delta.total_seconds() / 60
