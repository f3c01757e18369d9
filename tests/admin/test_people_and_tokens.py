"""Administration of staff (roles, offices, switching off, passwords, sign-in delays) and API tokens."""

from __future__ import annotations

import re

from tests.admin.conftest import page
from tests.console.support import sign_in_page
from tests.factories import PASSWORD, make_staff
from waitwell.persistence import Role
from waitwell.services import staff_admin


def test_a_clerk_account_is_created_for_an_office(admin, office, runtime, app):
    response = admin.post_form("/admin/users/new", {"username": "lucia", "display_name": "Lucía Gómez",
                                                    "role": "clerk", "office_ids": [str(office.office_id)],
                                                    "password": "a-long-password"})
    assert response.status_code == 302
    assert sign_in_page(app.test_client(), "lucia", "a-long-password").status_code == 302
    row = next(u for u in staff_admin.list_users(runtime.uow()) if u.username == "lucia")
    assert (row.display_name, row.role, row.office_names) == ("Lucía Gómez", Role.CLERK, ("Hartford DMV",))


def test_account_mistakes_get_clear_messages(admin, office):
    short = admin.post_form("/admin/users/new", {"username": "lucia", "role": "clerk", "password": "short",
                                                 "office_ids": [str(office.office_id)]})
    assert short.status_code == 422 and "A password needs at least 12 characters (this one has 5)" in \
        short.get_data(as_text=True)
    taken = admin.post_form("/admin/users/new", {"username": "root", "role": "admin", "password": "a-long-password"})
    assert taken.status_code == 422 and "the username &#39;root&#39; is taken" in taken.get_data(as_text=True).lower()


def test_switching_an_account_off_stops_its_sign_in(admin, office, runtime, app):
    clerk = make_staff(runtime, [office.office_id], username="maria")
    response = admin.post_form(f"/admin/users/{clerk.id}", {"display_name": "Maria", "role": "clerk",
                                                           "office_ids": [str(office.office_id)]})
    assert response.status_code == 302
    assert sign_in_page(app.test_client(), "maria").status_code == 401


def test_a_supervisor_needs_an_office_and_an_admin_cannot_demote_themself(admin, office, runtime):
    clerk = make_staff(runtime, [office.office_id], username="maria")
    no_office = admin.post_form(f"/admin/users/{clerk.id}", {"role": "supervisor", "active": "y"})
    assert no_office.status_code == 422 and "A supervisor works in at least one office" in \
        no_office.get_data(as_text=True)
    self_demote = admin.post_form(f"/admin/users/{admin.member.id}", {"role": "clerk", "active": "y",
                                                                      "office_ids": [str(office.office_id)]})
    assert self_demote.status_code == 409
    assert "You cannot remove your own administrator role" in self_demote.get_data(as_text=True)


def test_a_new_password_works(admin, office, runtime, app):
    clerk = make_staff(runtime, [office.office_id], username="maria")
    admin.post_form(f"/admin/users/{clerk.id}/password", {"password": "brand-new-secret"})
    assert sign_in_page(app.test_client(), "maria", PASSWORD).status_code == 401
    assert sign_in_page(app.test_client(), "maria", "brand-new-secret").status_code == 302


def test_failed_sign_ins_are_shown_and_their_delays_can_be_cleared(admin, office, runtime, app, clock):
    clerk = make_staff(runtime, [office.office_id], username="maria")
    for _ in range(10):
        clock.advance(seconds=61)
        sign_in_page(app.test_client(), "maria", "wrong", REMOTE_ADDR="10.9.9.9")
    assert sign_in_page(app.test_client(), "maria", REMOTE_ADDR="10.9.9.9").status_code == 429
    assert "9 failed sign-ins from 1 address" in page(admin, "/admin/users")
    admin.post_form(f"/admin/users/{clerk.id}/clear-sign-in-delays")
    assert "failed sign-ins from" not in page(admin, "/admin/users")
    assert sign_in_page(app.test_client(), "maria", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_an_api_token_is_shown_once_and_revoking_it_stops_it(admin, office, runtime, app):
    clerk = make_staff(runtime, [office.office_id], username="maria")
    created = admin.post_form("/admin/tokens", {"user_id": str(clerk.id), "name": "Counter 3 PC"})
    assert created.status_code == 302
    shown = page(admin, "/admin/tokens")
    token = re.search(r'id="new-token">(ww_[^<]+)<', shown).group(1)
    assert 'id="new-token"' not in page(admin, "/admin/tokens")  # only once
    machine = app.test_client()
    assert machine.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_id = staff_admin.list_tokens(runtime.uow())[0].id
    admin.post_form(f"/admin/tokens/{token_id}/revoke")
    assert machine.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
