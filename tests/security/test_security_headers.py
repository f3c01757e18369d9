"""The security headers on representative answers: a public page, a staff page, the page that shows a new API
token, answers whose URL carries a ticket's or a booking's token, an API answer, a static file, an error page,
the lobby display with and without WAITWELL_FRAME_ANCESTORS, and that setting's refusals."""

from __future__ import annotations

import pytest

from tests.console.support import signed_in
from tests.factories import make_staff
from tests.security.site import Site, app_with_frame_ancestors, seed_site
from waitwell.config import ConfigError, check_environment
from waitwell.persistence import Role
from waitwell.runtime import Runtime

INTRANET = "https://intranet.example.gov"


@pytest.fixture
def site(runtime: Runtime) -> Site:
    return seed_site(runtime)


def policy_of(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    directives = [part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")]
    return {name: sources for name, sources in directives}


def test_a_public_page_gets_the_policy_nosniff_a_referrer_rule_and_no_store(client, site):
    response = client.get("/waits")
    assert response.status_code == 200
    assert policy_of(response) == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
        "connect-src": "'self' ws://localhost wss://localhost", "object-src": "'none'", "base-uri": "'none'",
        "form-action": "'self'", "frame-ancestors": "'none'"}
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_that_shows_a_new_api_token_is_never_stored(app, runtime, site):
    admin = signed_in(app, make_staff(runtime, [], role=Role.ADMIN, username="root"))
    admin.refresh_token("/admin/tokens")
    created = admin.post_form("/admin/tokens", {"user_id": str(site.ids["user_id"]), "name": "Counter 3 PC"})
    assert created.status_code in (302, 303)
    shown = admin.client.get("/admin/tokens")
    assert 'id="new-token"' in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    assert shown.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_staff_answers_are_never_stored(app, runtime, site):
    clerk = signed_in(app, site.members["clerk"])
    counter, office = site.ids["counter_id"], site.ids["office_id"]
    for url in ("/console/", f"/console/counters/{counter}", f"/console/counters/{counter}/state",
                f"/api/v1/offices/{office}/tickets"):
        response = clerk.client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


@pytest.mark.parametrize("url", ["/t/{token}", "/t/{token}/cancel", "/api/v1/ticket-status/{token}",
                                 "/kiosk/qr/{token}.svg", "/appointments/{booking}", "/appointments/{booking}/cancel"])
def test_answers_whose_url_carries_a_secret_token_send_no_referrer_and_are_never_stored(client, site, url):
    response = client.get(url.format(token=site.ids["token"], booking=site.booking_token))
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"  # the QR code's own 'private, max-age' included
    assert policy_of(response)["frame-ancestors"] == "'none'"


def test_static_files_keep_their_caching_and_get_the_policy(client):
    response = client.get("/static/error_page.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert policy_of(response)["script-src"] == "'self'"
    response.close()


def test_an_error_page_gets_the_headers(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert policy_of(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_host_header_that_is_not_a_plain_host_adds_no_websocket_source(client):
    response = client.get("/waits", headers={"Host": "evil.example; script-src *"})
    assert policy_of(response)["connect-src"] == "'self'"
    assert policy_of(response)["script-src"] == "'self'"


def test_the_lobby_display_refuses_framing_unless_waitwell_frame_ancestors_allows_it(client, runtime, site, tmp_path):
    display_url = f"/display/{site.ids['display_id']}"
    assert policy_of(client.get(display_url))["frame-ancestors"] == "'none'"

    embedding = app_with_frame_ancestors(runtime, tmp_path, f"'self' {INTRANET}").test_client()
    display = embedding.get(display_url)
    assert policy_of(display)["frame-ancestors"] == f"'self' {INTRANET}"
    assert "X-Frame-Options" not in display.headers
    for url in ("/waits", "/sign-in", f"/kiosk/{site.ids['kiosk_id']}", f"/t/{site.ids['token']}"):
        other = embedding.get(url)
        assert policy_of(other)["frame-ancestors"] == "'none'", url  # only the display may be embedded
        assert other.headers["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize("value", ["*; script-src *", "self", "https://a.example.gov, https://b.example.gov",
                                   "'none' https://a.example.gov", "'unsafe-inline'", "https://a.example.gov/'x'"])
def test_a_frame_ancestors_setting_waitwell_cannot_read_is_refused_by_name(runtime, tmp_path, monkeypatch, value):
    with pytest.raises(ConfigError, match="WAITWELL_FRAME_ANCESTORS"):
        app_with_frame_ancestors(runtime, tmp_path, value)
    monkeypatch.setenv("WAITWELL_FRAME_ANCESTORS", value)
    with pytest.raises(ConfigError, match="WAITWELL_FRAME_ANCESTORS"):
        check_environment()  # `waitwell serve` says it before starting any process
