"""Setting up an office: its services and counters (used by admin, the demo and tests)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from waitwell.domain.calling import STRATEGIES
from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.domain.hours import parse_opening_hours
from waitwell.domain.numbering import is_valid_prefix
from waitwell.domain.states import CounterState
from waitwell.persistence import Counter, Office, Service
from waitwell.services.counter_log import record_counter_state
from waitwell.services.lookups import get_office
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class OfficeView:
    id: int
    name: str
    timezone: str
    opening_hours: Mapping[str, list[list[str]]]
    refuse_tickets_when_closed: bool


@dataclass(frozen=True)
class ServiceView:
    id: int
    office_id: int
    name: str
    description: str
    prefix: str
    target_wait_minutes: int
    priority_weight: float
    active: bool
    display_order: int

    @classmethod
    def of(cls, service: Service) -> ServiceView:
        return cls(service.id, service.office_id, service.name, service.description, service.prefix,
                   service.target_wait_minutes, service.priority_weight, service.active, service.display_order)


def create_office(
    uow: UnitOfWork,
    *,
    name: str,
    timezone: str,
    opening_hours: Mapping[str, list[list[str]]] | None = None,
    refuse_tickets_when_closed: bool = False,
    calling_strategy: str = "weighted-longest-wait",
) -> OfficeView:
    """Create an office in its own IANA timezone."""
    name = _required_name(name, "office")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{timezone!r} is not an IANA timezone such as America/New_York") from None
    if calling_strategy not in STRATEGIES:
        raise InvalidInput(f"unknown calling strategy {calling_strategy!r}")
    hours = parse_opening_hours(opening_hours or {})
    with uow:
        office = Office(name=name, timezone=timezone, opening_hours=hours,
                        refuse_tickets_when_closed=refuse_tickets_when_closed, calling_strategy=calling_strategy)
        uow.session.add(office)
        uow.session.flush()
        view = OfficeView(office.id, office.name, office.timezone, office.opening_hours,
                          office.refuse_tickets_when_closed)
        uow.commit()
        return view


def add_service(
    uow: UnitOfWork,
    *,
    office_id: int,
    name: str,
    prefix: str,
    description: str = "",
    target_wait_minutes: int = 20,
    priority_weight: float = 1.0,
    active: bool = True,
    display_order: int | None = None,
) -> ServiceView:
    """Add a line to an office; its tickets are numbered with `prefix` (1 to 3 capital letters)."""
    name = _required_name(name, "service")
    if not is_valid_prefix(prefix):
        raise InvalidInput(f"ticket prefix {prefix!r} must be 1 to 3 capital letters, like A or TL")
    if target_wait_minutes < 1:
        raise InvalidInput("the target wait must be at least 1 minute")
    if not 0.1 <= priority_weight <= 10:
        raise InvalidInput("the priority weight must be between 0.1 and 10 (1 is normal)")
    with uow:
        office = get_office(uow.session, office_id)
        order = display_order if display_order is not None else len(office.services)
        service = Service(office=office, name=name, prefix=prefix, description=description,
                          target_wait_minutes=target_wait_minutes, priority_weight=priority_weight,
                          active=active, display_order=order)
        uow.session.add(service)
        uow.session.flush()
        view = ServiceView.of(service)
        uow.commit()
        return view


def add_counter(
    uow: UnitOfWork, *, office_id: int, name: str, service_ids: Iterable[int], state: CounterState = CounterState.CLOSED
) -> int:
    """Add a counter serving the given services of the same office; returns its id."""
    name = _required_name(name, "counter")
    with uow:
        office = get_office(uow.session, office_id)
        if uow.session.scalar(select(Counter.id).where(Counter.office_id == office_id, Counter.name == name)):
            raise InvalidInput(f"{office.name} already has a counter named {name!r}")
        wanted = set(service_ids)
        services = uow.session.scalars(select(Service).where(Service.id.in_(wanted))).all()
        found = {s.id for s in services if s.office_id == office_id}
        if missing := sorted(wanted - found):
            raise InvalidInput(f"{office.name} has no service {', '.join(map(str, missing))}")
        counter = Counter(office=office, name=name, state=state, services=list(services))
        uow.session.add(counter)
        uow.session.flush()
        if state != CounterState.CLOSED:
            record_counter_state(uow.session, counter, uow.clock.now())
        counter_id = counter.id
        uow.commit()
        return counter_id


def list_offices(uow: UnitOfWork) -> list[OfficeView]:
    with uow:
        offices = uow.session.scalars(select(Office).order_by(Office.id)).all()
        return [OfficeView(o.id, o.name, o.timezone, o.opening_hours, o.refuse_tickets_when_closed) for o in offices]


def _required_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(f"a {what} needs a name")
    if len(name) > 120:
        raise InvalidInput(f"a {what} name is at most 120 characters")
    return name


def update_service(uow: UnitOfWork, *, service_id: int, **changes: object) -> ServiceView:
    """Change a service's settings; only the fields given change, each validated like at creation."""
    allowed = {"name", "description", "target_wait_minutes", "priority_weight", "active", "display_order"}
    if unknown := sorted(set(changes) - allowed):
        raise InvalidInput(f"cannot change {', '.join(unknown)} of a service")
    if "name" in changes:
        changes["name"] = _required_name(str(changes["name"]), "service")
    target = changes.get("target_wait_minutes")
    if isinstance(target, int) and target < 1:
        raise InvalidInput("the target wait must be at least 1 minute")
    weight = changes.get("priority_weight")
    if isinstance(weight, int | float) and not 0.1 <= weight <= 10:
        raise InvalidInput("the priority weight must be between 0.1 and 10 (1 is normal)")
    with uow:
        service = uow.session.get(Service, service_id)
        if service is None:
            raise NotFound(f"there is no service {service_id}")
        for field_name, value in changes.items():
            setattr(service, field_name, value)
        uow.session.flush()
        view = ServiceView.of(service)
        uow.commit()
        return view
