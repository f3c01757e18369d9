"""Helpers the web layer (API, pages, Socket.IO handlers) shares to reach the engine."""

from __future__ import annotations

from typing import Any

from flask import current_app
from werkzeug.routing import IntegerConverter

from waitwell.runtime import Runtime
from waitwell.services.lookups import LARGEST_ID
from waitwell.services.unit_of_work import UnitOfWork

RUNTIME_KEY = "waitwell.runtime"


def runtime() -> Runtime:
    return current_app.extensions[RUNTIME_KEY]


def uow(*, read_only: bool = False) -> UnitOfWork:
    """A unit of work for the current app; read-only ones leave SQLite's write lock free."""
    return runtime().uow(read_only=read_only)


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs is always a row id: one too large for the id columns matches no route (404).

    Without the bound such an id reached the database, which fails on it (PostgreSQL: integer
    out of range; SQLite: int too large) and the API answered 500.
    """

    def __init__(self, url_map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, LARGEST_ID if max is None else max, signed)
