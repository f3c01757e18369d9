"""The Connecticut DMV figure (average wait of the last 10 called) on a lobby display's feed, after every call."""

from __future__ import annotations

from statistics import mean

from tests.factories import issue
from tests.realtime.support import FeedFollower, following
from waitwell.realtime.rooms import DISPLAY_NAMESPACE
from waitwell.services import counters


def figure_of(board: dict, prefix: str) -> dict | None:
    return next(s["last_ten"] for s in board["services"] if s["prefix"] == prefix)


def test_last_ten_figure_is_the_average_of_the_last_ten_waits_after_every_call(live, office, display, runtime):
    issue(runtime, office.services["A"], 12, minutes_apart=1)  # issued at minutes 0..11
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        assert figure_of(screen.state, "A")["average_wait_min"] is None  # "—" before any call
        assert screen.state["last_ten"]["average_wait_min"] is None
        waits = []
        for index in range(12):
            runtime.clock.advance(minutes=2)
            ticket = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
            waits.append(13 + 4 * index)  # issued at minute `index`, called at minute 13 + 5 * index
            board = screen.wait_for(lambda s, n=ticket.number: s["calls"] and s["calls"][0]["number"] == n,
                                    what=f"the call of {ticket.number}")
            expected = round(mean(waits[-10:]), 1)
            assert figure_of(board, "A")["average_wait_min"] == expected
            assert figure_of(board, "A")["calls"] == min(len(waits), 10)
            assert board["last_ten"]["average_wait_min"] == expected  # the office: only line A was called
            assert figure_of(board, "A")["stale"] is False
            runtime.clock.advance(minutes=3)  # time at the counter: not part of the figure
            counters.complete(runtime.uow(), ticket_id=ticket.id)
        assert figure_of(board, "B")["average_wait_min"] is None
        assert expected == 39.0  # the last 10 (calls 3 to 12), not all 12


def test_figure_is_marked_stale_after_an_hour_without_a_call(live, office, display, runtime):
    issue(runtime, office.services["A"], 1)
    runtime.clock.advance(minutes=4)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
    with following(screen):
        # The call reaches screens a few milliseconds after it commits: wait for it like a screen does.
        screen.wait_for(lambda s: figure_of(s, "A")["average_wait_min"] == 4.0, what="the figure after the call")
        runtime.clock.advance(minutes=61)
        issue(runtime, office.services["B"], 1)  # any change republishes the board
        board = screen.wait_for(lambda s: any(x["waiting"] for x in s["services"]), what="the new ticket")
        assert figure_of(board, "A")["stale"] is True
        assert figure_of(board, "A")["average_wait_min"] == 4.0
