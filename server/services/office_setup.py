"""Administration of offices, services and counters: change them, and remove them without orphaning a ticket.

Removing something tickets refer to archives it instead (it disappears from kiosks, consoles and
lists, its history stays whole); removing something still in use now is refused with what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, select

from waitwell.domain.errors import Conflict, InvalidInput
from waitwell.domain.hours import parse_opening_hours
from waitwell.domain.numbering import is_valid_prefix
from waitwell.domain.states import CounterState, TicketState
from waitwell.persistence import Counter, CounterSession, Kiosk, Service, Ticket, TicketEvent
from waitwell.persistence.devices import kiosk_services
from waitwell.persistence.displays import display_counters, display_services
from waitwell.persistence.models import counter_services
from waitwell.services import offices
from waitwell.services.lookups import ACTIVE_STATES, get_counter, get_office, get_service
from waitwell.services.unit_of_work import UnitOfWork

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
OPEN_TICKET_STATES = (TicketState.WAITING, *ACTIVE_STATES)


@dataclass(frozen=True)
class Removal:
    """What removing did: "deleted" (nothing referred to it) or "archived" (its history keeps it)."""

    outcome: str
    name: str


def update_office(
    uow: UnitOfWork, *, office_id: int, name: str, public_name: str, timezone: str,
    opening_hours: Mapping[str, list[list[str]]], refuse_tickets_when_closed: bool,
) -> None:
    """Change an office's names, timezone and weekly opening hours (validated like at creation)."""
    name = _name(name, "office", 120)
    public_name = (public_name or "").strip()
    if len(public_name) > 120:
        raise InvalidInput("the public name is at most 120 characters")
    _timezone(timezone)
    hours = parse_opening_hours(dict(opening_hours))
    with uow:
        office = get_office(uow.session, office_id)
        office.name, office.public_name, office.timezone = name, public_name, timezone
        office.opening_hours, office.refuse_tickets_when_closed = hours, refuse_tickets_when_closed
        uow.commit()


def remove_office(uow: UnitOfWork, *, office_id: int) -> Removal:
    """Delete an office that was never used; one with services, counters or tickets is refused."""
    with uow:
        office = get_office(uow.session, office_id)
        tickets = uow.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.office_id == office_id))
        if tickets:
            raise Conflict(f"{office.name} has {tickets} ticket(s) in its history: an office that served people "
                           "cannot be removed")
        if office.services or office.counters:
            raise Conflict(f"remove {office.name}'s services and counters first")
        uow.session.delete(office)
        uow.commit()
        return Removal("deleted", office.name)


def create_service(
    uow: UnitOfWork, *, office_id: int, name: str, prefix: str, target_wait_minutes: int, priority_weight: float,
    active: bool, colour: str, names: Mapping[str, str], description: str = "",
) -> int:
    """Add a service with its colour and names per language; the prefix must be free in the office."""
    _check_colour(colour)
    checked_names = _names(names)
    _prefix_free(uow, office_id, prefix, None)
    view = offices.add_service(uow, office_id=office_id, name=name, prefix=prefix, description=description,
                               target_wait_minutes=target_wait_minutes, priority_weight=priority_weight, active=active)
    with uow:
        service = get_service(uow.session, view.id)
        service.colour, service.names = colour.lower(), checked_names
        uow.commit()
    return view.id


def update_service(
    uow: UnitOfWork, *, service_id: int, name: str, prefix: str, target_wait_minutes: int, priority_weight: float,
    active: bool, colour: str, names: Mapping[str, str], description: str = "",
) -> None:
    """Change a service; a new prefix applies to the next ticket (today's numbers stay as they are)."""
    _check_colour(colour)
    checked_names = _names(names)
    with uow:
        service = get_service(uow.session, service_id)
        office_id, archived = service.office_id, service.archived_at is not None
    if archived and active:
        raise InvalidInput("an archived service cannot take tickets again; add a new service instead")
    if not is_valid_prefix(prefix):
        raise InvalidInput(f"ticket prefix {prefix!r} must be 1 to 3 capital letters, like A or TL")
    _prefix_free(uow, office_id, prefix, service_id)
    offices.update_service(uow, service_id=service_id, name=name, description=description,
                           target_wait_minutes=target_wait_minutes, priority_weight=priority_weight, active=active)
    with uow:
        service = get_service(uow.session, service_id)
        service.prefix, service.colour, service.names = prefix, colour.lower(), checked_names
        uow.commit()


