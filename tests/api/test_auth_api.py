"""Signing in and out, API tokens, and who may call which endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from tests.api.conftest import Clerk, Hartford, add_staff
from tests.api.support import assert_error
from tests.factories import PASSWORD, issue
from waitwell.persistence import ApiToken, Role, User
from waitwell.runtime import Runtime
from waitwell.services import counters

CSRF_HEADER = "X-CSRFToken"


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in with a session cookie; returns the headers a JSON client sends on later writes (CSRF token)."""
    response = client.post("/api/v1/auth/sign-in", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    token = response.headers.get(CSRF_HEADER) or client.get("/api/v1/auth/me").headers.get(CSRF_HEADER)
    return {CSRF_HEADER: token} if token else {}


def test_staff_sign_in_with_a_password_and_the_session_says_who_they_are(client: FlaskClient,
                                                                         clerk: Clerk) -> None:
    response = client.post("/api/v1/auth/sign-in", json={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["username"] == "clerk"
    assert "password" not in response.get_json()
    me = client.get("/api/v1/auth/me").get_json()
    assert (me["username"], me["role"], me["office_ids"]) == ("clerk", "clerk", list(clerk.member.office_ids))


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: FlaskClient, clerk: Clerk) -> None:
    wrong = assert_error(client.post("/api/v1/auth/sign-in", json={"username": "clerk", "password": "guess-1234"}),
                         401, "bad_credentials", "wrong username or password")
    unknown = assert_error(client.post("/api/v1/auth/sign-in", json={"username": "nobody", "password": "guess-12"}),
                           401, "bad_credentials")
    assert wrong == unknown
    assert_error(client.get("/api/v1/auth/me"), 401, "not_signed_in")


@pytest.mark.parametrize(("body", "mention"), [
    ({"username": "clerk"}, "password: Missing data for required field."),
    ({"password": PASSWORD}, "username: Missing data for required field."),
    ({"username": 7, "password": PASSWORD}, "username: Not a valid string."),
    ({"username": "", "password": PASSWORD}, "username: Length must be between 1 and 80."),
    ({"username": "clerk", "password": PASSWORD, "remember": True}, "remember: Unknown field."),
])
def test_sign_in_names_the_faulty_field(client: FlaskClient, clerk: Clerk, body: dict, mention: str) -> None:
    assert_error(client.post("/api/v1/auth/sign-in", json=body), 422, "invalid_request", mention)


def test_signing_out_ends_the_session(client: FlaskClient, clerk: Clerk) -> None:
    csrf = sign_in(client, "clerk")
    assert client.post("/api/v1/auth/sign-out", headers=csrf).status_code == 204
    assert_error(client.get("/api/v1/auth/me"), 401, "not_signed_in")


def test_a_signed_in_clerk_creates_an_api_token_that_acts_as_them(app, client: FlaskClient, clerk: Clerk) -> None:
    csrf = sign_in(client, "clerk")
    response = client.post("/api/v1/auth/tokens", json={"name": "lobby tablet"}, headers=csrf)
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert response.get_json()["name"] == "lobby tablet" and len(token) >= 32
    machine = app.test_client()
    me = machine.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (me.status_code, me.get_json()["username"]) == (200, "clerk")


def test_creating_a_token_needs_a_signed_in_user_and_a_name(app, client: FlaskClient, clerk: Clerk) -> None:
    assert_error(app.test_client().post("/api/v1/auth/tokens", json={"name": "x"}), 401, "not_signed_in")
    csrf = sign_in(client, "clerk")
    assert_error(client.post("/api/v1/auth/tokens", json={"name": "   "}, headers=csrf), 422, "invalid_input",
                 "an API token needs a name")
    assert_error(client.post("/api/v1/auth/tokens", json={}, headers=csrf), 422, "invalid_request",
                 "name: Missing data for required field.")


def test_a_token_cannot_create_another_token(app, clerk: Clerk) -> None:
    """One token minting the next would outlive revoking it: tokens are created by a person with a password."""
    assert_error(app.test_client().post("/api/v1/auth/tokens", json={"name": "spare"}, headers=clerk.auth), 403,
                 "not_authorized", "signed in with a password")


def test_bearer_token_authenticates_staff_calls(client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                                clerk: Clerk) -> None:
    issue(runtime, hartford.office.services["A"])
    response = client.post(f"/api/v1/counters/{hartford.office.counters['Counter 1']}/call-next", headers=clerk.auth)
    assert (response.status_code, response.get_json()["number"]) == (200, "A001")


def test_a_tokens_last_use_is_noted_to_the_minute_without_a_write_per_request(client: FlaskClient, runtime: Runtime,
                                                                             clerk: Clerk) -> None:
    """Every request with a token used to write its last use: one more write transaction per request, while
    SQLite takes one writer at a time. The admin page shows it to the minute."""
    def last_used() -> datetime | None:
        with runtime.uow(read_only=True) as uow:
            return uow.session.scalar(select(ApiToken.last_used_at))

    assert client.get("/api/v1/auth/me", headers=clerk.auth).status_code == 200
    first = last_used()
    assert first == runtime.clock.now()
    writes: list[str] = []
    event.listen(runtime.engine, "before_cursor_execute",
                 lambda _c, _cu, statement, *_: writes.append(statement) if statement.startswith("UPDATE") else None)
    runtime.clock.advance(seconds=50)  # type: ignore[attr-defined]
    assert client.get("/api/v1/auth/me", headers=clerk.auth).status_code == 200
    assert last_used() == first and writes == []
    runtime.clock.advance(seconds=15)  # type: ignore[attr-defined]
    assert client.get("/api/v1/auth/me", headers=clerk.auth).status_code == 200
    assert last_used() == runtime.clock.now() and len(writes) == 1


def test_a_revoked_token_is_refused(client: FlaskClient, runtime: Runtime, clerk: Clerk) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(update(ApiToken).values(revoked_at=datetime(2026, 3, 10, 13, 0, tzinfo=UTC)))
    assert_error(client.get("/api/v1/auth/me", headers=clerk.auth), 401, "not_signed_in",
                 "Authorization: Bearer <API token>")


def test_the_token_of_a_deactivated_user_is_refused(client: FlaskClient, runtime: Runtime, clerk: Clerk) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(update(User).where(User.id == clerk.member.id).values(active=False))
    assert_error(client.get("/api/v1/auth/me", headers=clerk.auth), 401, "not_signed_in")


@pytest.mark.parametrize("authorization", ["Bearer ww_not-a-real-token", "Bearer ", "Basic Y2xlcms6cGFzcw==",
                                           "ww_token-without-scheme"])
def test_unknown_or_malformed_credentials_are_refused(client: FlaskClient, clerk: Clerk, authorization: str) -> None:
    assert_error(client.get("/api/v1/auth/me", headers={"Authorization": authorization}), 401, "not_signed_in")


# --- who may call what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRoute:
    method: str
    path: str  # with {office}, {counter} and {ticket} placeholders
    body: dict | None = None

    def url(self, hartford: Hartford, ticket_id: int, *, office: str = "office") -> str:
        setup = getattr(hartford, office)
        return self.path.format(office=setup.office_id, counter=setup.counters["Counter 1"], ticket=ticket_id)


STAFF_ROUTES = [
    StaffRoute("GET", "/api/v1/offices/{office}/counters"),
    StaffRoute("GET", "/api/v1/offices/{office}/tickets"),
    StaffRoute("GET", "/api/v1/counters/{counter}"),
    StaffRoute("POST", "/api/v1/counters/{counter}/open"),
    StaffRoute("POST", "/api/v1/counters/{counter}/pause"),
    StaffRoute("POST", "/api/v1/counters/{counter}/close"),
    StaffRoute("POST", "/api/v1/counters/{counter}/call-next"),
    StaffRoute("POST", "/api/v1/counters/{counter}/call", {"ticket_id": 1}),
    StaffRoute("GET", "/api/v1/tickets/{ticket}"),
    StaffRoute("POST", "/api/v1/tickets/{ticket}/recall"),
    StaffRoute("POST", "/api/v1/tickets/{ticket}/start"),
    StaffRoute("POST", "/api/v1/tickets/{ticket}/complete"),
    StaffRoute("POST", "/api/v1/tickets/{ticket}/no-show"),
    StaffRoute("POST", "/api/v1/tickets/{ticket}/transfer", {"service_id": 1}),
]
ROUTE_IDS = [f"{r.method} {r.path}" for r in STAFF_ROUTES]


def called_in(runtime: Runtime, hartford: Hartford, office: str) -> int:
    setup = getattr(hartford, office)
    ticket = issue(runtime, setup.services["A"])[0]
    counters.call_ticket(runtime.uow(), counter_id=setup.counters["Counter 1"], ticket_id=ticket.id)
    return ticket.id


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=ROUTE_IDS)
def test_staff_endpoints_refuse_anonymous_callers(client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                                  route: StaffRoute) -> None:
    url = route.url(hartford, called_in(runtime, hartford, "office"))
    assert_error(client.open(url, method=route.method, json=route.body), 401, "not_signed_in", "sign in as staff")


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=ROUTE_IDS)
def test_staff_endpoints_refuse_staff_of_another_office(client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                                        clerk: Clerk, route: StaffRoute) -> None:
    url = route.url(hartford, called_in(runtime, hartford, "other"), office="other")
    assert_error(client.open(url, method=route.method, json=route.body, headers=clerk.auth), 403, "not_authorized",
                 "you are not a member of this office's staff")


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=ROUTE_IDS)
def test_an_administrator_may_act_in_every_office(client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                                  admin_auth: dict[str, str], route: StaffRoute) -> None:
    url = route.url(hartford, called_in(runtime, hartford, "other"), office="other")
    response = client.open(url, method=route.method, json=route.body, headers=admin_auth)
    assert response.status_code not in (401, 403), response.get_json()
    assert response.status_code < 500


def test_a_supervisor_acts_only_in_their_offices(client: FlaskClient, runtime: Runtime, hartford: Hartford,
                                                 password_hash: str) -> None:
    add_staff(runtime, password_hash, "supervisor", Role.SUPERVISOR, [hartford.office.office_id])
    sign_in(client, "supervisor")
    assert client.get(f"/api/v1/offices/{hartford.office.office_id}/counters").status_code == 200
    assert_error(client.get(f"/api/v1/offices/{hartford.other.office_id}/counters"), 403, "not_authorized")
