"""The route audit: every route of the whole app is either on the public list below or refuses
anonymous callers, staff of a lower role and staff of another office.

A new route that is neither listed here nor decorated with `staff_required(role)` fails this test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from tests.factories import issue, make_office, make_staff, sign_in
from waitwell.persistence import Role
from waitwell.services import accounts, displays, kiosks, printers
from waitwell.services.access import OFFICE_SCOPED_ARGUMENTS

# Endpoint -> why anyone may call it. Keep the reason honest: this list is the attack surface.
PUBLIC: dict[str, str] = {
    "static": "the app's static files (CSS, vendored JS)",
    "auth_pages.static": "staff pages' CSS and scripts (no data)",
    "console.static": "the console's CSS and script (no data)",
    "auth_pages.sign_in": "the sign-in page",
    "auth_pages.sign_out": "signing out; for an anonymous caller it does nothing",
    "auth.sign_in": "JSON sign-in (growing delays after failures, never a lock)",
    "auth.sign_out": "JSON sign-out",
    "api-docs.openapi_json": "the API description",
    "api-docs.openapi_swagger_ui": "the API browser",
    "public.list_offices": "offices, for kiosks, displays and phones",
    "public.list_services": "services and their lines, for kiosks and phones",
    "public.ticket_status": "a ticket holder's status, by the ticket's secret token",
    "public.cancel_ticket": "a ticket holder gives up their place, by the ticket's secret token",
    "kiosk.show_kiosk": "the kiosk page on the lobby touchscreen",
    "kiosk.qr_code": "the QR code of a ticket's status page, by its token",
    "kiosk.static": "the kiosk's CSS and script",
    "kiosks.board": "what a kiosk shows (services, waits)",
    "kiosks.tap": "a kiosk tap issues a ticket (idempotency key, rate-limited)",
    "kiosks.print_outcome": "whether a kiosk's ticket printed",
    "kiosks.check_in": "appointment check-in at a kiosk",
    "booking.choose_office": "appointments: offices that take bookings",
    "booking.choose_service": "appointments: an office's bookable services",
    "booking.choose_day": "appointments: days with free slots",
    "booking.choose_time": "appointments: a day's free slots",
    "booking.details": "appointments: booking a slot without an account (rate-limited per address)",
    "booking.static": "the booking pages' CSS",
    "manage.show_booking": "a booker's own page, by the booking's secret token",
    "manage.calendar": "a booking's .ics file, by the booking's secret token",
    "manage.cancel": "a booker cancels, by the booking's secret token",
    "manage.reschedule": "a booker moves the appointment, by the booking's secret token",
    "manage.check_in_here": "a booker checks in from the phone, by the booking's secret token",
    "manage.take_walk_in_ticket": "a booker too late for check-in takes a ticket, by the booking's secret token",
    "display.show_display": "the lobby display page",
    "display.chime": "the display's chime sound",
    "display.static": "the display's CSS and script",
    "status_page.show_status": "the citizen's status page, by the ticket's secret token",
    "status_page.confirm_cancel": "the citizen's cancel page, by the ticket's secret token",
    "status_page.cancel": "the citizen cancels, by the ticket's secret token",
    "status_page.rate": "the citizen rates the service, by the ticket's secret token",
    "status_page.static": "the status page's CSS and script",
    "status_page.service_worker": "the status page's service worker script",
    "metrics.list_waits": "posted waits of every office (published like a DMV's lobby figure)",
    "metrics.get_office_waits": "an office's posted waits",
    "waits.waits": "the public page of posted waits",
    "waits.home": "the site's bare address: a redirect to the posted waits",
    "waits.static": "that page's CSS and script",
    "dashboard.static": "the supervisor dashboard's CSS and script (its data needs a supervisor)",
    "prometheus_metrics": "Prometheus scrape; 403 until WAITWELL_METRICS_TOKEN or WAITWELL_METRICS_ALLOW is set",
}

SAFE = {"GET", "HEAD", "OPTIONS"}


@dataclass
class World:
    """Office A with one of everything, office B with staff of its own."""

    ids: dict[str, Any]
    clients: dict[str, Any]


@pytest.fixture
def world(app: Flask, runtime) -> World:
    office = make_office(runtime)
    other = make_office(runtime, name="Norwich DMV", services=(("Registration", "R"),), counters={"Desk 1": ["R"]})
    ticket = issue(runtime, office.services["A"])[0]
    printer = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Lobby printer", connection="file",
                                   settings={"device_path": "/dev/usb/lp0"})
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                  service_ids=[office.services["A"]], printer_id=printer.id)
    display = displays.register_display(runtime.uow(), office_id=office.office_id, name="Lobby")
    members = {
        "clerk": make_staff(runtime, [office.office_id], role=Role.CLERK, username="clerk-a"),
        "supervisor": make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="supervisor-a"),
        "admin": make_staff(runtime, [], role=Role.ADMIN, username="admin"),
        "other_clerk": make_staff(runtime, [other.office_id], role=Role.CLERK, username="clerk-b"),
        "other_supervisor": make_staff(runtime, [other.office_id], role=Role.SUPERVISOR, username="supervisor-b"),
    }
    token_id = _first_token_id(runtime, members["clerk"].id)
    clients = {"anonymous": app.test_client()}
    for name, member in members.items():
        client = app.test_client()
        sign_in(client, member)
        clients[name] = client
    ids = {
        "office_id": office.office_id, "counter_id": office.counters["Counter 1"], "ticket_id": ticket.id,
        "service_id": office.services["A"], "kiosk_id": kiosk.id, "display_id": display.id,
        "printer_id": printer.id, "user_id": members["clerk"].id, "token_id": token_id, "token": ticket.token,
        "action": "call-next", "filename": "nothing.css",
    }
    return World(ids, clients)


def _first_token_id(runtime, user_id: int) -> int:
    from waitwell.persistence import ApiToken

    accounts.create_api_token(runtime.uow(), user_id=user_id, name="counter PC")
    with runtime.uow() as uow:
        return uow.session.query(ApiToken.id).filter_by(user_id=user_id).scalar()


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def _required_role(app: Flask, rule: Rule) -> Role | None:
    return getattr(app.view_functions[rule.endpoint], "required_role", None)


def _url(rule: Rule, ids: dict[str, Any]) -> str:
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        else:
            values[name] = 1 if isinstance(rule._converters.get(name), IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _call(client, method: str, url: str):
    kwargs: dict[str, Any] = {"method": method}
    if method not in SAFE:
        kwargs["json"] = {}
    return client.open(url, **kwargs)


def _refused_as_anonymous(response) -> bool:
    if response.status_code == 401:
        return True
    return response.status_code in (302, 303) and "/sign-in" in response.headers.get("Location", "")


def unprotected_routes(app: Flask) -> list[str]:
    return [f"{rule.rule} ({rule.endpoint})" for rule in _rules(app)
            if rule.endpoint not in PUBLIC and _required_role(app, rule) is None]


def test_every_route_is_public_or_protected(app: Flask):
    unprotected = unprotected_routes(app)
    assert not unprotected, (
        "routes neither on the public list of tests/security/test_route_audit.py nor protected by "
        f"staff_required(role): {unprotected}"
    )


def test_a_new_route_that_is_neither_listed_nor_protected_is_caught(app: Flask):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert unprotected_routes(app) == ["/forgotten (forgotten)"]


def test_the_public_list_has_no_stale_entries(app: Flask):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not (set(PUBLIC) - endpoints), "endpoints on the public list that no longer exist"


def test_protected_routes_refuse_anonymous_callers(app: Flask, world: World):
    wrong = []
    for rule in _rules(app):
        if _required_role(app, rule) is None:
            continue
        for method in _methods(rule):
            response = _call(world.clients["anonymous"], method, _url(rule, world.ids))
            if not _refused_as_anonymous(response):
                wrong.append(f"{method} {rule.rule}: {response.status_code}")
    assert not wrong, f"anonymous callers were not refused: {wrong}"


def test_protected_routes_refuse_lower_roles(app: Flask, world: World):
    wrong, checked = [], 0
    for rule in _rules(app):
        required = _required_role(app, rule)
        if required is None:
            continue
        for lower in (role for role in Role if not role.includes(required)):
            for method in _methods(rule):
                checked += 1
                response = _call(world.clients[lower.value], method, _url(rule, world.ids))
                if response.status_code != 403:
                    wrong.append(f"{method} {rule.rule} as {lower.value}: {response.status_code}")
    assert checked > 0
    assert not wrong, f"staff below the required role were not refused: {wrong}"


def test_office_scoped_routes_refuse_staff_of_another_office(app: Flask, world: World):
    wrong, checked = [], 0
    for rule in _rules(app):
        required = _required_role(app, rule)
        if required is None or required == Role.ADMIN:
            continue  # an admin acts in every office
        if not set(rule.arguments) & set(OFFICE_SCOPED_ARGUMENTS):
            continue  # not about one office: such pages list only the caller's offices (tested with each page)
        outsider = world.clients["other_clerk" if required == Role.CLERK else "other_supervisor"]
        for method in _methods(rule):
            checked += 1
            response = _call(outsider, method, _url(rule, world.ids))
            if response.status_code != 403:
                wrong.append(f"{method} {rule.rule}: {response.status_code}")
    assert checked > 10
    assert not wrong, f"staff of another office were not refused: {wrong}"


def test_the_right_staff_get_through_on_every_read(app: Flask, world: World):
    """A control: the URLs built above are real, so the refusals are not about a wrong URL."""
    wrong = []
    by_role = {Role.CLERK: "clerk", Role.SUPERVISOR: "supervisor", Role.ADMIN: "admin"}
    for rule in _rules(app):
        required = _required_role(app, rule)
        if required is None or "GET" not in _methods(rule):
            continue
        response = _call(world.clients[by_role[required]], "GET", _url(rule, world.ids))
        if response.status_code in (401, 403) or response.status_code >= 500:
            wrong.append(f"GET {rule.rule} as {by_role[required]}: {response.status_code}")
    assert not wrong, f"allowed staff were refused or failed: {wrong}"
