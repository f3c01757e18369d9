"""Helpers the web layer (API, pages, Socket.IO handlers) shares to reach the engine."""

from __future__ import annotations

from flask import current_app

from waitwell.runtime import Runtime
from waitwell.services.unit_of_work import UnitOfWork

RUNTIME_KEY = "waitwell.runtime"


def runtime() -> Runtime:
    return current_app.extensions[RUNTIME_KEY]


def uow(*, read_only: bool = False) -> UnitOfWork:
    """A unit of work for the current app; read-only ones leave SQLite's write lock free."""
    return runtime().uow(read_only=read_only)
