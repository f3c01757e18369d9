"""The kiosk endpoints' rate limit: per kiosk and address, shared by processes through Redis, never a lost
ticket when its counts cannot be reached; and no limit bookkeeping on requests that have no limit."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.kiosk.support import make_kiosk
from tests.support.ports import free_port
from tests.support.processes import app_server
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.runtime import Runtime
from waitwell.web_common.rate_limits import limiter


def tap_status(client: FlaskClient, kiosk_id: int, service_id: int, key: str) -> int:
    return client.post(f"/api/v1/kiosks/{kiosk_id}/tickets",
                       json={"service_id": service_id, "idempotency_key": key}).status_code


def test_one_kiosk_over_its_limit_leaves_the_others_taking_tickets(runtime: Runtime, app: Flask,
                                                                   client: FlaskClient) -> None:
    first = make_kiosk(runtime, printer=None, name="Entrance")
    second = make_kiosk(runtime, printer=None, office=first.office, name="Upstairs")
    service_id = first.office.services["A"]
    app.config["KIOSK_TAP_LIMIT"] = "3 per minute"
    assert [tap_status(client, first.kiosk.id, service_id, f"first-{i:04d}") for i in range(4)] == [201] * 3 + [429]
    assert tap_status(client, second.kiosk.id, service_id, "second-0001") == 201  # same address, other kiosk


def test_the_shortest_window_is_counted_first_and_a_refusal_counts_no_further(runtime: Runtime, app: Flask,
                                                                               client: FlaskClient) -> None:
    """As Flask-Limiter does: taps refused by the 10-second limit do not use up the hour's, so it is the
    10-second limit that keeps refusing, and its own window says when to come back."""
    setup = make_kiosk(runtime, printer=None)
    app.config["KIOSK_TAP_LIMIT"] = "3 per hour;2 per 10 seconds"
    codes = [tap_status(client, setup.kiosk.id, setup.office.services["A"], f"short-{i:04d}") for i in range(4)]
    assert codes == [201, 201, 429, 429]
    refused = client.post(f"/api/v1/kiosks/{setup.kiosk.id}/tickets",
                          json={"service_id": setup.office.services["A"], "idempotency_key": "short-9999"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["limit"] == "2 per 10 second"
    assert 1 <= int(refused.headers["Retry-After"]) <= 10


def test_with_rate_limits_switched_off_every_tap_is_served(runtime: Runtime, tmp_path: Path) -> None:
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret", extra={"RATELIMIT_ENABLED": False, "KIOSK_TAP_LIMIT": "2 per minute"})
    client = create_app(config, runtime=runtime).test_client()
    setup = make_kiosk(runtime, printer=None)
    assert {tap_status(client, setup.kiosk.id, setup.office.services["A"], f"off-{i:04d}") for i in range(4)} == {201}


def test_a_kiosk_gets_its_ticket_when_the_limit_counts_cannot_be_reached(runtime: Runtime, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The counts' store is down (nothing listens where Redis should be): the tap is not refused for that."""
    config = Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret", extra={"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"})
    app = create_app(config, runtime=runtime)
    setup = make_kiosk(runtime, printer=None)
    with caplog.at_level(logging.ERROR, logger="waitwell.api.rate_limits"):
        assert tap_status(app.test_client(), setup.kiosk.id, setup.office.services["A"], "store-down-01") == 201
    assert "could not be counted" in caplog.text


def test_requests_to_routes_without_limits_skip_the_limiter(app: Flask) -> None:
    """Flask-Limiter's pass before every request looks for limits Waitwell never sets (35 µs a request)."""
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


@pytest.mark.redis
@pytest.mark.slow
def test_two_server_processes_count_a_kiosk_s_taps_together(sqlite_url: str, redis_url: str,
                                                            tmp_path: Path) -> None:
    """The default limit (10 taps per 10 seconds) holds for the kiosk whichever process its taps reach."""
    shared = Runtime(sqlite_url)
    setup = make_kiosk(shared, printer=None)
    channel = f"waitwell-test-{uuid.uuid4().hex[:12]}"
    path = f"/api/v1/kiosks/{setup.kiosk.id}/tickets"
    try:
        with app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_a, \
                app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_b:
            codes = [requests.post(f"{server.url}{path}", timeout=10,
                                   json={"service_id": setup.office.services["A"],
                                         "idempotency_key": f"two-processes-{i:04d}"}).status_code
                     for i, server in enumerate([process_a, process_b] * 6)]
        assert codes == [201] * 10 + [429, 429]
    finally:
        shared.dispose()
