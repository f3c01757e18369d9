"""Tickets issued in a burst reach screens folded into one publication a moment later; a phone that
scans its ticket meanwhile must still be told its place in line, never an empty one."""

from __future__ import annotations

import pytest

from tests.factories import issue
from tests.realtime.support import FeedFollower, following
from tests.support.waiting import wait_until
from waitwell.realtime.rooms import TICKET_NAMESPACE
from waitwell.realtime.snapshots import Snapshots


@pytest.fixture(autouse=True)
def slower_folding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three seconds instead of one before the folded publication (set before the live server is made),
    so the phone surely connects before it even on a busy machine: what it is told then is the point."""
    monkeypatch.setattr("waitwell.realtime.publisher.QUEUE_EVERY_SECONDS", 3.0)


def test_a_phone_scanning_during_a_burst_of_taps_sees_its_place_at_once(live, office, runtime) -> None:
    issue(runtime, office.services["A"])  # published at once; the next ones of the burst wait to be folded
    tickets = issue(runtime, office.services["A"], 5)
    mine = tickets[-1]
    phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
    with following(phone):
        assert phone.state["state"] == "waiting"
        assert phone.state["people_ahead"] == 5  # from its first snapshot, before the folded publication
        ahead_of_first = FeedFollower(live.url, TICKET_NAMESPACE, {"token": tickets[0].token}).connect()
        with following(ahead_of_first):
            assert ahead_of_first.state["people_ahead"] == 1
        # The folded publication follows a few seconds later and agrees.
        version = phone.state["version"]
        wait_until(lambda: phone.state["version"] > version, timeout=15, message="the folded publication")
        assert phone.state["people_ahead"] == 5


def test_a_state_read_while_a_ticket_was_issued_is_not_kept_for_later_snapshots(office, runtime) -> None:
    """The folded publication may be reading the office while another tap commits: what it read lacks
    that ticket and has no newer version, so it must not become the snapshot later screens are given."""
    snapshots = Snapshots(runtime)
    issue(runtime, office.services["A"])
    generation = snapshots.generation(office.office_id)  # a publication starts reading here...
    read_before = snapshots.office_state(office.office_id)
    issue(runtime, office.services["A"])  # ...a tap commits meanwhile...
    snapshots.forget(office.office_id)  # ...and its TicketIssued reaches the publisher
    snapshots.remember(read_before, generation)  # the publication finishes with what it read

    assert len(snapshots.office_state(office.office_id).waiting) == 2
