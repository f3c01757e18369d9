"""Passwords of at least 12 characters and not on the common-password list; usernames that are one account
whatever their case or width, and never invisible characters or a mix of scripts."""

from __future__ import annotations

import pytest

from tests.admin.conftest import page
from tests.console.support import signed_in
from tests.factories import make_office, make_staff
from waitwell.domain.errors import InvalidInput
from waitwell.persistence import Role
from waitwell.services import accounts, staff_admin

UNCOMMON_12 = "lamp-river-7"  # exactly 12 characters, on no list


@pytest.fixture
def office(runtime):
    return make_office(runtime, open_counters=False)


@pytest.fixture
def admin(app, runtime, office):
    browser = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    browser.refresh_token("/admin/")
    return browser


def create(runtime, office, username="lucia", password=UNCOMMON_12):
    return accounts.create_user(runtime.uow(), username=username, password=password, office_ids=[office.office_id])


def api_sign_in(app, username, password):
    return app.test_client().post("/api/v1/auth/sign-in", json={"username": username, "password": password})


def test_an_eleven_character_password_is_refused_and_twelve_uncommon_ones_are_accepted(app, runtime, office):
    with pytest.raises(InvalidInput, match=r"a password needs at least 12 characters \(this one has 11\)"):
        create(runtime, office, password=UNCOMMON_12[:-1])
    assert [u.username for u in staff_admin.list_users(runtime.uow())] == []  # nothing was stored
    create(runtime, office)
    assert api_sign_in(app, "lucia", UNCOMMON_12).status_code == 200


@pytest.mark.parametrize("common", ["password1234", "QWERTY123456", "1q2w3e4r5t6y", "IloveYou1234"])
def test_a_common_password_is_refused_whatever_its_case(runtime, office, common):
    with pytest.raises(InvalidInput, match="on the list of common passwords that attackers try first"):
        create(runtime, office, password=common)


def test_the_admin_forms_say_what_is_wrong_with_a_password_next_to_it(admin, runtime, office, app):
    short = admin.post_form("/admin/users/new", {"username": "lucia", "role": "clerk", "password": "eleven-char",
                                                 "office_ids": [str(office.office_id)]})
    assert short.status_code == 422
    assert "A password needs at least 12 characters (this one has 11)" in short.get_data(as_text=True)
    clerk = create(runtime, office, username="maria")
    common = admin.post_form(f"/admin/users/{clerk.id}/password", {"password": "Password1234"})
    assert common.status_code == 422 and "on the list of common passwords" in common.get_data(as_text=True)
    assert api_sign_in(app, "maria", UNCOMMON_12).status_code == 200  # the old password still works
    assert "At least 12 characters, and not a common password" in page(admin, f"/admin/users/{clerk.id}")


def test_alice_and_alice_in_capitals_are_one_account_and_sign_in_either_way(admin, app, runtime, office):
    created = create(runtime, office, username="Alice")
    assert created.username == "alice"
    for same in ("alice", "ALICE", "ａｌｉｃｅ"):  # the last in full-width letters
        with pytest.raises(InvalidInput, match="the username 'alice' is taken"):
            create(runtime, office, username=same)
    taken = admin.post_form("/admin/users/new", {"username": "aLiCe", "role": "clerk", "password": UNCOMMON_12,
                                                 "office_ids": [str(office.office_id)]})
    assert taken.status_code == 422 and "usernames are the same whatever the case" in taken.get_data(as_text=True)
    assert [u.username for u in staff_admin.list_users(runtime.uow())] == ["alice", "root"]
    for typed in ("Alice", "alice", "ALICE"):
        answer = api_sign_in(app, typed, UNCOMMON_12)
        assert answer.status_code == 200 and answer.get_json()["username"] == "alice"


@pytest.mark.parametrize(("username", "message"), [
    ("ali\u200bce", "a username cannot contain invisible or control characters (found U+200B zero width space)"),
    ("ali\u2060ce", "a username cannot contain invisible or control characters (found U+2060 word joiner)"),
    ("alice\u202e", "invisible or control characters (found U+202E right-to-left override)"),
    ("ali\u00adce", "invisible or control characters (found U+00AD soft hyphen)"),
    ("\u0430lice", "a username is written in one script: 'аlice' mixes Cyrillic and Latin letters"),
    ("p\u0430ypal", "mixes Cyrillic and Latin letters"),
    ("\u03bfscar", "mixes Greek and Latin letters"),
])
def test_invisible_characters_and_mixed_script_look_alikes_are_refused(admin, runtime, office, username, message):
    with pytest.raises(InvalidInput) as refusal:
        create(runtime, office, username=username)
    assert message in refusal.value.message
    refused = admin.post_form("/admin/users/new", {"username": username, "role": "clerk", "password": UNCOMMON_12,
                                                   "office_ids": [str(office.office_id)]})
    assert refused.status_code == 422
    assert [u.username for u in staff_admin.list_users(runtime.uow())] == ["root"]


@pytest.mark.parametrize("username", ["maría-josé", "мария", "田中たろう", "김철수", "o'brien_2"])
def test_names_in_one_script_are_welcome(runtime, office, username):
    assert create(runtime, office, username=username).username == username
