"""What one estimate costs when bookings are due later in the day: a short line, and the bookings of the next
4 hours that the replays let in when they arrive (the estimator's LOOK_AHEAD).

Run: python bench/estimates/replay_cost.py [--waiting 8] [--bookings 80] [--repeat 200]
Prints the median milliseconds of: every waiting ticket's estimate, one ticket's (the status page), the kiosk's
buttons (a ticket taken now for each service), and the same line without the bookings.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from statistics import median

from waitwell.estimates.estimator import estimate_waits, estimate_waits_and_new_tickets
from waitwell.estimates.snapshot import CounterSnapshot, OfficeSnapshot, ServiceHistory, WaitingTicket

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
SERVICES = (1, 2, 3, 4, 5)
BOOKED = 6  # the appointments line, weight 3


def office(waiting: int, bookings: int, seed: int = 1) -> OfficeSnapshot:
    """10 counters with overlapping skills (two also take bookings), a short line, bookings spread over 4 hours."""
    rng = random.Random(seed)
    counters = [CounterSnapshot(i, frozenset(rng.sample(SERVICES, 2)), "open") for i in range(1, 9)]
    counters += [CounterSnapshot(9, frozenset({BOOKED, 1, 2}), "open"),
                 CounterSnapshot(10, frozenset({BOOKED, 3, 4, 5}), "open")]
    tickets = [WaitingTicket(i, rng.choice(SERVICES), NOW - timedelta(minutes=rng.uniform(0, 20)))
               for i in range(1, waiting + 1)]
    expected = [WaitingTicket(-i, BOOKED, NOW + timedelta(minutes=240 * i / bookings), 3.0, is_appointment=True,
                              appointment_at=NOW + timedelta(minutes=240 * i / bookings))
                for i in range(1, bookings + 1)]
    history = ServiceHistory(service_seconds={s: tuple(rng.uniform(180, 900) for _ in range(60))
                                              for s in (*SERVICES, BOOKED)}, no_show_rate=0.1)
    weights = {**{s: 1.0 for s in SERVICES}, BOOKED: 3.0}
    return OfficeSnapshot(NOW, counters, tickets, history, calling_strategy="appointments-on-time",
                          priority_weights=weights, expected=expected)


def milliseconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    shot = office(args.waiting, args.bookings)
    bare = replace(shot, expected=[])
    one = shot.waiting[0].ticket_id
    kiosk = (*SERVICES, BOOKED)
    print(f"{args.waiting} waiting, {args.bookings} bookings over the next 4 hours, 10 counters "
          f"(median of {args.repeat}, ms):")
    rows = [
        ("every waiting ticket", lambda: estimate_waits(shot)),
        ("one ticket (status page)", lambda: estimate_waits(shot, ticket_ids=[one])),
        ("kiosk buttons only", lambda: estimate_waits_and_new_tickets(shot, kiosk, ticket_ids=())),
        ("every ticket and the buttons (screens)", lambda: estimate_waits_and_new_tickets(shot, kiosk)),
        ("every waiting ticket, no bookings", lambda: estimate_waits(bare)),
    ]
    for label, work in rows:
        try:
            print(f"  {label:<40}{milliseconds(work, args.repeat):>8.2f}")
        except TypeError:  # before the estimator took ticket_ids
            print(f"  {label:<40}{'n/a':>8}")


if __name__ == "__main__":
    main()
