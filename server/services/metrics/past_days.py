"""The same weekday in the past four weeks: the dashboard's "typical day", cached because it cannot change
much during the day while it is read on every dashboard refresh."""

from __future__ import annotations

import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from waitwell.metrics.hourly import HourlyProfile, typical_profile
from waitwell.metrics.legs import Visit
from waitwell.metrics.local_time import local_hour, same_weekdays_before
from waitwell.persistence import Office
from waitwell.services.metrics.records import visits_of_days

WEEKS = 4
CACHE_SECONDS = 600.0

T = TypeVar("T")
_cache: weakref.WeakKeyDictionary[Engine, dict[tuple[object, ...], tuple[float, object]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def past_same_weekdays(session: Session, office: Office, day: date, weeks: int = WEEKS) -> list[list[Visit]]:
    """The visits of each of the `weeks` same weekdays before `day`, most recent first."""
    return [visits_of_days(session, office.id, past, past) for past in same_weekdays_before(day, weeks)]


def typical_day(session: Session, office: Office, day: date) -> tuple[HourlyProfile, int, int]:
    """(typical hourly profile, days that had tickets, days asked) for the weekday of `day`."""
    def compute() -> tuple[HourlyProfile, int, int]:
        profile, counted = typical_profile(past_same_weekdays(session, office, day), office.timezone)
        return (profile, counted, WEEKS)

    return _cached(session, ("typical", office.id, day), compute)


def typical_arrivals(session: Session, office: Office, day: date) -> dict[tuple[int, int], float]:
    """Tickets issued per (service, local hour) on a typical same weekday (averaged over days with tickets)."""
    def compute() -> dict[tuple[int, int], float]:
        days = [visits for visits in past_same_weekdays(session, office, day) if visits]
        counts: dict[tuple[int, int], float] = defaultdict(float)
        for visits in days:
            for visit in visits:
                counts[(visit.legs[0].service_id, local_hour(visit.issued_at, office.timezone))] += 1 / len(days)
        return dict(counts)

    return _cached(session, ("arrivals", office.id, day), compute)


def _cached(session: Session, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    bind = session.get_bind()
    engine: Engine = getattr(bind, "engine", bind)  # one cache per database, whatever options a session binds with
    with _lock:
        per_engine = _cache.setdefault(engine, {})
        hit = per_engine.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return cast(T, hit[1])
    value = compute()
    with _lock:
        per_engine[key] = (time.monotonic(), value)
    return value


def forget_cache() -> None:
    """Drop cached typical days (tests that rewrite the past call this)."""
    with _lock:
        _cache.clear()
