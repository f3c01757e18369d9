"""Signing in: growing delays after repeated failures (never a lock), held in the database; tests/security/
test_sign_in_throttle.py has the attacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console.support import sign_in_page
from tests.factories import PASSWORD, make_office, make_staff
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.persistence import Role
from waitwell.services import audit, sign_in
from waitwell.services.audit import AuditFilter


@pytest.fixture
def member(runtime):
    office = make_office(runtime)
    return make_staff(runtime, [office.office_id], username="maria")


def api_sign_in(client, username, password, address="10.1.1.1"):
    return client.post("/api/v1/auth/sign-in", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, member):
    wrong = api_sign_in(client, "maria", "not-the-password")
    unknown = api_sign_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["error"] == unknown.get_json()["error"] == {
        "code": "bad_credentials", "message": "wrong username or password"}


def test_after_three_failures_each_try_must_wait_longer(client, member, clock):
    for _ in range(3):
        assert api_sign_in(client, "maria", "wrong").status_code == 401
    assert api_sign_in(client, "maria", "wrong").status_code == 401  # the 4th failure starts a 2 s delay
    refused = api_sign_in(client, "maria", PASSWORD)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"] == "too many failed sign-ins: wait 2 s before trying again"
    clock.advance(seconds=2)
    assert api_sign_in(client, "maria", "wrong").status_code == 401  # the 5th: 4 s now
    clock.advance(seconds=3)
    assert api_sign_in(client, "maria", PASSWORD).status_code == 429
    clock.advance(seconds=1)
    assert api_sign_in(client, "maria", PASSWORD).status_code == 200


def test_patient_guessing_from_one_address_waits_ever_longer_but_is_never_locked(client, member, clock):
    for _ in range(12):
        clock.advance(minutes=16)  # patient guessing, past the longest delay each time
        assert api_sign_in(client, "maria", "wrong").status_code == 401
    delayed = api_sign_in(client, "maria", PASSWORD)
    assert delayed.status_code == 429
    assert delayed.get_json()["error"]["message"] == "too many failed sign-ins: wait 9 min before trying again"
    assert delayed.headers["Retry-After"] == "512"  # 2 s doubled from the 4th failure on: 2 * 2**8
    clock.advance(seconds=512)
    assert api_sign_in(client, "maria", PASSWORD).status_code == 200


def test_a_success_resets_the_username_count(app, member, clock):
    for _ in range(3):
        api_sign_in(app.test_client(), "maria", "wrong")
    assert api_sign_in(app.test_client(), "maria", PASSWORD).status_code == 200
    assert api_sign_in(app.test_client(), "maria", "wrong").status_code == 401
    assert api_sign_in(app.test_client(), "maria", PASSWORD).status_code == 200  # no delay: the count started again


def test_one_address_trying_many_usernames_is_slowed_down_and_no_other_address_is(app, member, clock):
    client = app.test_client()
    for index in range(30):  # an office's PCs may share an address: 30 failures are free
        assert api_sign_in(client, f"guess{index}", "wrong", address="203.0.113.9").status_code == 401
    assert api_sign_in(client, "guess-31", "wrong", address="203.0.113.9").status_code == 401
    refused = api_sign_in(client, "maria", PASSWORD, address="203.0.113.9")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert api_sign_in(app.test_client(), "maria", PASSWORD, address="10.1.1.2").status_code == 200
    clock.advance(seconds=2)
    assert api_sign_in(client, "maria", PASSWORD, address="203.0.113.9").status_code == 200


def test_the_delay_holds_across_processes(app, runtime, member, clock, tmp_path: Path):
    second_process = create_app(Config(instance_path=tmp_path / "second", database_url=runtime.database_url,
                                       testing=True, secret_key="test-secret"), runtime=_twin(runtime))
    for _ in range(4):
        api_sign_in(app.test_client(), "maria", "wrong")
    assert api_sign_in(second_process.test_client(), "maria", PASSWORD).status_code == 429


def _twin(runtime):
    from waitwell.runtime import Runtime

    return Runtime(runtime.database_url, clock=runtime.clock)


def test_an_admin_can_clear_an_accounts_delays(client, member, runtime, clock):
    for _ in range(10):
        clock.advance(seconds=61)
        api_sign_in(client, "maria", "wrong")
    assert api_sign_in(client, "maria", PASSWORD).status_code == 429
    assert sign_in.recent_failures(runtime.uow())["maria"].failures == 9  # the 10th try was refused unchecked
    assert sign_in.clear_delays(runtime.uow(), username="Maria")
    assert "maria" not in sign_in.recent_failures(runtime.uow())
    assert api_sign_in(client, "maria", PASSWORD).status_code == 200


def test_refused_sign_ins_are_in_the_audit_log_with_the_address(client, member, runtime):
    api_sign_in(client, "maria", "wrong", address="198.51.100.4")
    api_sign_in(client, "maria", PASSWORD, address="198.51.100.4")
    entries = audit.find(runtime.uow(), visible_office_ids=None, wanted=AuditFilter(action="sign_in"))
    assert [(e.action, e.username, e.address, e.status_code) for e in reversed(entries)] == [
        ("sign_in.refused", "maria", "198.51.100.4", 401),
        ("sign_in", "maria", "198.51.100.4", 200),
    ]


def test_the_sign_in_page_says_why_and_keeps_a_safe_next(client, member, clock):
    wrong = sign_in_page(client, "maria", "wrong")
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.get_data(as_text=True)
    page = client.get("/sign-in?next=//evil.example/steal")
    assert page.status_code == 200
    token_page = page.get_data(as_text=True)
    from tests.console.support import form_token

    response = client.post("/sign-in?next=//evil.example/steal", data={
        "username": "maria", "password": PASSWORD, "csrf_token": form_token(token_page)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"


def test_the_sign_in_page_goes_back_where_the_clerk_was_going(client, member):
    response = client.get("/console/")
    assert response.status_code == 302 and "/sign-in?next=/console/" in response.headers["Location"]
    from tests.console.support import form_token

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    signed = client.post("/sign-in?next=/console/", data={"username": "maria", "password": PASSWORD,
                                                          "csrf_token": form_token(page)})
    assert signed.headers["Location"] == "/console/"


def test_the_session_cookie_is_http_only_same_site_and_expires(client, member):
    response = sign_in_page(client, "maria")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_secure_cookies_when_configured(runtime, member, tmp_path):
    app = create_app(Config(instance_path=tmp_path / "secure", database_url=runtime.database_url, testing=True,
                            secret_key="test-secret", session_cookie_secure=True), runtime=runtime)
    client = app.test_client()
    response = sign_in_page(client, "maria", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_an_admin_signs_in_to_administration(client, runtime):
    make_staff(runtime, [], role=Role.ADMIN, username="root")
    assert sign_in_page(client, "root").headers["Location"] == "/admin/"


def test_signing_out_needs_the_form_token(client, member):
    sign_in_page(client, "maria")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no CSRF token: a link on another site cannot sign you out
    assert client.get("/console/").status_code == 200
