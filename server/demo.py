"""The demo office `waitwell demo` loads: a DMV branch with five services, eight counters and three staff.

Loading is idempotent: the office is recognised by its name, and when it exists nothing is added.
Passwords and the clerk's API token are random for each new demo database and kept in a
credentials file in the instance folder (mode 600), so every start can print them again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from waitwell.domain.states import CounterState
from waitwell.persistence import Role
from waitwell.runtime import Runtime
from waitwell.services import accounts, admin_views, displays, kiosks, offices, printers, queries
from waitwell.services.appointments import setup as appointment_setup

OFFICE_NAME = "Hartford DMV (demo)"
TIMEZONE = "America/New_York"
OPENING_HOURS = {
    **{day: [["08:00", "16:30"]] for day in ("mon", "tue", "wed", "fri")},
    "thu": [["08:00", "18:00"]],
    "sat": [["08:00", "12:00"]],
}


@dataclass(frozen=True)
class DemoService:
    name: str
    prefix: str
    target_wait_minutes: int
    description: str
    priority_weight: float = 1.0


SERVICES = (
    DemoService("Licence renewal", "L", 20, "Renew a driver licence or ID card, or replace a lost one."),
    DemoService("Registration", "R", 15, "Register a vehicle, renew a registration or replace plates."),
    DemoService("New licence", "N", 30, "First licence, learner's permit, or a licence from another state."),
    DemoService("Title", "T", 25, "Transfer a vehicle title, record or release a lien, duplicate titles."),
    DemoService("Road-test check-in", "RT", 10, "Booked a road test? Check in here with your car and papers.", 1.5),
)

# Counters serve overlapping sets of services, as in a real branch; four are open, one is on a break.
COUNTERS: tuple[tuple[str, tuple[str, ...], CounterState], ...] = (
    ("Counter 1", ("L", "R"), CounterState.OPEN),
    ("Counter 2", ("L", "R", "T"), CounterState.OPEN),
    ("Counter 3", ("L", "N"), CounterState.OPEN),
    ("Counter 4", ("N", "L"), CounterState.CLOSED),
    ("Counter 5", ("R", "T"), CounterState.PAUSED),
    ("Counter 6", ("T",), CounterState.CLOSED),
    ("Counter 7", ("RT", "N"), CounterState.OPEN),
    ("Counter 8", ("RT",), CounterState.CLOSED),
)

BOOKABLE = ("L", "RT")  # services citizens can book online; the others take walk-ins only

STAFF: tuple[tuple[str, Role, str], ...] = (
    ("demo-admin", Role.ADMIN, "Demo Admin"),
    ("demo-supervisor", Role.SUPERVISOR, "Demo Supervisor"),
    ("demo-clerk", Role.CLERK, "Demo Clerk"),
)
CLERK_TOKEN_NAME = "demo: curl examples"


class DemoCredentialsMissing(Exception):
    """The demo office exists but the file with its passwords is gone."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    password: str


@dataclass(frozen=True)
class DemoCredentials:
    office_id: int
    accounts: tuple[DemoAccount, ...]
    clerk_token: str

    def account(self, role: Role) -> DemoAccount:
        return next(a for a in self.accounts if a.role == role.value)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2))
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> DemoCredentials:
        raw = json.loads(path.read_text())
        return cls(raw["office_id"], tuple(DemoAccount(**a) for a in raw["accounts"]), raw["clerk_token"])


@dataclass(frozen=True)
class DemoOffice:
    """What the demo prints: the office, its services and counters by name, and how to sign in."""

    credentials: DemoCredentials
    created: bool
    service_ids: dict[str, int]  # by service name
    counter_ids: dict[str, int]  # by counter name
    kiosk_ids: tuple[int, ...] = ()
    display_ids: tuple[int, ...] = ()


