"""API tokens: an optional expiry (with the operator's default), who may create tokens for whom, and how many
a clerk may hold; the administration lists each with its last use and expiry."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.admin.conftest import page
from tests.console.support import signed_in
from tests.factories import make_staff, signed_in_client
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.persistence import Role
from waitwell.services import accounts, staff_admin


def new_token(client: FlaskClient, **body) -> tuple[int, dict]:
    response = client.post("/api/v1/auth/tokens", json={"name": "counter PC", **body})
    return response.status_code, response.get_json()


def works(app: Flask, token: str) -> bool:
    return app.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def app_with(runtime, tmp_path: Path, **settings: str) -> Flask:
    return create_app(Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                             secret_key="test-secret", extra=settings), runtime=runtime)


def test_a_token_made_to_expire_is_refused_from_then_on(app, clerk, clock):
    status, made = new_token(signed_in_client(app, clerk), expires_in_days=2)
    assert status == 201, made
    assert made["expires_at"].startswith((clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    clock.advance(days=2, seconds=-1)
    assert works(app, made["token"])
    clock.advance(seconds=1)
    assert not works(app, made["token"])


def test_without_a_default_a_token_lives_until_revoked(app, clerk, clock):
    status, made = new_token(signed_in_client(app, clerk))
    assert (status, made["expires_at"]) == (201, None)
    clock.advance(days=400)
    assert works(app, made["token"])


def test_the_operators_default_lifetime_applies_and_binds_clerks(runtime, clerk, clock, tmp_path):
    app = app_with(runtime, tmp_path, WAITWELL_API_TOKEN_DAYS="30")
    client = signed_in_client(app, clerk)
    status, made = new_token(client)
    assert status == 201 and made["expires_at"].startswith((clock.now() + timedelta(days=30)).strftime("%Y-%m-%d"))
    status, refused = new_token(client, expires_in_days=90)
    assert status == 422 and "at most 30 days unless an administrator" in refused["error"]["message"]
    admin = signed_in_client(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    status, long_lived = new_token(admin, expires_in_days=365, user_id=clerk.id)
    assert status == 201 and long_lived["user_id"] == clerk.id
    clock.advance(days=31)
    assert not works(app, made["token"]) and works(app, long_lived["token"])


def test_a_clerk_holds_a_few_live_tokens_at_most(app, clerk, runtime):
    client = signed_in_client(app, clerk)
    for number in range(3):
        assert new_token(client, name=f"PC {number}")[0] == 201
    status, refused = new_token(client, name="one more")
    assert status == 409
    assert refused["error"]["message"] == ("you already hold 3 live API tokens (at most 3); an administrator can "
                                           "revoke one you no longer use")
    staff_admin.revoke_token(runtime.uow(), token_id=staff_admin.list_tokens(runtime.uow())[0].id)
    assert new_token(client, name="one more")[0] == 201


def test_expired_tokens_do_not_count_against_the_limit(runtime, clerk, clock, tmp_path):
    app = app_with(runtime, tmp_path, WAITWELL_STAFF_TOKEN_LIMIT="1")
    client = signed_in_client(app, clerk)
    assert new_token(client, expires_in_days=1)[0] == 201
    assert new_token(client)[0] == 409
    clock.advance(days=1)
    client = signed_in_client(app, clerk)  # a new working day, a new session
    assert new_token(client)[0] == 201


def test_only_an_administrator_makes_tokens_for_someone_else_and_without_a_limit(app, clerk, office, runtime):
    colleague = make_staff(runtime, [office.office_id], username="jonas")
    supervisor = signed_in_client(app, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="boss"))
    status, refused = new_token(supervisor, user_id=colleague.id)
    assert status == 403 and refused["error"]["message"] == "only an administrator creates API tokens for someone else"
    assert staff_admin.list_tokens(runtime.uow()) == []
    admin = signed_in_client(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    for number in range(5):
        status, made = new_token(admin, name=f"kiosk {number}", user_id=colleague.id)
        assert status == 201 and made["user_id"] == colleague.id


def test_a_token_limit_that_is_not_a_whole_number_stops_the_app(runtime, tmp_path):
    with pytest.raises(ValueError, match="WAITWELL_STAFF_TOKEN_LIMIT must be a whole number above 0"):
        app_with(runtime, tmp_path, WAITWELL_STAFF_TOKEN_LIMIT="2.5")


def test_the_administration_lists_each_tokens_last_use_expiry_and_state(app, clerk, runtime, clock):
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    admin.refresh_token("/admin/")
    assert admin.post_form("/admin/tokens", {"user_id": str(clerk.id), "name": "Lobby tablet",
                                             "expires_in_days": "7"}).status_code == 302
    token = re.search(r'id="new-token">(ww_[^<]+)<', page(admin, "/admin/tokens")).group(1)
    accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="Old kiosk",
                              expires_at=clock.now() + timedelta(minutes=10))
    assert works(app, token)
    used_at = clock.now()
    clock.advance(minutes=20)
    listed = page(admin, "/admin/tokens")
    rows = {name: row for name, row in re.findall(r"<tr[^>]*>\s*<td><strong>([^<]+)</strong></td>(.*?)</tr>",
                                                   listed, re.S)}
    lobby, old = rows["Lobby tablet"], rows["Old kiosk"]
    assert used_at.strftime("%Y-%m-%d %H:%M UTC") in lobby  # last used
    assert (used_at + timedelta(days=7)).strftime("%Y-%m-%d %H:%M UTC") in lobby and "active" in lobby
    assert "never" in old and ">expired<" in old
    assert admin.post_form("/admin/tokens", {"user_id": str(clerk.id), "name": "x",
                                             "expires_in_days": "0"}).status_code == 422
