"""Service-time figures learned from history, with sensible fallbacks for a service with little history."""

from __future__ import annotations

from statistics import fmean

from waitwell.estimates.snapshot import ServiceHistory

DEFAULT_SERVICE_SECONDS = 300.0  # 5 minutes: a typical counter transaction when an office has no history yet
MIN_SAMPLES = 5  # below this a service borrows the office-wide figures


def service_samples(history: ServiceHistory, service_id: int) -> tuple[float, ...]:
    """Recent service times of a service, or of the whole office when the service has too few."""
    own = tuple(s for s in history.service_seconds.get(service_id, ()) if s > 0)
    if len(own) >= MIN_SAMPLES:
        return own
    office = tuple(s for s in history.all_service_seconds() if s > 0)
    if len(own) + len(office) == 0:
        return (DEFAULT_SERVICE_SECONDS,)
    return own + office if len(office) >= MIN_SAMPLES else own + office + (DEFAULT_SERVICE_SECONDS,)


def mean_service_seconds(history: ServiceHistory, service_id: int) -> float:
    return fmean(service_samples(history, service_id))