def remove_service(uow: UnitOfWork, *, service_id: int) -> Removal:
    """Delete a service no ticket ever used; archive one with history; refuse while tickets are in its line."""
    with uow:
        service = get_service(uow.session, service_id)
        open_tickets = uow.session.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.service_id == service_id, Ticket.state.in_(OPEN_TICKET_STATES)))
        if open_tickets:
            raise Conflict(f"{open_tickets} ticket(s) are still in the {service.name} line: transfer them to "
                           "another service or serve them first")
        used = uow.session.scalar(select(func.count()).select_from(TicketEvent).where(
            TicketEvent.service_id == service_id)) or uow.session.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.service_id == service_id))
        for table in (counter_services, kiosk_services, display_services):
            uow.session.execute(delete(table).where(table.c.service_id == service_id))
        uow.session.flush()
        for kiosk in uow.session.scalars(select(Kiosk).where(Kiosk.office_id == service.office_id)):
            if not kiosk.services:
                kiosk.active = False  # nothing left to offer: the kiosk says it is out of service
        if used:
            service.archived_at, service.active = uow.clock.now(), False
            outcome = "archived"
        else:
            uow.session.delete(service)
            outcome = "deleted"
        uow.commit()
        return Removal(outcome, service.name)


def create_counter(uow: UnitOfWork, *, office_id: int, name: str, service_ids: Iterable[int]) -> int:
    """Add a counter (closed until a clerk signs in at it); its name must be free among active counters."""
    wanted = list(service_ids)
    if not wanted:
        raise InvalidInput("a counter serves at least one service")
    _counter_name_free(uow, office_id, name, None)
    return offices.add_counter(uow, office_id=office_id, name=name, service_ids=wanted)


def update_counter(uow: UnitOfWork, *, counter_id: int, name: str, service_ids: Iterable[int]) -> None:
    """Rename a counter or change the services it serves (its current ticket, if any, stays with it)."""
    name = _name(name, "counter", 60)
    wanted = set(service_ids)
    if not wanted:
        raise InvalidInput("a counter serves at least one service")
    with uow:
        counter = get_counter(uow.session, counter_id)
        office_id = counter.office_id
    _counter_name_free(uow, office_id, name, counter_id)
    with uow:
        counter = get_counter(uow.session, counter_id, lock=True)
        services = uow.session.scalars(select(Service).where(Service.id.in_(wanted))).all()
        usable = {s.id for s in services if s.office_id == office_id and s.archived_at is None}
        if missing := sorted(wanted - usable):
            raise InvalidInput(f"this office has no service {', '.join(map(str, missing))}")
        counter.name, counter.services = name, list(services)
        uow.commit()


def remove_counter(uow: UnitOfWork, *, counter_id: int) -> Removal:
    """Delete a counter that never served; archive one with history; refuse while it is open or staffed."""
    with uow:
        counter = get_counter(uow.session, counter_id, lock=True)
        if counter.state != CounterState.CLOSED:
            raise Conflict(f"{counter.name} is {counter.state.value}: close it first (its clerk signs out of it)")
        if uow.session.get(CounterSession, counter_id) is not None:
            raise Conflict(f"a clerk is signed in at {counter.name}: they sign out of it first")
        used = uow.session.scalar(select(func.count()).select_from(TicketEvent).where(
            TicketEvent.counter_id == counter_id)) or uow.session.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.counter_id == counter_id))
        uow.session.execute(delete(display_counters).where(display_counters.c.counter_id == counter_id))
        if used:
            counter.archived_at = uow.clock.now()
            counter.name = _archived_name(counter.name, counter.id)
            outcome = "archived"
        else:
            uow.session.delete(counter)
            outcome = "deleted"
        uow.commit()
        return Removal(outcome, counter.name)


def _archived_name(name: str, counter_id: int) -> str:
    """Frees the name for a new counter (the name is unique per office) while history keeps recognising it."""
    suffix = f" (removed #{counter_id})"
    return name[: 60 - len(suffix)] + suffix


def _name(value: str, what: str, longest: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"a {what} needs a name")
    if len(value) > longest:
        raise InvalidInput(f"a {what} name is at most {longest} characters")
    return value


def _timezone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{timezone!r} is not an IANA timezone such as America/New_York") from None


def _check_colour(colour: str) -> None:
    if not COLOUR.match(colour or ""):
        raise InvalidInput(f"colour {colour!r} must be written like #1f5fa8")


def _names(names: Mapping[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for language, name in names.items():
        language, name = language.strip(), name.strip()
        if not LANGUAGE.match(language):
            raise InvalidInput(f"{language!r} is not a language tag such as es or pt-BR")
        if not name or len(name) > 120:
            raise InvalidInput(f"the {language} name needs 1 to 120 characters")
        checked[language] = name
    return checked


def _prefix_free(uow: UnitOfWork, office_id: int, prefix: str, service_id: int | None) -> None:
    with uow:
        taken = uow.session.scalar(select(Service.name).where(
            Service.office_id == office_id, Service.prefix == prefix, Service.archived_at.is_(None),
            Service.id != (service_id or 0)))
    if taken:
        raise InvalidInput(f"prefix {prefix} is already used by {taken}: two lines would hand out look-alike numbers")


def _counter_name_free(uow: UnitOfWork, office_id: int, name: str, counter_id: int | None) -> None:
    with uow:
        taken = uow.session.scalar(select(Counter.id).where(
            Counter.office_id == office_id, Counter.name == (name or "").strip(), Counter.id != (counter_id or 0)))
    if taken:
        raise InvalidInput(f"this office already has a counter named {name.strip()!r}")
