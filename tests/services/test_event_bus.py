"""The event bus: in-thread and background delivery, batches, failures, order."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from waitwell.domain.events import CounterOpened, Event, TicketIssued
from waitwell.services.event_bus import EventBus

AT = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def issued(ticket_id: int) -> TicketIssued:
    return TicketIssued(office_id=1, occurred_at=AT, ticket_id=ticket_id, number=f"A{ticket_id:03d}",
                        token=f"token-{ticket_id}", service_id=1, origin="kiosk")


def test_delivers_to_handlers_of_the_event_class_and_its_bases_only():
    bus, seen = EventBus(), []
    bus.subscribe(Event, lambda e: seen.append(("any", e.ticket_id)))
    bus.subscribe(TicketIssued, lambda e: seen.append(("issued", e.ticket_id)))
    bus.subscribe(CounterOpened, lambda e: seen.append(("counter", e)))
    bus.publish(issued(1))
    assert seen == [("any", 1), ("issued", 1)]


def test_a_failing_handler_does_not_keep_the_others_from_hearing():
    bus, seen = EventBus(), []

    def broken(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe(TicketIssued, broken)
    bus.subscribe(TicketIssued, lambda e: seen.append(e.ticket_id))
    bus.publish(issued(1))
    assert seen == [1]


def test_background_handler_does_not_hold_up_the_publisher_and_keeps_order():
    bus, seen, release = EventBus(), [], threading.Event()

    def slow(event: TicketIssued) -> None:
        release.wait(5)
        seen.append(event.ticket_id)

    bus.subscribe(TicketIssued, slow, in_background=True)
    for ticket_id in range(1, 6):
        bus.publish(issued(ticket_id))  # returns at once although the handler is blocked
    assert seen == []
    release.set()
    assert bus.wait_until_idle(5)
    assert seen == [1, 2, 3, 4, 5]
    bus.close()


def test_batch_subscriber_receives_what_piled_up_in_one_call():
    bus, batches, release, first_taken = EventBus(), [], threading.Event(), threading.Event()

    def handle(events: list[TicketIssued]) -> None:
        first_taken.set()
        release.wait(5)
        batches.append([e.ticket_id for e in events])

    bus.subscribe_batch(TicketIssued, handle)
    bus.publish(issued(1))
    assert first_taken.wait(5)  # the first batch is held by the handler
    for ticket_id in range(2, 8):
        bus.publish(issued(ticket_id))
    release.set()
    assert bus.wait_until_idle(5)
    assert [i for batch in batches for i in batch] == [1, 2, 3, 4, 5, 6, 7]
    assert len(batches) == 2  # the six that arrived while it was busy came together
    bus.close()


def test_a_failing_background_handler_keeps_its_thread_alive():
    bus, seen = EventBus(), []

    def flaky(event: TicketIssued) -> None:
        if event.ticket_id == 1:
            raise RuntimeError("first one fails")
        seen.append(event.ticket_id)

    bus.subscribe(TicketIssued, flaky, in_background=True)
    bus.publish(issued(1))
    bus.publish(issued(2))
    assert bus.wait_until_idle(5)
    assert seen == [2]
    bus.close()


def test_unsubscribing_a_background_handler_stops_its_delivery():
    bus, seen = EventBus(), []
    bus.subscribe(TicketIssued, seen.append, in_background=True)
    bus.publish(issued(1))
    assert bus.wait_until_idle(5)
    bus.unsubscribe(seen.append)
    bus.publish(issued(2))
    assert bus.wait_until_idle(5)
    assert [e.ticket_id for e in seen] == [1]


def test_closing_waits_for_background_handlers_then_stops_what_subscribers_run_on_their_own():
    bus, seen, closed = EventBus(), [], []

    def slow(event: TicketIssued) -> None:
        time.sleep(0.2)
        seen.append(event.ticket_id)

    bus.subscribe(TicketIssued, slow, in_background=True)
    bus.on_close(lambda: closed.append(list(seen)))
    bus.publish(issued(1))
    bus.close()
    assert seen == [1]  # the database may be closed right after: nothing of the bus may still use it
    assert closed == [[1]]  # closers run after the handlers finished
