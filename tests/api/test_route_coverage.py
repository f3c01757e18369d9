"""Every /api/v1 route is listed here with the test module that exercises it: a new route without tests fails."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

TESTS = Path(__file__).resolve().parent.parent

# "METHOD rule" -> the module whose tests call it (status, body and errors).
ROUTE_TESTS: dict[str, str] = {
    "GET /api/v1/offices": "api/test_public_api.py",
    "GET /api/v1/offices/<int:office_id>/services": "api/test_public_api.py",
    "POST /api/v1/tickets": "api/test_issue_api.py",
    "GET /api/v1/ticket-status/<token>": "api/test_public_api.py",
    "POST /api/v1/ticket-status/<token>/cancel": "api/test_public_api.py",
    "GET /api/v1/offices/<int:office_id>/counters": "api/test_counter_api.py",
    "GET /api/v1/counters/<int:counter_id>": "api/test_counter_api.py",
    "POST /api/v1/counters/<int:counter_id>/open": "api/test_counter_api.py",
    "POST /api/v1/counters/<int:counter_id>/pause": "api/test_counter_api.py",
    "POST /api/v1/counters/<int:counter_id>/close": "api/test_counter_api.py",
    "POST /api/v1/counters/<int:counter_id>/call-next": "api/test_counter_api.py",
    "POST /api/v1/counters/<int:counter_id>/call": "api/test_counter_api.py",
    "GET /api/v1/offices/<int:office_id>/tickets": "api/test_ticket_api.py",
    "GET /api/v1/tickets/<int:ticket_id>": "api/test_ticket_api.py",
    "POST /api/v1/tickets/<int:ticket_id>/recall": "api/test_ticket_api.py",
    "POST /api/v1/tickets/<int:ticket_id>/start": "api/test_ticket_api.py",
    "POST /api/v1/tickets/<int:ticket_id>/complete": "api/test_ticket_api.py",
    "POST /api/v1/tickets/<int:ticket_id>/no-show": "api/test_ticket_api.py",
    "POST /api/v1/tickets/<int:ticket_id>/transfer": "api/test_ticket_api.py",
    "POST /api/v1/auth/sign-in": "api/test_auth_api.py",
    "POST /api/v1/auth/sign-out": "api/test_auth_api.py",
    "GET /api/v1/auth/me": "api/test_auth_api.py",
    "POST /api/v1/auth/tokens": "api/test_auth_api.py",
    "POST /api/v1/offices": "api/test_setup_api.py",
    "POST /api/v1/offices/<int:office_id>/services": "api/test_setup_api.py",
    "PATCH /api/v1/services/<int:service_id>": "api/test_setup_api.py",
    "POST /api/v1/offices/<int:office_id>/counters": "api/test_setup_api.py",
    "POST /api/v1/offices/<int:office_id>/printers": "api/test_printing_api.py",
    "GET /api/v1/offices/<int:office_id>/printers": "api/test_printing_api.py",
    "POST /api/v1/offices/<int:office_id>/kiosks": "api/test_printing_api.py",
    "GET /api/v1/offices/<int:office_id>/print-jobs": "api/test_printing_api.py",
    "GET /api/v1/kiosks/<int:kiosk_id>/board": "kiosk/test_kiosk_endpoints.py",
    "POST /api/v1/kiosks/<int:kiosk_id>/tickets": "kiosk/test_kiosk_endpoints.py",
    "GET /api/v1/kiosks/<int:kiosk_id>/print-jobs/<int:job_id>": "kiosk/test_kiosk_endpoints.py",
    "POST /api/v1/kiosks/<int:kiosk_id>/appointments/check-in": "kiosk/test_kiosk_endpoints.py",
    "GET /api/v1/waits": "metrics/test_api.py",
    "GET /api/v1/offices/<int:office_id>/waits": "metrics/test_api.py",
    "GET /api/v1/offices/<int:office_id>/metrics/today": "metrics/test_api.py",
    "GET /api/v1/offices/<int:office_id>/reports": "metrics/test_api.py",
    "GET /api/v1/offices/<int:office_id>/reports.csv": "metrics/test_api.py",
    "POST /api/v1/offices/<int:office_id>/what-if": "metrics/test_api.py",
    "GET /api/v1/offices/<int:office_id>/appointments": "appointments/test_staff_api.py",
    "POST /api/v1/offices/<int:office_id>/appointments": "appointments/test_staff_api.py",
    "POST /api/v1/offices/<int:office_id>/appointments/blocks": "appointments/test_staff_api.py",
    "GET /api/v1/offices/<int:office_id>/appointments/no-show-rate": "appointments/test_staff_api.py",
    "GET /api/v1/openapi.json": "api/test_openapi.py",
    "GET /api/v1/docs": "api/test_openapi.py",
}


def served_routes(app: Flask) -> set[str]:
    return {f"{method} {rule.rule}" for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def url_pattern(rule: str) -> re.Pattern[str]:
    """A URL of `rule` as a test writes it: ids as values or {placeholders}, a last part maybe a placeholder."""
    parts = []
    for segment in rule.strip("/").split("/"):
        if segment.startswith("<"):
            parts.append(r"[^/\"'\s]+")
        else:
            parts.append(rf"(?:{re.escape(segment)}|\{{[^}}/]+\}})")
    return re.compile("/" + "/".join(parts) + r"(?=[\"'?])")


def test_every_api_route_is_listed_with_its_tests(app: Flask) -> None:
    served = served_routes(app)
    assert sorted(served - set(ROUTE_TESTS)) == [], "new routes: add each to ROUTE_TESTS with the tests that call it"
    assert sorted(set(ROUTE_TESTS) - served) == [], "routes that no longer exist: remove them from ROUTE_TESTS"


def test_each_listed_module_really_calls_its_route() -> None:
    missing = []
    for route, module in ROUTE_TESTS.items():
        source = TESTS / module
        rule = route.split(" ", 1)[1]
        if not source.exists() or not url_pattern(rule).search(source.read_text()):
            missing.append(f"{route} in tests/{module}")
    assert missing == []
