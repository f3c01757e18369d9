"""Alembic environment: the URL comes from the caller (waitwell db upgrade, tests), never from an ini file."""

from __future__ import annotations

from alembic import context

from waitwell.persistence import Base
from waitwell.persistence.database import make_engine
from waitwell.persistence.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:  # also when a migration refuses: no connection is left for the garbage collector
        engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """Migrations use plain SQLAlchemy types, so they never import application code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `waitwell db upgrade` against a database")
run_migrations_online()
