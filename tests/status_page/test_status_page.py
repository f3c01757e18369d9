"""The citizen's status page over HTTP: what it shows without JavaScript, cancelling, rating, unknown tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from tests.factories import issue
from waitwell.persistence import Ticket
from waitwell.runtime import Runtime
from waitwell.services import counters

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    assert match, "the form has no CSRF field"
    return match.group(1)


def stored(runtime: Runtime, ticket_id: int) -> SimpleNamespace:
    """The ticket's row as stored now."""
    with runtime.uow(read_only=True) as uow:
        ticket = uow.session.get(Ticket, ticket_id)
        return SimpleNamespace(state=ticket.state.value, rating=ticket.rating)


def test_shows_the_ticket_without_javascript(client: FlaskClient, runtime, office):
    first, _second, mine = issue(runtime, office.services["A"], 3, minutes_apart=1)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    assert runtime.bus.wait_until_idle(5)  # screens are fed a few milliseconds after the change commits
    page = client.get(f"/t/{mine.token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert mine.number in html
    assert "Licence renewal" in html
    assert re.search(r'data-field="people_ahead">1<', html)
    assert re.search(rf'data-field="last_called">{first.number}<', html)
    assert "Cancel my ticket" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_called_ticket_says_where_to_go(client: FlaskClient, runtime, office):
    (mine,) = issue(runtime, office.services["A"])
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])
    html = client.get(f"/t/{mine.token}").get_data(as_text=True)
    turn = html[html.index('id="turn"'):html.index("</section>", html.index('id="turn"'))]
    assert "hidden" not in turn.split(">")[0]
    assert "It&#39;s your turn" in turn or "It's your turn" in turn
    assert "Counter 3" in turn


@pytest.mark.parametrize("token", ["nope", "x" * 32, "A001", "%00"])
def test_unknown_tokens_all_get_the_same_friendly_404(client: FlaskClient, runtime, office, token):
    (real,) = issue(runtime, office.services["A"])
    reference = client.get(f"/t/{real.token[:-2]}{'zy' if real.token.endswith('zz') else 'zz'}")
    page = client.get(f"/t/{token}")
    assert page.status_code == reference.status_code == 404
    assert page.get_data() == reference.get_data()
    assert "We cannot find this ticket" in page.get_data(as_text=True)


def test_yesterdays_finished_ticket_has_expired_but_one_still_in_line_has_not(client: FlaskClient, runtime, office):
    old, still_waiting = issue(runtime, office.services["A"], 2)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    counters.complete(runtime.uow(), ticket_id=old.id)
    runtime.clock.advance(timedelta(days=1))  # an office without opening hours keeps its line across midnight
    assert client.get(f"/t/{old.token}").status_code == 404
    page = client.get(f"/t/{still_waiting.token}")
    assert page.status_code == 200
    assert re.search(r'data-field="people_ahead">0<', page.get_data(as_text=True))


def test_guessing_tokens_is_slowed_down_for_that_address(client: FlaskClient, app, runtime, office):
    app.config["TOKEN_GUESS_LIMIT"] = "3 per minute"
    (real,) = issue(runtime, office.services["A"])
    for attempt in range(3):
        assert client.get(f"/t/guess-{attempt}").status_code == 404
    refused = client.get("/t/guess-3")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert client.get(f"/t/{real.token}").status_code == 200  # a real token is always shown, even from there
    other = app.test_client()
    assert other.get("/t/guess-4", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_cancel_asks_first_and_needs_the_form_token(client: FlaskClient, runtime, office):
    (mine,) = issue(runtime, office.services["A"])
    confirm = client.get(f"/t/{mine.token}/cancel")
    assert confirm.status_code == 200
    assert "Yes, cancel my ticket" in confirm.get_data(as_text=True)

    forged = client.post(f"/t/{mine.token}/cancel")
    assert forged.status_code == 400
    assert stored(runtime, mine.id).state == "waiting"

    done = client.post(f"/t/{mine.token}/cancel", data={"csrf_token": csrf_token(confirm.get_data(as_text=True))})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/t/{mine.token}")
    assert stored(runtime, mine.id).state == "cancelled"
    assert "This ticket is cancelled." in client.get(f"/t/{mine.token}").get_data(as_text=True)


def test_after_service_one_optional_rating_is_stored_with_the_ticket(client: FlaskClient, runtime, office):
    (mine,) = issue(runtime, office.services["A"])
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    page = client.get(f"/t/{mine.token}").get_data(as_text=True)
    token = csrf_token(page)
    assert client.post(f"/t/{mine.token}/rating", data={"csrf_token": token, "stars": "5"}).status_code == 303
    assert stored(runtime, mine.id).rating is None  # not served yet: no rating

    counters.complete(runtime.uow(), ticket_id=called.id)
    page = client.get(f"/t/{mine.token}").get_data(as_text=True)
    assert "Thank you for your visit." in page
    assert client.post(f"/t/{mine.token}/rating", data={"csrf_token": token, "stars": "9"}).status_code == 303
    assert stored(runtime, mine.id).rating is None
    assert client.post(f"/t/{mine.token}/rating", data={"csrf_token": token, "stars": "4"}).status_code == 303
    assert stored(runtime, mine.id).rating == 4
    assert "Thank you for your rating." in client.get(f"/t/{mine.token}").get_data(as_text=True)


def test_page_weighs_under_100_kb_without_the_socketio_client(client: FlaskClient, runtime, office):
    (mine,) = issue(runtime, office.services["A"])
    html = client.get(f"/t/{mine.token}").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/[^"]+\.(?:css|js))"', html)
    assert any("status.js" in asset for asset in assets)
    total = len(html.encode())
    for asset in assets:
        if "socket.io" not in asset:
            with client.get(asset) as response:  # static files are streamed: close them
                total += len(response.get_data())
    assert total < 100_000, f"{total} bytes"


def test_no_token_leaks_into_other_pages(client: FlaskClient, runtime, office):
    mine, other = issue(runtime, office.services["A"], 2)
    assert other.token not in client.get(f"/t/{mine.token}").get_data(as_text=True)
