"""What a request may carry: bodies no larger than their endpoint class takes (413: JSON for the API, a page for a
form), JSON nested no deeper than Waitwell reads (400, where 100,000 `[` were a 500), and a sign-in `next=`
with a CR or LF (a 500 on the redirect) ignored for a safe one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.support import assert_error
from tests.console.support import form_token
from tests.factories import PASSWORD, make_office, make_staff
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import accounts

KIB = 1024


@pytest.fixture
def admin_auth(runtime: Runtime) -> dict[str, str]:
    admin = make_staff(runtime, [], role=Role.ADMIN, username="admin")
    return {"Authorization": f"Bearer {accounts.create_api_token(runtime.uow(), user_id=admin.id, name='setup')}"}


def test_an_api_body_over_its_limit_is_a_json_413_and_issues_nothing(client: FlaskClient, runtime: Runtime,
                                                                     admin_auth: dict[str, str]) -> None:
    office = make_office(runtime)
    huge = {"service_id": office.services["A"], "padding": "x" * (200 * KIB)}
    error = assert_error(client.post("/api/v1/tickets", json=huge, headers=admin_auth), 413, "request_too_large",
                         "larger than the 128 KiB")
    assert error["message"].startswith("the request body")
    assert client.get(f"/api/v1/offices/{office.office_id}/services").get_json()[0]["people_waiting"] == 0
    assert_error(client.post("/api/v1/auth/sign-in", json={"username": "u" * (200 * KIB), "password": "p"}), 413)


def test_each_endpoint_class_has_its_own_limit(client: FlaskClient) -> None:
    """100 KiB is within the API's 128 but over the pages' 64: the same size is read by one, refused by the other."""
    within_api = client.post("/api/v1/auth/sign-in", json={"username": "u" * (100 * KIB), "password": "p"})
    assert within_api.status_code in (401, 422), within_api.status_code  # read, and refused for what it says
    form = client.post("/sign-in", data={"username": "u" * (100 * KIB), "password": "p"},
                       headers={"Accept": "text/html"})
    assert form.status_code == 413
    assert form.mimetype == "text/html"
    assert "larger than this page accepts" in form.get_data(as_text=True)


def test_json_nested_100_000_deep_is_a_400_not_a_500(client: FlaskClient, runtime: Runtime,
                                                     admin_auth: dict[str, str]) -> None:
    office = make_office(runtime)
    deep = "[" * 100_000
    for url, headers in (("/api/v1/auth/sign-in", {}), ("/api/v1/tickets", admin_auth),
                         (f"/api/v1/offices/{office.office_id}/what-if", admin_auth)):
        response = client.post(url, data=deep, content_type="application/json", headers=headers)
        assert_error(response, 400, "invalid_request", "Invalid JSON body", "more than 64 deep")


def test_brackets_inside_strings_are_not_nesting(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/sign-in", json={"username": "[{" * 40, "password": "[[" * 100})
    assert response.status_code == 401  # 280 brackets, all in strings: read as an ordinary wrong sign-in


def test_json_just_as_deep_as_allowed_is_read(client: FlaskClient) -> None:
    allowed = "[" * 64 + "]" * 64
    response = client.post("/api/v1/auth/sign-in", data=allowed, content_type="application/json")
    assert_error(response, 422, "invalid_request", "must be a JSON object")
    too_deep = "[" * 65 + "]" * 65
    assert_error(client.post("/api/v1/auth/sign-in", data=too_deep, content_type="application/json"), 400)


def test_a_cr_lf_in_next_is_ignored_for_a_safe_redirect(app: Flask, runtime: Runtime) -> None:
    office = make_office(runtime)
    make_staff(runtime, [office.office_id], username="maria")
    client = app.test_client()
    evil = "/console/%0D%0ASet-Cookie:%20evil=1"
    page = client.get(f"/sign-in?next={evil}")
    assert page.status_code == 200
    signed = client.post(f"/sign-in?next={evil}", data={"username": "maria", "password": PASSWORD,
                                                        "csrf_token": form_token(page.get_data(as_text=True))})
    assert signed.status_code == 302
    assert signed.headers["Location"] == "/console/" and "evil" not in str(signed.headers)
    again = client.get(f"/sign-in?next={evil}")  # signed in: straight on, to the safe place
    assert again.status_code == 302 and again.headers["Location"] == "/console/"
    assert client.get("/sign-in?next=/console/%0Aevil").headers["Location"] == "/console/"
    assert client.get("/sign-in?next=/dashboard/").headers["Location"] == "/dashboard/"  # a clean next still works
