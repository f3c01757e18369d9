"""A seeded office with one of everything, and every page of the app as a URL with its real ids and the role
that may open it: the pages come from the app's url_map, so a new page is visited without being listed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import issue, make_staff, sign_in
from waitwell.app import create_app
from waitwell.appointments.page_helpers import stamp
from waitwell.config import Config
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import accounts, counter_sessions, displays, kiosks, printers
from waitwell.services.accounts import StaffMember
from waitwell.services.appointments import booking

BOOKED_AT = local("2026-03-10", "11:00")  # the tests' clock starts at 10:00 that Tuesday in New York
FREE_AT = local("2026-03-10", "11:30")
ROLES = ("anonymous", "clerk", "supervisor", "admin")
USERNAMES = {"clerk": "clerk-a", "supervisor": "supervisor-a", "admin": "admin"}


@dataclass(frozen=True)
class Site:
    """The seeded office's ids by URL argument name; the booking's token replaces the ticket's on its pages."""

    ids: dict[str, Any]
    booking_token: str
    members: dict[str, StaffMember]  # by role


@dataclass(frozen=True)
class Page:
    endpoint: str
    url: str
    role: str  # who opens it: one of ROLES


def seed_site(runtime: Runtime) -> Site:
    """A bookable office with a waiting ticket, a booking, a preview printer, a kiosk, a display, an API token,
    a clerk signed in at Counter 1, a supervisor of the office (and of a second one) and an admin."""
    bookable = make_bookable_office(runtime)
    office_id = bookable.office_id
    other = make_bookable_office(runtime, name="Norwich DMV")
    ticket = issue(runtime, bookable.service_id)[0]
    made = booking.book(runtime.uow(), service_id=bookable.service_id, starts_at=BOOKED_AT, booker=booker())
    printer = printers.add_printer(runtime.uow(), office_id=office_id, name="Lobby printer", connection="preview")
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office_id, name="Entrance",
                                  service_ids=[bookable.service_id, bookable.other_service_id], printer_id=printer.id)
    display = displays.register_display(runtime.uow(), office_id=office_id, name="Lobby")
    clerk = make_staff(runtime, [office_id], role=Role.CLERK, username=USERNAMES["clerk"])
    members = {"clerk": clerk, "admin": make_staff(runtime, [], role=Role.ADMIN, username=USERNAMES["admin"]),
               "supervisor": make_staff(runtime, [office_id, other.office_id], role=Role.SUPERVISOR,
                                        username=USERNAMES["supervisor"])}
    counter_id = bookable.office.counters["Counter 1"]
    counter_sessions.take_counter(runtime.uow(), counter_id=counter_id, user_id=clerk.id)
    accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="counter PC")
    ids = {"office_id": office_id, "counter_id": counter_id, "service_id": bookable.service_id,
           "kiosk_id": kiosk.id, "display_id": display.id, "printer_id": printer.id, "user_id": clerk.id,
           "ticket_id": ticket.id, "token": ticket.token, "day": BOOKED_AT.date().isoformat(), "at": stamp(FREE_AT),
           "job_id": 1, "other_office_id": other.office_id}
    return Site(ids, made.manage_token, members)


def app_with_frame_ancestors(runtime: Runtime, tmp_path: Path, frame_ancestors: str) -> Flask:
    """Another app on the same database whose WAITWELL_FRAME_ANCESTORS is `frame_ancestors`."""
    config = Config(instance_path=tmp_path / "framed", database_url=runtime.database_url, testing=True,
                    secret_key="test-secret", extra={"WAITWELL_FRAME_ANCESTORS": frame_ancestors})
    return create_app(config, runtime=runtime)


def role_of(app: Flask, rule: Rule) -> str:
    required = getattr(app.view_functions[rule.endpoint], "required_role", None)
    return "anonymous" if required is None else required.value


def url_of(rule: Rule, site: Site) -> str:
    values = {name: site.ids[name] for name in rule.arguments}
    if rule.endpoint.startswith("manage.") and "token" in values:
        values["token"] = site.booking_token
    return rule.build(values, append_unknown=False)[1]


def every_page(app: Flask, site: Site) -> list[Page]:
    """Every GET route that answers its role with HTML (or a redirect to a page), static files aside.

    Each URL is asked once through the test client as the role the route needs: a page that answers
    with an error means the seeded ids do not fit it, and fails here."""
    clients = {"anonymous": app.test_client()}
    for role, member in site.members.items():
        clients[role] = app.test_client()
        sign_in(clients[role], member)
    pages, wrong = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        page = Page(rule.endpoint, url_of(rule, site), role_of(app, rule))
        with clients[page.role].get(page.url, headers={"Accept": "text/html"}) as response:
            if response.status_code in (301, 302, 303, 307, 308):
                pages.append(page)
            elif response.mimetype == "text/html":
                (pages if response.status_code == 200 else wrong).append(page)
    assert not wrong, f"the seeded site does not fit these pages: {wrong}"
    return pages
