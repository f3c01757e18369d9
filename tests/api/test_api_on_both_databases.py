"""The checks whose answer depends on the database, on SQLite and on PostgreSQL: PostgreSQL's INTEGER is
32-bit and refuses what SQLite would store, so a value that passes on one may crash the other."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import Hartford
from tests.api.support import assert_error
from waitwell.runtime import Runtime


@pytest.fixture
def runtime(any_runtime: Runtime) -> Runtime:
    """This module's app, office and staff live on SQLite, then on PostgreSQL."""
    return any_runtime


def route_probes(app: Flask) -> list[tuple[str, str]]:
    """Every /api/v1 route and method, with odd values in its URL: unknown, too large and garbage ids."""
    probes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for value_index in range(3):
                def value(match: re.Match[str], index: int = value_index) -> str:
                    if match.group(1) == "int":
                        return ("4040", str(2**31), str(10**30))[index]
                    return ("unknown", "x" * 300, "%00%ff")[index]

                probes.append((method, re.sub(r"<(?:(\w+):)?\w+>", value, rule.rule)))
    return sorted(set(probes))


BODIES = [None, {}, {"id": 2**40, "service_id": -1, "name": "x" * 10_000}, "garbage"]


def test_no_route_answers_500_whatever_it_is_sent(app: Flask, client: FlaskClient, hartford: Hartford,
                                                  admin_auth: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    """A sweep over every API route (new ones included) as anonymous and as an administrator."""
    failures = []
    with caplog.at_level(logging.ERROR):
        for method, url in route_probes(app):
            for headers in ({}, admin_auth):
                for body in BODIES:
                    kwargs = {"data": body, "content_type": "application/json"} if body == "garbage" else {"json": body}
                    response = client.open(url, method=method, headers=headers, **kwargs)
                    if response.status_code >= 500 or (response.status_code >= 400 and not response.is_json):
                        failures.append((method, url[:80], bool(headers), str(body)[:40], response.status_code))
    assert failures == [], "\n".join(map(str, failures))
    assert "unhandled error" not in caplog.text


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("PATCH", "/api/v1/services/{service}", {"display_order": 2**40}, "display_order"),
    ("PATCH", "/api/v1/services/{service}", {"target_wait_minutes": 2**31}, "target_wait_minutes"),
    ("POST", "/api/v1/offices/{office}/services", {"name": "X", "prefix": "X", "target_wait_minutes": 2**40},
     "target_wait_minutes"),
    ("POST", "/api/v1/offices/{office}/counters", {"name": "Counter 9", "service_ids": [2**40]}, "service_ids.0"),
    ("POST", "/api/v1/tickets", {"service_id": -(2**40)}, "service_id"),
    ("POST", "/api/v1/counters/{counter}/call", {"ticket_id": 2**40}, "ticket_id"),
    ("POST", "/api/v1/tickets/1/transfer", {"service_id": 2**40}, "service_id"),
])
def test_integers_too_large_for_the_database_are_refused_by_name(client: FlaskClient, hartford: Hartford,
                                                                 admin_auth: dict[str, str], method: str, path: str,
                                                                 body: dict, field: str) -> None:
    url = path.format(service=hartford.office.services["A"], office=hartford.office.office_id,
                      counter=hartford.office.counters["Counter 1"])
    assert_error(client.open(url, method=method, json=body, headers=admin_auth), 422, "invalid_request",
                 f"{field}: Must be greater than or equal to -2147483648 and less than or equal to 2147483647.")
