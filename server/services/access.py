"""Which office a URL's ids belong to, so one check can keep staff inside their own offices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from waitwell.persistence import Counter, Display, Kiosk, Office, Printer, Service, Ticket
from waitwell.services.unit_of_work import UnitOfWork

LARGEST_ID = 2**31 - 1  # ids are 32-bit INTEGER columns

# URL argument -> the table whose row carries `office_id`. A route taking one of these ids is
# office-scoped: the auth layer refuses staff of other offices before the view runs.
OFFICE_SCOPED_ARGUMENTS: dict[str, Any] = {
    "office_id": Office,
    "counter_id": Counter,
    "ticket_id": Ticket,
    "service_id": Service,
    "kiosk_id": Kiosk,
    "display_id": Display,
    "printer_id": Printer,
}


def offices_named_by(uow: UnitOfWork, arguments: Mapping[str, Any]) -> set[int]:
    """The offices of the office-scoped ids among `arguments` (ids that do not exist are left to the view)."""
    wanted = {name: value for name, value in arguments.items()
              if name in OFFICE_SCOPED_ARGUMENTS and isinstance(value, int) and 0 < value <= LARGEST_ID}
    if not wanted:
        return set()
    found: set[int] = set()
    with uow:
        for name, value in wanted.items():
            model = OFFICE_SCOPED_ARGUMENTS[name]
            if model is Office:
                if uow.session.get(Office, value) is not None:
                    found.add(value)
                continue
            row = uow.session.get(model, value)
            if row is not None:
                found.add(row.office_id)
    return found


def describe(uow: UnitOfWork, arguments: Mapping[str, Any]) -> tuple[int | None, str]:
    """The office and a short description ("ticket A003, counter Counter 2") of a URL's ids, for the audit log."""
    offices: set[int] = set()
    parts: list[str] = []
    with uow:
        for name, value in arguments.items():
            model = OFFICE_SCOPED_ARGUMENTS.get(name)
            if model is None or not isinstance(value, int) or not 0 < value <= LARGEST_ID:
                if name.endswith("_id"):
                    parts.append(f"{name.removesuffix('_id')} {value}")
                continue
            row = uow.session.get(model, value)
            if row is None:
                parts.append(f"{name.removesuffix('_id')} {value} (unknown)")
                continue
            offices.add(row.id if model is Office else row.office_id)
            label = getattr(row, "number", None) or getattr(row, "name", None) or value
            parts.append(f"{name.removesuffix('_id')} {label}")
    return (next(iter(offices)) if len(offices) == 1 else None), ", ".join(parts)
