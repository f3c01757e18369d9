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
