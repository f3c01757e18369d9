"""Registering lobby displays and choosing what each one covers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.persistence import Counter, Display, Service
from waitwell.services.lookups import get_office
from waitwell.services.unit_of_work import UnitOfWork

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CALLS_SHOWN = range(3, 11)


@dataclass(frozen=True)
class DisplayView:
    """A display's settings; empty `service_ids` or `counter_ids` mean all of the office's."""

    id: int
    office_id: int
    name: str
    languages: tuple[str, ...]
    calls_shown: int
    service_ids: tuple[int, ...]
    counter_ids: tuple[int, ...]

    @classmethod
    def of(cls, display: Display) -> DisplayView:
        return cls(
            id=display.id,
            office_id=display.office_id,
            name=display.name,
            languages=tuple(display.languages.split(",")),
            calls_shown=display.calls_shown,
            service_ids=tuple(s.id for s in display.services),
            counter_ids=tuple(c.id for c in display.counters),
        )

    def shows_service(self, service_id: int) -> bool:
        return not self.service_ids or service_id in self.service_ids

    def shows_call(self, service_id: int, counter_id: int | None) -> bool:
        """A call is shown when both its line and its counter are covered."""
        counter_covered = not self.counter_ids or counter_id in self.counter_ids
        return self.shows_service(service_id) and counter_covered


def register_display(
    uow: UnitOfWork,
    *,
    office_id: int,
    name: str,
    service_ids: Iterable[int] = (),
    counter_ids: Iterable[int] = (),
    languages: Sequence[str] = ("en-US",),
    calls_shown: int = 7,
) -> DisplayView:
    """Register a lobby screen for an office; it is then shown at /display/<id>."""
    with uow:
        get_office(uow.session, office_id)
        display = Display(office_id=office_id, name="", languages="", calls_shown=7, created_at=uow.clock.now())
        _apply(uow.session, display, name=name, service_ids=service_ids, counter_ids=counter_ids,
               languages=languages, calls_shown=calls_shown)
        uow.session.add(display)
        uow.session.flush()
        view = DisplayView.of(display)
        uow.commit()
        return view


def change_display(
    uow: UnitOfWork,
    *,
    display_id: int,
    name: str | None = None,
    service_ids: Iterable[int] | None = None,
    counter_ids: Iterable[int] | None = None,
    languages: Sequence[str] | None = None,
    calls_shown: int | None = None,
) -> DisplayView:
    """Change what a display covers or speaks; the screen picks it up at its next resync."""
    with uow:
        display = _get_display(uow.session, display_id)
        _apply(uow.session, display, name=name, service_ids=service_ids, counter_ids=counter_ids,
               languages=languages, calls_shown=calls_shown)
        view = DisplayView.of(display)
        uow.commit()
        return view


def get_display(uow: UnitOfWork, display_id: int) -> DisplayView:
    with uow:
        return DisplayView.of(_get_display(uow.session, display_id))


def displays_of(uow: UnitOfWork, *, office_id: int) -> list[DisplayView]:
    with uow:
        get_office(uow.session, office_id)
        return [DisplayView.of(d) for d in load_displays(uow.session, office_id)]


def load_displays(session: Session, office_id: int) -> list[Display]:
    """An office's displays with what they cover, in one query each."""
    return list(session.scalars(
        select(Display).where(Display.office_id == office_id).order_by(Display.id)
        .options(selectinload(Display.services), selectinload(Display.counters))
    ))


def _get_display(session: Session, display_id: int) -> Display:
    display = session.get(Display, display_id, options=[selectinload(Display.services),
                                                         selectinload(Display.counters)])
    if display is None:
        raise NotFound(f"there is no display {display_id}")
    return display


def _apply(
    session: Session,
    display: Display,
    *,
    name: str | None,
    service_ids: Iterable[int] | None,
    counter_ids: Iterable[int] | None,
    languages: Sequence[str] | None,
    calls_shown: int | None,
) -> None:
    if name is not None:
        name = name.strip()
        if not name or len(name) > 120:
            raise InvalidInput("a display needs a name of 1 to 120 characters, like 'Main hall TV'")
        display.name = name
    if service_ids is not None:
        display.services = _of_office(session, Service, set(service_ids), display.office_id, "service")
    if counter_ids is not None:
        display.counters = _of_office(session, Counter, set(counter_ids), display.office_id, "counter")
    if languages is not None:
        tags = [tag.strip() for tag in languages if tag.strip()]
        if not tags or not all(LANGUAGE_TAG.match(tag) for tag in tags):
            raise InvalidInput("languages are language tags such as en-US or es-MX, at least one")
        display.languages = ",".join(dict.fromkeys(tags))
    if calls_shown is not None:
        if calls_shown not in CALLS_SHOWN:
            raise InvalidInput(f"a display shows {CALLS_SHOWN.start} to {CALLS_SHOWN.stop - 1} recent calls")
        display.calls_shown = calls_shown


def _of_office(session: Session, model: type[Service] | type[Counter], ids: set[int], office_id: int,
               what: str) -> list:
    rows = list(session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    if missing := sorted(ids - {row.id for row in rows if row.office_id == office_id}):
        raise InvalidInput(f"the office has no {what} {', '.join(map(str, missing))}")
    return rows
