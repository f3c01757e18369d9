"""Wait estimates for live screens, kept out of the path of a call.

The estimator replays the office forward, which takes tens of milliseconds or more; a call must
reach the lobby faster than that. So a change goes out at once with the estimates this process
last computed, and a refresh runs behind it: when the rounded ranges moved, it publishes them
as a change of their own. Snapshots use estimates at most MAX_AGE_SECONDS old.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from waitwell.estimates.estimate import WaitEstimate
from waitwell.estimates.estimator import estimate_waits_and_new_tickets
from waitwell.estimates.snapshot import OfficeSnapshot
from waitwell.persistence import Office
from waitwell.services.coalescing import Offload, run_here
from waitwell.services.estimates import HISTORY_DAYS, build_snapshot
from waitwell.web_common.waits import wait_range

log = logging.getLogger(__name__)
MAX_AGE_SECONDS = 30.0  # waits grow as time passes even when nothing happens


@dataclass(frozen=True)
class Waits:
    """One office's estimates: rounded wait ranges per waiting ticket, and per active service the estimate
    for a ticket taken now (unrounded, as a kiosk words and prints it; `per_service` rounds them)."""

    per_ticket: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    new_ticket: dict[int, WaitEstimate | None] = field(default_factory=dict)
    computed_at: float = 0.0  # time.monotonic()
    as_of: datetime | None = None  # the office's clock when the estimator looked

    @property
    def per_service(self) -> dict[int, dict[str, Any] | None]:
        return {service_id: wait_range(estimate) for service_id, estimate in self.new_ticket.items()}

    def same_ranges(self, other: Waits) -> bool:
        return self.per_ticket == other.per_ticket and self.per_service == other.per_service


NO_WAITS = Waits()


def compute_waits(session: Session, office: Office, now: datetime, offload: Offload = run_here) -> Waits:
    """Run the estimator; on failure, no estimates (screens keep showing counts).

    The snapshot is read here; the replays (plain Python over plain values, the slow part) run
    through `offload`: in gevent mode a native thread, so the process keeps serving meanwhile.
    """
    try:
        snapshot = build_snapshot(session, office, now, HISTORY_DAYS)
        services = [s.id for s in office.services if s.active]
        per_ticket, new_ticket = offload(lambda: _estimates(snapshot, services))
    except Exception:  # screens must keep showing counts even when an estimate cannot be made
        log.exception("wait estimates failed for office %s; publishing without them", office.id)
        return Waits(computed_at=time.monotonic())
    return Waits({ticket_id: wait_range(e) for ticket_id, e in per_ticket.items()}, new_ticket,
                 time.monotonic(), now)


def _estimates(snapshot: OfficeSnapshot, service_ids: list[int]
               ) -> tuple[dict[int, WaitEstimate | None], dict[int, WaitEstimate | None]]:
    return estimate_waits_and_new_tickets(snapshot, service_ids)


class WaitsCache:
    """The latest estimates per office in this process."""

    def __init__(self) -> None:
        self._waits: dict[int, Waits] = {}
        self._lock = threading.Lock()

    def latest(self, office_id: int) -> Waits:
        with self._lock:
            return self._waits.get(office_id, NO_WAITS)

    def fresh(self, office_id: int) -> Waits | None:
        waits = self.latest(office_id)
        return waits if waits is not NO_WAITS and time.monotonic() - waits.computed_at < MAX_AGE_SECONDS else None

    def new_ticket(self, service_id: int, now: datetime, max_age_seconds: float) -> dict[int, WaitEstimate | None]:
        """The estimates for a ticket taken now, per active service of the office that has `service_id`, if
        looked at within `max_age_seconds` (by the office's clock, and by this process's); else none."""
        with self._lock:
            waits = next((each for each in self._waits.values() if service_id in each.new_ticket), NO_WAITS)
        if (waits.as_of is None or time.monotonic() - waits.computed_at > max_age_seconds
                or abs((now - waits.as_of).total_seconds()) > max_age_seconds):
            return {}
        return waits.new_ticket

    def store(self, office_id: int, waits: Waits) -> None:
        with self._lock:
            current = self._waits.get(office_id)
            if current is None or current.computed_at <= waits.computed_at:
                self._waits[office_id] = waits
