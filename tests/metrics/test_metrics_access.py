"""/metrics names offices, services and printers: closed until the operator says who may read it, with a
bearer token (WAITWELL_METRICS_TOKEN) or the scrapers' addresses (WAITWELL_METRICS_ALLOW)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import make_office
from waitwell.app import create_app
from waitwell.config import Config, ConfigError, check_environment

OFFICE = "Hartford DMV"


@pytest.fixture
def office(runtime):
    return make_office(runtime, name=OFFICE)


def test_closed_until_configured_and_says_what_to_set(client: FlaskClient, office) -> None:
    response = client.get("/metrics")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "WAITWELL_METRICS_TOKEN" in text and "WAITWELL_METRICS_ALLOW" in text and "docs/deployment.md" in text
    assert OFFICE not in text
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_an_allow_list_of_addresses_opens_it_to_those_addresses(app: Flask, client: FlaskClient, office) -> None:
    app.config["WAITWELL_METRICS_ALLOW"] = "10.0.0.0/8, 192.0.2.7"
    refused = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert refused.status_code == 403 and "127.0.0.1 is not on WAITWELL_METRICS_ALLOW" in refused.get_data(as_text=True)
    for address in ("10.1.2.3", "192.0.2.7"):
        scraped = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert scraped.status_code == 200, address
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 403


def test_with_both_either_opens_it(app: Flask, client: FlaskClient, office) -> None:
    app.config.update(WAITWELL_METRICS_TOKEN="s3cret-scraper-token", WAITWELL_METRICS_ALLOW="10.0.0.0/8")
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-scraper-token"}).status_code == 200
    refused = client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert OFFICE not in refused.get_data(as_text=True)


def test_an_allow_list_that_cannot_be_read_stops_the_server_by_name(runtime, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WAITWELL_METRICS_ALLOW", "10.0.0.0/8, the office network")
    with pytest.raises(ConfigError, match="WAITWELL_METRICS_ALLOW"):
        check_environment()
    with pytest.raises(ConfigError, match="WAITWELL_METRICS_ALLOW"):
        create_app(Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                          secret_key="test-secret"), runtime=runtime)
