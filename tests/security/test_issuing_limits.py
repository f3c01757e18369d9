"""One script must not be able to fill an office's line: POST /api/v1/tickets needs staff credentials, is limited
per address and per office (counts shared by every process through Redis), and capped per office and day."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import issue, make_office, make_staff
from tests.kiosk.support import make_kiosk
from tests.support.processes import app_server
from waitwell.config import Config, ConfigError, check_environment
from waitwell.runtime import Runtime
from waitwell.services import accounts


def clerk_auth(runtime: Runtime, office_id: int, username: str = "desk") -> dict[str, str]:
    clerk = make_staff(runtime, [office_id], username=username)
    return {"Authorization": f"Bearer {accounts.create_api_token(runtime.uow(), user_id=clerk.id, name='desk')}"}


def waiting(client: FlaskClient, office_id: int) -> int:
    return sum(service["people_waiting"] for service in client.get(f"/api/v1/offices/{office_id}/services").get_json())


def test_150_anonymous_requests_from_one_address_issue_nothing(client: FlaskClient, runtime: Runtime) -> None:
    """The probe that took 150 tickets in 9 s: now every one is refused and the line is as it was."""
    office = make_office(runtime)
    issue(runtime, office.services["A"], 2)
    codes = {client.post("/api/v1/tickets", json={"service_id": office.services["A"]}).status_code
             for _ in range(150)}
    assert codes == {401}
    assert waiting(client, office.office_id) == 2


def test_a_token_from_one_address_is_held_to_the_address_limit(client: FlaskClient, runtime: Runtime) -> None:
    """The default limit: 10 in 10 seconds (30 a minute) from one address, whoever's token it carries."""
    office = make_office(runtime)
    auth = clerk_auth(runtime, office.office_id)
    answers = [client.post("/api/v1/tickets", json={"service_id": office.services["A"]}, headers=auth)
               for _ in range(150)]
    codes = [answer.status_code for answer in answers]
    assert codes[:10] == [201] * 10
    assert codes.count(201) <= 30 and set(codes) == {201, 429}
    refused = next(answer for answer in answers if answer.status_code == 429)
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_requests" and "from this address" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert waiting(client, office.office_id) == codes.count(201)


def test_the_office_limit_holds_across_addresses_and_spares_other_offices(app: Flask, client: FlaskClient,
                                                                         runtime: Runtime) -> None:
    office = make_office(runtime)
    other = make_office(runtime, name="New Haven DMV")
    app.config["ISSUE_LIMIT_PER_OFFICE"] = "5 per minute"
    auth, other_auth = clerk_auth(runtime, office.office_id), clerk_auth(runtime, other.office_id, "desk-2")

    def take(office_id: int, service_id: int, headers: dict[str, str], address: str) -> object:
        return client.post("/api/v1/tickets", json={"service_id": service_id}, headers=headers,
                           environ_base={"REMOTE_ADDR": address})

    codes = [take(office.office_id, office.services["A"], auth, f"10.0.0.{n}").status_code for n in range(1, 8)]
    assert codes == [201] * 5 + [429] * 2
    refused = take(office.office_id, office.services["A"], auth, "10.0.1.1")
    assert "in this office" in refused.get_json()["error"]["message"] and refused.headers["Retry-After"]
    assert take(other.office_id, other.services["A"], other_auth, "10.0.0.1").status_code == 201
    assert waiting(client, office.office_id) == 5


def test_the_daily_cap_counts_every_ticket_of_the_day_and_refuses_the_api_until_the_next(
        app: Flask, client: FlaskClient, runtime: Runtime) -> None:
    """Kiosk taps count towards the cap (the kiosk keeps issuing: it has its own limits); the API is refused
    with 429 until the office's next local day, then issues again."""
    setup = make_kiosk(runtime, printer=None)
    service_id = setup.office.services["A"]
    app.config["DAILY_TICKET_CAP"] = 3
    auth = clerk_auth(runtime, setup.office.office_id)

    def tap(key: str) -> int:
        return client.post(f"/api/v1/kiosks/{setup.kiosk.id}/tickets",
                           json={"service_id": service_id, "idempotency_key": key}).status_code

    assert [tap("cap-tap-0001"), tap("cap-tap-0002")] == [201, 201]
    assert client.post("/api/v1/tickets", json={"service_id": service_id}, headers=auth).status_code == 201
    refused = client.post("/api/v1/tickets", json={"service_id": service_id}, headers=auth)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "daily_ticket_cap_reached" and "3 tickets for today" in error["message"]
    assert int(refused.headers["Retry-After"]) == 14 * 3600  # 10:00 in New York: 14 hours to its midnight
    assert tap("cap-tap-0003") == 201
    assert waiting(client, setup.office.office_id) == 4

    runtime.clock.advance(hours=14)  # midnight in New York: a new day, a new count
    assert client.post("/api/v1/tickets", json={"service_id": service_id}, headers=auth).status_code == 201


def test_the_limits_and_the_cap_are_settings_that_refuse_typos(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path, runtime: Runtime) -> None:
    monkeypatch.setenv("WAITWELL_DAILY_TICKET_CAP", "2500")
    monkeypatch.setenv("WAITWELL_ISSUE_LIMIT_PER_OFFICE", "60 per minute")
    extra = Config.from_env(instance_path=tmp_path).extra
    assert (extra["DAILY_TICKET_CAP"], extra["ISSUE_LIMIT_PER_OFFICE"]) == (2500, "60 per minute")
    for name, typo in (("WAITWELL_DAILY_TICKET_CAP", "5k"), ("WAITWELL_ISSUE_LIMIT_PER_ADDRESS", "lots"),
                       ("WAITWELL_TOKEN_GUESS_LIMIT", "30 a minute")):
        monkeypatch.setenv(name, typo)
        with pytest.raises(ConfigError, match=name):
            check_environment()
        monkeypatch.delenv(name)
    from waitwell.app import create_app

    with pytest.raises(ConfigError, match="DAILY_TICKET_CAP"):
        create_app(Config(instance_path=tmp_path, database_url=runtime.database_url, testing=True,
                          secret_key="test-secret", extra={"DAILY_TICKET_CAP": 0}), runtime=runtime)


@pytest.mark.redis
@pytest.mark.slow
def test_two_server_processes_count_issuing_and_unknown_tokens_together(sqlite_url: str, redis_url: str,
                                                                       tmp_path: Path) -> None:
    """Requests spread over two processes meet the same limits: their counts are in Redis."""
    shared = Runtime(sqlite_url)
    office = make_office(shared)
    auth = clerk_auth(shared, office.office_id)
    (known,) = issue(shared, office.services["B"])
    channel = f"waitwell-test-{uuid.uuid4().hex[:12]}"
    try:
        with app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_a, \
                app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_b:
            both = [process_a, process_b]
            codes = [requests.post(f"{server.url}/api/v1/tickets", json={"service_id": office.services["A"]},
                                   headers=auth, timeout=10).status_code for server in both * 6]
            assert codes == [201] * 10 + [429, 429]  # the default 10 in 10 seconds, not 10 per process
            misses = [requests.get(f"{server.url}/api/v1/ticket-status/guess-{n}", timeout=10).status_code
                      for n, server in enumerate(both * 16)]
            assert misses == [404] * 30 + [429, 429]  # the default 30 a minute, counted together
            for server in both:
                status = requests.get(f"{server.url}/api/v1/ticket-status/{known.token}", timeout=10)
                assert (status.status_code, status.json()["number"]) == (200, "B001")
    finally:
        shared.dispose()
