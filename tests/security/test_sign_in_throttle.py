"""Attacks on sign-in: growing delays per username and address, never a lock that keeps the owner out, and admins
told when an account is under attack (audit log, dashboard, users page)."""

from __future__ import annotations

import pytest

from tests.console.support import form_token, sign_in_page, signed_in
from tests.factories import PASSWORD, make_office, make_staff
from waitwell.persistence import Role
from waitwell.services import audit
from waitwell.services.audit import AuditFilter

ATTACKER = "203.0.113.66"
COUNTER = "10.1.1.7"


def api_sign_in(app, username, password, address):
    return app.test_client().post("/api/v1/auth/sign-in", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": address})


def fail_patiently(app, clock, failures, *, username="maria", address=ATTACKER):
    """Wrong passwords as a patient attacker sends them: after each refusal, wait as long as Retry-After says."""
    counted = 0
    while counted < failures:
        answer = api_sign_in(app, username, "not-her-password", address)
        if answer.status_code == 429:
            clock.advance(seconds=int(answer.headers["Retry-After"]))
        else:
            assert answer.status_code == 401
            counted += 1


@pytest.mark.slow
def test_fifty_failures_from_one_address_never_stop_the_right_password_from_another(app, clerk, clock):
    for _ in range(50):  # hammering: all but the first few are refused unchecked
        api_sign_in(app, "maria", "not-her-password", ATTACKER)
    fail_patiently(app, clock, 50)
    assert api_sign_in(app, "maria", PASSWORD, COUNTER).status_code == 200
    assert sign_in_page(app.test_client(), "maria", REMOTE_ADDR=COUNTER).status_code == 302
    assert api_sign_in(app, "maria", PASSWORD, ATTACKER).status_code == 429  # the attacker's address still waits


def test_each_failure_from_one_address_makes_the_next_wait_longer_with_retry_after(app, clerk, clock):
    for _ in range(4):
        assert api_sign_in(app, "maria", "wrong", ATTACKER).status_code == 401
    waits = []
    for _ in range(5):
        refused = api_sign_in(app, "maria", PASSWORD, ATTACKER)
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "too_many_attempts"
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert api_sign_in(app, "maria", "wrong", ATTACKER).status_code == 401
    assert waits == [2, 4, 8, 16, 32]
    assert api_sign_in(app, "maria", PASSWORD, COUNTER).status_code == 200  # the clerk's own counter: no wait


def test_the_sign_in_page_says_how_long_to_wait_and_sends_retry_after(app, clerk, clock):
    client = app.test_client()
    for _ in range(4):
        assert sign_in_page(client, "maria", "wrong", REMOTE_ADDR=ATTACKER).status_code == 401
    refused = sign_in_page(client, "maria", REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "Too many failed sign-ins: wait 2 s before trying again." in refused.get_data(as_text=True)
    spanish = client.get("/sign-in?lang=es").get_data(as_text=True)
    refused = client.post("/sign-in?lang=es", data={"username": "maria", "password": PASSWORD,
                                                    "csrf_token": form_token(spanish)},
                          environ_base={"REMOTE_ADDR": ATTACKER})
    assert refused.status_code == 429 and "espere 2 s" in refused.get_data(as_text=True)


def test_many_addresses_on_one_username_slow_those_that_failed_never_a_fresh_one(app, clerk, clock):
    addresses = [f"198.51.100.{n}" for n in range(1, 26)]
    for address in addresses:  # one guess each: the first try from an address is never delayed
        assert api_sign_in(app, "maria", "wrong", address).status_code == 401
    again = api_sign_in(app, "maria", "wrong", addresses[0])  # 25 failures of the username: 1 s * 1.25**14
    assert again.status_code == 429 and again.headers["Retry-After"] == "23"
    assert api_sign_in(app, "maria", PASSWORD, COUNTER).status_code == 200  # no failures from here: at once


def test_an_account_under_attack_is_in_the_audit_log_once_and_on_the_dashboards(app, runtime, office, clerk,
                                                                                 clock):
    supervisor = make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam")
    elsewhere = make_office(runtime, name="Norwich DMV")
    other_supervisor = make_staff(runtime, [elsewhere.office_id], role=Role.SUPERVISOR, username="nina")
    dashboard = f"/dashboard/{office.office_id}"
    watching = signed_in(app, supervisor)
    assert "Accounts under attack" not in watching.client.get(dashboard).get_data(as_text=True)

    for n in range(1, 31):
        api_sign_in(app, "maria", "wrong", f"192.0.2.{n}")

    entries = audit.find(runtime.uow(), visible_office_ids=[office.office_id],  # what maria's supervisors see
                         wanted=AuditFilter(action="sign_in.under_attack"))
    assert [(e.username, e.user_id, e.target, e.detail["failures"], e.detail["addresses"]) for e in entries] == [
        ("maria", clerk.id, "user maria", 20, 20)]
    page = watching.client.get(dashboard).get_data(as_text=True)
    assert "Accounts under attack" in page and "30 wrong passwords for maria from 30 addresses" in page
    other = signed_in(app, other_supervisor).client.get(f"/dashboard/{elsewhere.office_id}").get_data(as_text=True)
    assert "Accounts under attack" not in other  # not one of that office's accounts
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    assert "under attack: 30 failed sign-ins from 30 addresses" in admin.client.get("/admin/users").get_data(
        as_text=True)

    clock.advance(minutes=61)  # failures are forgotten after an hour: the notice goes with them
    assert "Accounts under attack" not in watching.client.get(dashboard).get_data(as_text=True)


def test_an_attack_on_a_username_nobody_has_is_told_to_admins(app, runtime, clock):
    for n in range(20):
        api_sign_in(app, "administrator", "wrong", f"192.0.2.{n}")
    entry, = audit.find(runtime.uow(), visible_office_ids=None, wanted=AuditFilter(action="sign_in.under_attack"))
    assert (entry.username, entry.user_id) == ("administrator", None)
