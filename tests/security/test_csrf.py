"""CSRF: cookie-authenticated writes need a token; bearer-token and anonymous requests carry no ambient authority."""

from __future__ import annotations

import pytest

from tests.console.support import sign_in_page, signed_in
from tests.factories import PASSWORD, issue, make_staff
from waitwell.services import accounts, staff_admin


def test_a_session_json_write_without_the_header_is_refused(client, clerk, office, runtime):
    issue(runtime, office.services["A"])
    signed = client.post("/api/v1/auth/sign-in", json={"username": "maria", "password": PASSWORD})
    token = signed.headers["X-CSRFToken"]
    url = f"/api/v1/counters/{office.counters['Counter 1']}/call-next"
    refused = client.post(url)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert "X-CSRFToken" in refused.get_json()["error"]["message"]
    called = client.post(url, headers={"X-CSRFToken": token})
    assert called.status_code == 200 and called.get_json()["number"] == "A001"


def test_a_token_from_another_session_is_refused(app, clerk, office, runtime):
    issue(runtime, office.services["A"])
    mine, theirs = app.test_client(), app.test_client()
    mine.post("/api/v1/auth/sign-in", json={"username": "maria", "password": PASSWORD})
    their_token = theirs.post("/api/v1/auth/sign-in", json={"username": "maria", "password": PASSWORD}) \
        .headers["X-CSRFToken"]
    response = mine.post(f"/api/v1/counters/{office.counters['Counter 1']}/call-next",
                         headers={"X-CSRFToken": their_token})
    assert response.status_code == 400


def test_bearer_token_requests_need_no_csrf_token(client, clerk, office, runtime):
    issue(runtime, office.services["A"])
    token = accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="counter PC")
    response = client.post(f"/api/v1/counters/{office.counters['Counter 1']}/call-next",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_anonymous_public_writes_need_no_csrf_token(client, office, runtime):
    ticket = issue(runtime, office.services["A"])[0]
    response = client.post(f"/api/v1/ticket-status/{ticket.token}/cancel")
    assert response.status_code == 200


def test_a_page_form_without_its_token_is_refused_and_changes_nothing(app, clerk, office, runtime):
    browser = signed_in(app, clerk)
    response = browser.client.post(f"/console/counters/{office.counters['Counter 1']}/take", data={})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert "Taken by" not in browser.client.get("/console/").get_data(as_text=True)


def test_the_sign_in_form_itself_needs_its_token(client, clerk):
    response = client.post("/sign-in", data={"username": "maria", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302  # not signed in
    assert sign_in_page(client, "maria").status_code == 302


@pytest.mark.parametrize("bearer", ["Bearer ww_not-a-real-token", "Bearer revoked"])
def test_a_bearer_header_that_does_not_authenticate_leaves_the_cookie_needing_its_token(client, clerk, office,
                                                                                       runtime, bearer):
    """Only a token that authenticates the request exempts it: an attacker's junk header must not switch the
    check off for the victim's cookie."""
    issue(runtime, office.services["A"])
    if bearer == "Bearer revoked":
        token = accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="old PC")
        staff_admin.revoke_token(runtime.uow(), token_id=staff_admin.list_tokens(runtime.uow())[0].id)
        bearer = f"Bearer {token}"
    signed = client.post("/api/v1/auth/sign-in", json={"username": "maria", "password": PASSWORD})
    url = f"/api/v1/counters/{office.counters['Counter 1']}/call-next"
    refused = client.post(url, headers={"Authorization": bearer})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    called = client.post(url, headers={"Authorization": bearer, "X-CSRFToken": signed.headers["X-CSRFToken"]})
    assert called.status_code == 200 and called.get_json()["number"] == "A001"  # nothing was called before


def test_a_valid_bearer_token_speaks_for_its_own_user_beside_a_cookie(app, client, clerk, office, runtime):
    """A machine's token decides who calls, whatever cookie comes along, and needs no CSRF token."""
    other = make_staff(runtime, [office.office_id], username="jonas")
    token = accounts.create_api_token(runtime.uow(), user_id=other.id, name="counter PC")
    client.post("/api/v1/auth/sign-in", json={"username": "maria", "password": PASSWORD})
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["username"] == "jonas" and "X-CSRFToken" not in me.headers
    issue(runtime, office.services["A"])
    called = client.post(f"/api/v1/counters/{office.counters['Counter 1']}/call-next",
                         headers={"Authorization": f"Bearer {token}"})
    assert called.status_code == 200
