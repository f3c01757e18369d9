"""Signing staff in through the pages, as a browser would: forms with their CSRF token, JSON with the header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD
from waitwell.services.accounts import StaffMember

TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
TOKEN_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def form_token(html: str) -> str:
    found = TOKEN_FIELD.search(html) or TOKEN_META.search(html)
    assert found, "the page has no CSRF token"
    return next(group for group in found.groups() if group)


@dataclass
class StaffBrowser:
    """A test client signed in as one staff member through the sign-in page."""

    client: FlaskClient
    member: StaffMember
    csrf: str = ""

    def refresh_token(self, page: str = "/console/") -> str:
        self.csrf = form_token(self.client.get(page).get_data(as_text=True))
        return self.csrf

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def post_json(self, url: str, body: dict[str, Any] | None = None) -> TestResponse:
        return self.client.post(url, json=body or {}, headers={"X-CSRFToken": self.csrf, "Accept": "application/json"})

    def get_json(self, url: str) -> Any:
        response = self.client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


def sign_in_page(client: FlaskClient, username: str, password: str = PASSWORD, **environ: Any) -> TestResponse:
    token = form_token(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       environ_base=environ)


def signed_in(app: Flask, member: StaffMember, *, address: str = "127.0.0.1") -> StaffBrowser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    response = sign_in_page(client, member.username)
    assert response.status_code == 302, response.get_data(as_text=True)
    browser = StaffBrowser(client, member)
    browser.refresh_token()
    return browser
