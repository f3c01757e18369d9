"""The Big DMV hub of docs' reference offices (/work/shared/notes/reference-offices.md): 15 services, 40 counters
with overlapping skills, a clerk with an API token at each counter, 6 kiosks with printers, 8 lobby displays.

`set_up` builds it through the services layer (as `waitwell user create --token` and the demo do), before the
server starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# (name, prefix, share of visitors in %, typical service minutes)
SERVICES: tuple[tuple[str, str, int, float], ...] = (
    ("Licence renewal", "L", 18, 6),
    ("Vehicle registration renewal", "R", 15, 5),
    ("Title transfer", "T", 8, 9),
    ("Real ID application", "ID", 8, 10),
    ("New driver's licence", "N", 7, 12),
    ("Learner's permit knowledge test", "K", 6, 25),
    ("Address change and replacement cards", "AC", 6, 4),
    ("Return of plates and stickers", "P", 5, 3),
    ("Commercial driver's licence (CDL) knowledge test", "CDL", 3, 35),
    ("Road-test check-in", "RT", 5, 3),
    ("Disability placards and plates", "DP", 3, 5),
    ("Dealer and fleet services", "DF", 2, 15),
    ("Out-of-state vehicle inspection and VIN verification", "VIN", 4, 10),
    ("Suspensions, reinstatements and hearings", "S", 4, 20),
    ("Boat and snowmobile registration", "B", 2, 6),
)

# Counter ranges (1-based, inclusive) and the prefixes they serve: generalists and specialist desks.
COUNTER_SKILLS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (1, 16, ("L", "R", "T", "ID", "N", "K", "AC", "P")),  # generalists
    (17, 24, ("L", "R", "AC", "P", "VIN", "B")),  # vehicle and licence front desks
    (25, 30, ("ID", "N", "K", "CDL", "RT")),  # licensing desks
    (31, 34, ("T", "DF", "VIN")),  # titles and dealers
    (35, 36, ("DP", "S")),
    (37, 37, ("S",)),  # hearings
    (38, 38, ("CDL",)),
    (39, 39, ("RT",)),
    (40, 40, ("DP", "L")),
)
COUNTERS = 40
KIOSKS = 6
DISPLAYS = (("Hall A (4K)", ("en-US",)), ("Hall A east (1080p)", ("en-US", "es-US")), ("Hall B (1080p)", ("en-US",)),
            ("Hall B west (4K)", ("en-US", "es-US")), ("Licensing wing", ("en-US",)), ("Titles wing", ("en-US",)),
            ("Entrance", ("en-US", "es-US")), ("Road-test lounge", ("en-US",)))
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu",
         "Europe/London", "Asia/Tokyo")


@dataclass
class Office:
    """What the benchmark needs to know about the office it built."""

    id: int
    timezone: str
    service_ids: dict[str, int]  # by prefix
    counter_ids: list[int]  # counter 1 first
    counter_services: dict[int, list[int]]
    tokens: dict[int, str]  # clerk API token by counter id
    clerk_ids: dict[int, int]  # clerk user id by counter id
    kiosk_ids: list[int]
    printer_ids: list[int]
    display_ids: list[int]
    weights: dict[int, int] = field(default_factory=dict)  # visitors' share by service id
    minutes: dict[int, float] = field(default_factory=dict)  # typical service minutes by service id


def office_timezone(now: datetime | None = None) -> str:
    """America/New_York unless its day ends soon: a run that crossed the office's midnight would see its line
    closed by the end-of-day catch-up and its numbering start again."""
    moment = now or datetime.now(UTC)
    return next((zone for zone in ZONES if 4 <= moment.astimezone(ZoneInfo(zone)).hour <= 21), ZONES[0])


def set_up(database_url: str, printer_port: int) -> Office:
    """Migrate the database and create the office, its staff (one clerk and token per counter) and devices."""
    from waitwell.domain.states import CounterState
    from waitwell.persistence.migrate import upgrade
    from waitwell.runtime import Runtime
    from waitwell.services import accounts, displays, kiosks, offices, printers

    upgrade(database_url)
    runtime = Runtime(database_url)
    zone = office_timezone()
    office = offices.create_office(runtime.uow(), name="Big DMV hub (bench)", timezone=zone)
    service_ids = {prefix: offices.add_service(runtime.uow(), office_id=office.id, name=name, prefix=prefix,
                                               target_wait_minutes=30).id
                   for name, prefix, _, _ in SERVICES}
    counter_ids, counter_services, tokens, clerk_ids = [], {}, {}, {}
    for first, last, prefixes in COUNTER_SKILLS:
        for number in range(first, last + 1):
            wanted = [service_ids[prefix] for prefix in prefixes]
            counter_id = offices.add_counter(runtime.uow(), office_id=office.id, name=f"Counter {number}",
                                             service_ids=wanted, state=CounterState.OPEN)
            clerk = accounts.create_user(runtime.uow(), username=f"clerk{number}", password="bench-password",
                                         office_ids=[office.id], display_name=f"Clerk {number}")
            tokens[counter_id] = accounts.create_api_token(runtime.uow(), user_id=clerk.id,
                                                           name=f"counter {number} PC")
            counter_ids.append(counter_id)
            counter_services[counter_id] = wanted
            clerk_ids[counter_id] = clerk.id
            _sign_in(runtime, counter_id, clerk.id)
    printer_ids, kiosk_ids = [], []
    for number in range(1, KIOSKS + 1):
        printer = printers.add_printer(runtime.uow(), office_id=office.id, name=f"Kiosk {number} printer",
                                       connection="network", profile="TM-T88V", qr_mode="native",
                                       settings={"host": "127.0.0.1", "port": printer_port, "timeout": 2.0})
        kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.id, name=f"Kiosk {number}",
                                      service_ids=list(service_ids.values()), printer_id=printer.id)
        printer_ids.append(printer.id)
        kiosk_ids.append(kiosk.id)
    display_ids = [displays.register_display(runtime.uow(), office_id=office.id, name=name, languages=languages).id
                   for name, languages in DISPLAYS]
    runtime.dispose()
    return Office(office.id, zone, service_ids, counter_ids, counter_services, tokens, clerk_ids, kiosk_ids,
                  printer_ids, display_ids,
                  weights={service_ids[prefix]: share for _, prefix, share, _ in SERVICES},
                  minutes={service_ids[prefix]: minutes for _, prefix, _, minutes in SERVICES})


def _sign_in(runtime: object, counter_id: int, user_id: int) -> None:
    """The clerk signs in at their counter, as at the start of a day (the API also works without it)."""
    from waitwell.services import counter_sessions

    counter_sessions.take_counter(runtime.uow(), counter_id=counter_id, user_id=user_id)  # type: ignore[attr-defined]