def load_demo(runtime: Runtime, credentials_file: Path) -> DemoOffice:
    """Create the demo office and staff unless they exist; return them with their credentials."""
    existing = next((o for o in offices.list_offices(runtime.uow(read_only=True)) if o.name == OFFICE_NAME), None)
    if existing is None:
        credentials = _create_demo(runtime)
        credentials.save(credentials_file)
    elif credentials_file.exists():
        credentials = DemoCredentials.load(credentials_file)
    else:
        raise DemoCredentialsMissing(
            f"the demo office exists but {credentials_file} with its passwords is gone: start over with --reset"
        )
    office_id = credentials.office_id
    services = queries.services_with_waiting(runtime.uow(read_only=True), office_id=office_id)
    counters = queries.counters_of(runtime.uow(read_only=True), office_id=office_id)
    kiosk_ids = tuple(k.id for k in admin_views.kiosks_of(runtime.uow(read_only=True), office_id=office_id))
    display_ids = tuple(d.id for d in displays.displays_of(runtime.uow(read_only=True), office_id=office_id))
    return DemoOffice(credentials, existing is None, {s.name: s.id for s, _ in services},
                      {c.name: c.id for c in counters}, kiosk_ids, display_ids)


def _add_lobby_devices(runtime: Runtime, office_id: int, service_ids: list[int]) -> None:
    """A kiosk whose printer is a preview (nothing to plug in; the kiosk still shows the QR) and a lobby screen."""
    printer = printers.add_printer(runtime.uow(), office_id=office_id, name="Entrance printer (preview)",
                                   connection="preview", paper_width_mm=80)
    kiosks.register_kiosk(runtime.uow(), office_id=office_id, name="Entrance", service_ids=service_ids,
                          printer_id=printer.id, language="en")
    displays.register_display(runtime.uow(), office_id=office_id, name="Lobby screen", languages=("en-US", "es-US"))


def _offer_appointments(runtime: Runtime, office_id: int, service_ids: list[int]) -> None:
    """Bookings at /book/ for some services, in 15-minute slots during opening hours (docs/appointments.md)."""
    appointment_setup.configure_office(runtime.uow(), office_id=office_id)
    for service_id in service_ids:
        appointment_setup.set_schedule(runtime.uow(), service_id=service_id, weekly_hours=OPENING_HOURS,
                                       slot_minutes=15, capacity=2, min_lead_minutes=30, horizon_days=21)


def _create_demo(runtime: Runtime) -> DemoCredentials:
    # Tickets are taken at any hour so the demo works in the evening too; the hours still show on screens.
    office = offices.create_office(runtime.uow(), name=OFFICE_NAME, timezone=TIMEZONE, opening_hours=OPENING_HOURS,
                                   refuse_tickets_when_closed=False)
    service_ids = {
        service.prefix: offices.add_service(
            runtime.uow(), office_id=office.id, name=service.name, prefix=service.prefix,
            description=service.description, target_wait_minutes=service.target_wait_minutes,
            priority_weight=service.priority_weight, display_order=order,
        ).id
        for order, service in enumerate(SERVICES)
    }
    for name, prefixes, state in COUNTERS:
        offices.add_counter(runtime.uow(), office_id=office.id, name=name,
                            service_ids=[service_ids[p] for p in prefixes], state=state)
    _offer_appointments(runtime, office.id, [service_ids[p] for p in BOOKABLE])
    _add_lobby_devices(runtime, office.id, list(service_ids.values()))
    demo_accounts = []
    clerk_id = 0
    for username, role, display_name in STAFF:
        password = secrets.token_urlsafe(9)
        member = accounts.create_user(runtime.uow(), username=username, password=password, role=role,
                                      office_ids=() if role == Role.ADMIN else (office.id,),
                                      display_name=display_name)
        demo_accounts.append(DemoAccount(username, role.value, password))
        if role == Role.CLERK:
            clerk_id = member.id
    token = accounts.create_api_token(runtime.uow(), user_id=clerk_id, name=CLERK_TOKEN_NAME)
    return DemoCredentials(office.id, tuple(demo_accounts), token)
