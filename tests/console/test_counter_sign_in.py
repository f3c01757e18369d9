"""One clerk per counter: signing in at a counter, being refused with who holds it, supervisor take-over."""

from __future__ import annotations

from tests.console.conftest import act, state, take
from waitwell.domain.states import CounterState
from waitwell.services import queries


def test_signing_in_at_a_counter_opens_it_and_shows_the_console(clerk, office, runtime):
    counter_id = office.counters["Counter 1"]
    response = take(clerk, counter_id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/console/counters/{counter_id}")
    page = clerk.client.get(f"/console/counters/{counter_id}").get_data(as_text=True)
    assert "Counter 1" in page and 'data-action="call-next"' in page
    assert queries.counter_view(runtime.uow(read_only=True), counter_id=counter_id).state == CounterState.OPEN


def test_a_counter_someone_holds_is_refused_with_who_holds_it(clerk, second_clerk, office):
    counter_id = office.counters["Counter 1"]
    take(clerk, counter_id)
    response = take(second_clerk, counter_id)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Counter 1 is taken by maria (maria) since 10:00" in text
    assert "supervisor can take it over" in text or "supervisor to take it over" in text


def test_a_clerk_cannot_force_a_take_over(clerk, second_clerk, office):
    counter_id = office.counters["Counter 1"]
    take(clerk, counter_id)
    assert take(second_clerk, counter_id, override="1").status_code == 409


def test_a_supervisor_takes_a_counter_over(clerk, supervisor, office):
    counter_id = office.counters["Counter 1"]
    take(clerk, counter_id)
    response = take(supervisor, counter_id, override="1")
    assert response.status_code == 302
    assert state(supervisor, counter_id)["holder"]["username"] == "sam"
    # The clerk who was replaced can no longer act at that counter.
    refused = act(clerk, counter_id, "call-next")
    assert refused.status_code == 409
    assert "now held by sam" in refused.get_json()["error"]["message"]


def test_the_console_page_is_only_for_the_clerk_at_the_counter(clerk, second_clerk, office):
    counter_id = office.counters["Counter 1"]
    take(clerk, counter_id)
    response = second_clerk.client.get(f"/console/counters/{counter_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")


def test_moving_to_another_counter_leaves_the_first(clerk, office, runtime):
    take(clerk, office.counters["Counter 1"])
    take(clerk, office.counters["Counter 2"])
    assert queries.counter_view(runtime.uow(read_only=True), counter_id=office.counters["Counter 1"]).state \
        == CounterState.CLOSED
    page = clerk.client.get("/console/").get_data(as_text=True)
    assert "You are signed in at Counter 2" in page


def test_signing_out_of_a_counter_closes_it_but_not_with_a_ticket_at_it(clerk, office, runtime):
    from tests.factories import issue

    counter_id = office.counters["Counter 1"]
    take(clerk, counter_id)
    issue(runtime, office.services["A"])
    act(clerk, counter_id, "call-next")
    refused = clerk.post_form(f"/console/counters/{counter_id}/leave")
    assert refused.status_code == 409
    assert "still has ticket A001" in refused.get_data(as_text=True)
    current = state(clerk, counter_id)["current"]
    act(clerk, counter_id, "complete", {"ticket_id": current["id"]})
    assert clerk.post_form(f"/console/counters/{counter_id}/leave").status_code == 302
    assert queries.counter_view(runtime.uow(read_only=True), counter_id=counter_id).state == CounterState.CLOSED


def test_the_counter_list_shows_who_is_where(clerk, second_clerk, office):
    take(clerk, office.counters["Counter 1"])
    page = second_clerk.client.get("/console/").get_data(as_text=True)
    assert "Taken by maria (maria)" in page


def test_counters_of_another_office_are_refused(clerk, other_office):
    response = take(clerk, other_office.counters["Desk 1"])
    assert response.status_code == 403


def test_the_counter_list_shows_only_my_offices(clerk, other_office):
    page = clerk.client.get("/console/").get_data(as_text=True)
    assert "Hartford DMV" in page and "Norwich DMV" not in page and "Desk 1" not in page
