"""The README's walkthrough against a real `waitwell demo` process, with nothing but HTTP requests."""

from __future__ import annotations

import pytest
import requests

from tests.cli.conftest import DemoServer

pytestmark = pytest.mark.slow


def test_the_demo_prints_how_to_sign_in_and_copy_paste_curl_examples(demo_server: DemoServer) -> None:
    printed = demo_server.output
    assert "created now" in printed
    for username in ("demo-admin", "demo-supervisor", "demo-clerk"):
        assert username in printed
    assert f"export WW={demo_server.base_url}/api/v1 TOKEN={demo_server.token}" in printed
    assert "curl -s -X POST $WW/counters/1/call-next -H \"Authorization: Bearer $TOKEN\"" in printed
    assert f"API documentation: {demo_server.base_url}/api/v1/docs" in printed


def test_list_issue_sign_in_call_and_complete_like_the_readme(demo_server: DemoServer) -> None:
    api = f"{demo_server.base_url}/api/v1"
    office = demo_server.office_id

    offices = requests.get(f"{api}/offices", timeout=5).json()
    assert [o["name"] for o in offices] == ["Hartford DMV (demo)"]
    services = requests.get(f"{api}/offices/{office}/services", timeout=5).json()
    renewal = next(s for s in services if s["name"] == "Licence renewal")

    anonymous = requests.post(f"{api}/tickets", json={"service_id": renewal["id"]}, timeout=5)
    assert anonymous.status_code == 401  # visitors take tickets at the kiosk; a desk or integration signs in
    bearer = {"Authorization": f"Bearer {demo_server.token}"}
    issued = requests.post(f"{api}/tickets", json={"service_id": renewal["id"]}, headers=bearer, timeout=5)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()
    assert ticket["number"] == "L001"
    assert ticket["status_url"] == f"{demo_server.base_url}/t/{ticket['token']}"

    clerk = requests.Session()
    signed_in = clerk.post(f"{api}/auth/sign-in", timeout=5,
                           json={"username": demo_server.clerk_username, "password": demo_server.clerk_password})
    assert signed_in.status_code == 200, signed_in.text
    counters = clerk.get(f"{api}/offices/{office}/counters", timeout=5).json()
    counter = next(c for c in counters if c["name"] == "Counter 1")

    opened = requests.post(f"{api}/counters/{counter['id']}/open", headers=bearer, timeout=5)
    assert opened.json()["state"] == "open"
    called = requests.post(f"{api}/counters/{counter['id']}/call-next", headers=bearer, timeout=5)
    assert called.status_code == 200, called.text
    assert called.json()["number"] == "L001"
    assert called.json()["counter_name"] == "Counter 1"

    status = requests.get(f"{api}/ticket-status/{ticket['token']}", timeout=5).json()
    assert status["state"] == "called"

    completed = requests.post(f"{api}/tickets/{ticket['id']}/complete", headers=bearer, timeout=5)
    assert completed.status_code == 200, completed.text
    assert completed.json()["state"] == "done"
    assert requests.get(f"{api}/ticket-status/{ticket['token']}", timeout=5).json()["state"] == "done"


def test_staff_calls_without_credentials_are_refused(demo_server: DemoServer) -> None:
    refused = requests.post(f"{demo_server.base_url}/api/v1/counters/1/call-next", timeout=5)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_signed_in"
