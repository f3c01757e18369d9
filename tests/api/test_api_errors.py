"""Whatever a client sends, the API answers with a 4xx that says what is wrong, in one JSON shape, never a 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Hartford
from tests.api.support import assert_error

# Endpoints that read a JSON body, with a body they accept (ids filled in from the Hartford office).
JSON_ENDPOINTS = [
    ("POST", "/api/v1/tickets"),
    ("POST", "/api/v1/counters/{counter}/call"),
    ("POST", "/api/v1/tickets/{ticket}/transfer"),
    ("POST", "/api/v1/auth/sign-in"),
    ("POST", "/api/v1/auth/tokens"),
]


def fill(path: str, hartford: Hartford) -> str:
    return path.format(counter=hartford.office.counters["Counter 1"], ticket=1)


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS, ids=[p for _, p in JSON_ENDPOINTS])
@pytest.mark.parametrize("body", ['{"service_id": 1', "{'single': 'quotes'}", "not json at all", "{,}"])
def test_malformed_json_is_a_400_that_says_so(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str],
                                              method: str, path: str, body: str) -> None:
    response = client.open(fill(path, hartford), method=method, data=body, content_type="application/json",
                           headers=admin_auth)
    assert_error(response, 400, "invalid_request", "Invalid JSON body")


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS, ids=[p for _, p in JSON_ENDPOINTS])
@pytest.mark.parametrize("body", [[1, 2], "a string", 42, None])
def test_a_json_body_that_is_not_an_object_is_refused(client: FlaskClient, hartford: Hartford,
                                                      admin_auth: dict[str, str], method: str, path: str,
                                                      body: object) -> None:
    response = client.open(fill(path, hartford), method=method, json=body, headers=admin_auth)
    if body is None:  # `null`: as good as no body, so the required fields are missing
        assert_error(response, 422, "invalid_request", "Missing data for required field.")
    else:
        assert_error(response, 422, "invalid_request", "request body: must be a JSON object of named fields")


def test_a_form_post_instead_of_json_names_the_missing_fields(client: FlaskClient, hartford: Hartford,
                                                              admin_auth: dict[str, str]) -> None:
    response = client.post("/api/v1/tickets", data={"service_id": "1"}, headers=admin_auth)
    assert_error(response, 422, "invalid_request", "service_id: Missing data for required field.")


@pytest.mark.parametrize(("body", "mention"), [
    ({}, "service_id: Missing data for required field."),
    ({"service_id": "1"}, "service_id: Not a valid integer."),
    ({"service_id": 1.5}, "service_id: Not a valid integer."),
    ({"service_id": True}, "service_id: Not a valid integer."),
    ({"service_id": None}, "service_id: Field may not be null."),
    ({"service_id": 1, "vip": True}, "vip: Unknown field."),
])
def test_issuing_names_the_faulty_field(client: FlaskClient, hartford: Hartford, admin_auth: dict[str, str],
                                        body: dict, mention: str) -> None:
    error = assert_error(client.post("/api/v1/tickets", json=body, headers=admin_auth), 422, "invalid_request",
                         mention)
    assert error["fields"]  # the same, field by field, for programs


def test_an_unknown_api_address_is_a_json_404(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/queues"), 404, "not_found", "not found")


def test_a_wrong_method_is_a_json_405(client: FlaskClient) -> None:
    assert_error(client.delete("/api/v1/tickets"), 405, "method_not_allowed", "method is not allowed")
    assert_error(client.put("/api/v1/offices"), 405, "method_not_allowed")
