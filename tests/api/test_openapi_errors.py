"""The OpenAPI document declares the errors the API really answers, `{"error": {"code", "message"}}`, and a
method an address does not take is a 405 that says which ones it does (`Allow`)."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from flask.testing import FlaskClient

from tests.factories import make_office, make_staff, sign_in
from waitwell.persistence import Role


def error_validator(document: dict[str, Any], reference: str) -> Any:
    """A JSON Schema validator for one of the document's responses (its application/json body)."""
    response = document["components"]["responses"][reference.rsplit("/", 1)[-1]]
    body = response["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({**body, "components": document["components"]})


def test_every_operation_documents_the_real_error_body(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and set(error["properties"]) == {"error"}
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert detail["required"] == ["code", "message"]
    assert detail["properties"]["code"]["type"] == detail["properties"]["message"]["type"] == "string"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                default = operation["responses"]["default"]["$ref"]
                assert error_validator(document, default).is_valid({"error": {"code": "x", "message": "y"}})
                assert not error_validator(document, default).is_valid(
                    {"code": 404, "status": "Not Found", "message": "y"}), f"{method} {path}: flask-smorest's own"


@pytest.mark.parametrize("request_args, status", [
    (("GET", "/api/v1/offices/999999/services"), 404),
    (("POST", "/api/v1/tickets", {"json": {"service_id": "three"}}), 422),
    (("POST", "/api/v1/tickets", {"data": "{not json", "content_type": "application/json"}), 400),
    (("POST", "/api/v1/counters/999999/call-next"), 404),
    (("PATCH", "/api/v1/tickets"), 405),
])
def test_real_error_answers_match_the_documented_schema(client, runtime, request_args, status) -> None:
    office = make_office(runtime)
    sign_in(client, make_staff(runtime, [office.office_id], role=Role.ADMIN))
    document = client.get("/api/v1/openapi.json").get_json()
    method, url, *options = request_args
    response = client.open(url, method=method, **(options[0] if options else {}))
    assert response.status_code == status, response.get_json()
    error_validator(document, "DEFAULT_ERROR").validate(response.get_json())


def test_an_anonymous_refusal_matches_the_documented_schema(client: FlaskClient, runtime) -> None:
    office = make_office(runtime)
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get(f"/api/v1/offices/{office.office_id}/metrics/today")
    assert response.status_code == 401
    error_validator(document, "DEFAULT_ERROR").validate(response.get_json())


def test_a_method_an_api_address_does_not_take_is_a_405_naming_the_ones_it_does(client: FlaskClient) -> None:
    response = client.patch("/api/v1/tickets", json={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert response.get_json() == {"error": {"code": "method_not_allowed",
                                             "message": "PATCH: this method is not allowed here; use POST"}}
    listed = client.delete("/api/v1/waits")
    assert listed.status_code == 405 and {"GET", "HEAD"} <= set(listed.headers["Allow"].split(", "))


def test_a_staff_address_answers_405_with_allow_too(client: FlaskClient, runtime) -> None:
    office = make_office(runtime)
    sign_in(client, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR))
    response = client.put(f"/api/v1/offices/{office.office_id}/metrics/today")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"

