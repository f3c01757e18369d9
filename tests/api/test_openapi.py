"""The API describes itself: an OpenAPI document with every route, and browsable docs served by the app."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

DOCUMENTATION = {"/api/v1/openapi.json", "/api/v1/docs"}


def api_routes(app: Flask) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every /api/v1 route the app serves."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.rule not in DOCUMENTATION:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_lists_every_route(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Waitwell"
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations
                  if method in {"get", "post", "put", "patch", "delete"}}
    assert api_routes(app) - documented == set(), "routes missing from the OpenAPI document"
    assert documented - api_routes(app) == set(), "documented routes the app does not serve"


def test_every_operation_is_described_and_says_what_it_returns(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            assert operation.get("summary") or operation.get("description"), f"{method} {path} has no description"
            assert any(code.startswith("2") for code in operation["responses"]), f"{method} {path}"


def test_staff_operations_declare_their_authentication(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {"type": "http", "scheme": "bearer"}
    call_next = document["paths"]["/api/v1/counters/{counter_id}/call-next"]["post"]
    assert {"bearerToken": []} in call_next["security"]
    assert document["paths"]["/api/v1/offices"]["get"].get("security") is None, "listing offices is public"


def test_request_bodies_are_documented_with_their_required_fields(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert schema["required"] == ["service_id"]
    assert schema["properties"]["service_id"]["type"] == "integer"


def test_the_browsable_docs_respond_and_load_the_document(client: FlaskClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "swagger-ui" in page.lower()
    assert "/api/v1/openapi.json" in page
    assert "cdn" not in page.lower() and "https://" not in page, "the docs work offline, from vendored files"
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert assets, "the page loads Swagger UI from our static files"
    for asset in assets:
        with client.get(asset) as loaded:
            assert loaded.status_code == 200, asset
