"""The counters' usual day (roster) in the roll-forward: breaks to come, shifts starting and ending."""

from __future__ import annotations

from dataclasses import replace

from tests.estimates.snapshots import A, at, call_minutes, counter, snapshot, waiting
from waitwell.estimates.roster import availability


def test_a_break_about_to_start_delays_the_line() -> None:
    # The only counter usually pauses 5 minutes from now for 30 minutes; it is open now, as usual.
    roster = ((at(-120), "open"), (at(5), "paused"), (at(35), "open"), (at(300), "closed"))
    tickets = [waiting(1, A, 30), waiting(2, A, 20), waiting(3, A, 10)]

    with_roster = call_minutes(snapshot([replace(counter(1, A), usual_changes=roster), counter(2, A,
                                         state="closed")], tickets))
    without = call_minutes(snapshot([counter(1, A), counter(2, A, state="closed")], tickets))

    assert without == {1: 0, 2: 10, 3: 20}
    assert with_roster == {1: 0, 2: 35, 3: 45}  # served at 0, finished at 10, back from the break at 35


def test_a_counter_that_usually_opens_later_takes_its_share() -> None:
    late_shift = replace(counter(2, A, state="closed"), usual_changes=((at(15), "open"), (at(400), "closed")))
    tickets = [waiting(i, A, 60 - i) for i in range(1, 5)]

    called = call_minutes(snapshot([counter(1, A), late_shift], tickets))

    assert called == {1: 0, 2: 10, 3: 15, 4: 20}


def test_a_roster_that_does_not_match_today_is_ignored() -> None:
    # Usually open at this hour, but closed today (someone is off sick): do not expect it back.
    usually_open = ((at(-120), "open"), (at(5), "paused"), (at(35), "open"))
    office = snapshot([counter(1, A), replace(counter(2, A, state="closed"), usual_changes=usually_open)],
                      [waiting(1, A, 30), waiting(2, A, 20)])

    assert availability(office, office.counters[1]).open_from(0) is None
    assert call_minutes(office) == {1: 0, 2: 10}


def test_a_shift_end_is_followed_but_not_the_office_closing() -> None:
    early_leaver = ((at(-120), "open"), (at(12), "closed"))
    last_shift = ((at(-120), "open"), (at(12), "closed"))
    office_open = ((at(-120), "open"), (at(200), "closed"))

    shift_ends = snapshot([replace(counter(1, A), usual_changes=early_leaver),
                           replace(counter(2, A), usual_changes=office_open)], [])
    office_closes = snapshot([replace(counter(1, A), usual_changes=last_shift)], [])

    assert availability(shift_ends, shift_ends.counters[0]).open_from(15 * 60) is None
    assert availability(office_closes, office_closes.counters[0]).open_from(15 * 60) == 15 * 60


def test_a_paused_counter_is_back_at_its_usual_time() -> None:
    on_break = replace(counter(1, A, state="paused"), state_since=at(-2),
                       usual_changes=((at(-120), "open"), (at(-2), "paused"), (at(40), "open")))

    called = call_minutes(snapshot([on_break], [waiting(1, A, 30)]))

    assert called == {1: 40}


def test_a_break_not_yet_taken_at_its_usual_time_is_late_not_skipped() -> None:
    # Usually on a 30-minute break since 10 minutes ago; today the clerk is still at the counter (finishing a
    # customer first): the break is still to come, and the rest of the usual day follows it.
    roster = ((at(-300), "open"), (at(-10), "paused"), (at(20), "open"), (at(200), "paused"), (at(230), "open"))
    late = replace(counter(1, A), state_since=at(-300), usual_changes=roster)
    office = snapshot([late], [waiting(1, A, 30)])

    plan = availability(office, office.counters[0])

    assert plan.open_now  # as the counter is now; the break begins when it is next free
    assert plan.open_from(0) == plan.open_from(60) == 30 * 60  # a full 30-minute break from now
    assert plan.open_from(201 * 60) == 230 * 60  # the afternoon break as usual
    # Open again for 3 minutes after an early break today: it does not take it again, and the afternoon's is due.
    back = replace(late, state_since=at(-3))
    early = availability(snapshot([back], []), back)
    assert early.open_from(60) == 60 and early.open_from(201 * 60) == 230 * 60


def test_a_break_begun_late_lasts_its_usual_length_from_when_it_began() -> None:
    # Usually 12:00-12:30 (here -20 to +10); today it began 5 minutes ago, so it ends in 25 minutes, not 10.
    roster = ((at(-300), "open"), (at(-20), "paused"), (at(10), "open"))
    on_break = replace(counter(1, A, state="paused"), state_since=at(-5), usual_changes=roster)
    office = snapshot([on_break], [waiting(1, A, 30)])

    assert call_minutes(office) == {1: 25}
