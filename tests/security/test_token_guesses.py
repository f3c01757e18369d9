"""Unknown ticket and booking tokens are counted per address and refused with 429 past the limit, wherever
they are looked up (API, status page, the booker's page, the /ticket feed); a known token is always served,
even to an address over its limit."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import issue, make_office
from tests.realtime.support import FeedFollower, following
from tests.realtime.test_ticket_and_staff_feeds import refused
from tests.support.live import LiveServer
from waitwell.realtime.rooms import TICKET_NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking

ELSEWHERE = {"REMOTE_ADDR": "10.0.0.9"}


@pytest.fixture
def three_guesses(app: Flask) -> Flask:
    app.config["TOKEN_GUESS_LIMIT"] = "3 per minute"
    return app


def test_the_api_counts_unknown_tokens_and_always_answers_a_known_one(three_guesses: Flask, client: FlaskClient,
                                                                      runtime: Runtime) -> None:
    office = make_office(runtime)
    mine, theirs = issue(runtime, office.services["A"], 2)
    assert [client.get(f"/api/v1/ticket-status/guess-{n}").status_code for n in range(3)] == [404] * 3
    over = client.get("/api/v1/ticket-status/guess-3")
    assert over.status_code == 429 and over.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert client.post("/api/v1/ticket-status/guess-4/cancel").status_code == 429  # cancelling guesses too
    assert client.get(f"/api/v1/ticket-status/{mine.token}").get_json()["number"] == "A001"
    assert client.post(f"/api/v1/ticket-status/{theirs.token}/cancel").get_json()["state"] == "cancelled"
    assert client.get("/api/v1/ticket-status/guess-5", environ_base=ELSEWHERE).status_code == 404


def test_the_status_page_counts_unknown_tokens_on_its_forms_too(three_guesses: Flask, client: FlaskClient,
                                                                runtime: Runtime) -> None:
    office = make_office(runtime)
    (mine,) = issue(runtime, office.services["A"])
    assert [client.get(f"/t/guess-{n}/cancel").status_code for n in range(3)] == [404] * 3
    over = client.get("/t/guess-3", headers={"Accept": "text/html"})
    assert over.status_code == 429 and over.headers["Retry-After"]
    assert "Too many requests" in over.get_data(as_text=True)
    assert client.get(f"/t/{mine.token}").status_code == 200
    assert client.get(f"/t/{mine.token}/cancel").status_code == 200


def test_the_booker_s_page_counts_unknown_tokens(three_guesses: Flask, client: FlaskClient, runtime: Runtime) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-11", "09:00"),
                        booker=booker())
    misses = [client.get("/appointments/guess-0"), client.get("/appointments/guess-1/calendar.ics"),
              client.post("/appointments/guess-2/check-in")]
    assert [miss.status_code for miss in misses] == [404] * 3
    over = client.get("/appointments/guess-3")
    assert over.status_code == 429 and over.headers["Retry-After"]
    assert client.post("/appointments/guess-4/walk-in").status_code == 429
    page = client.get(f"/appointments/{made.manage_token}")
    assert page.status_code == 200 and "Licence renewal" in page.get_data(as_text=True)


def test_the_ticket_feed_lets_a_known_token_in_after_the_address_s_misses(three_guesses: Flask,
                                                                         runtime: Runtime) -> None:
    office = make_office(runtime)
    (mine,) = issue(runtime, office.services["A"])
    with LiveServer(three_guesses) as live:
        for attempt in range(3):
            assert "does not exist" in refused(live.url, TICKET_NAMESPACE, {"token": f"guess-{attempt}"})
        assert "too many" in refused(live.url, TICKET_NAMESPACE, {"token": "guess-3"})
        phone = FeedFollower(live.url, TICKET_NAMESPACE, {"token": mine.token}).connect()
        with following(phone):
            assert phone.state["number"] == "A001"
