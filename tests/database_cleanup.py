"""Emptying the shared PostgreSQL test database between tests, quickly.

TRUNCATE of every table takes about half a second with 30-odd tables, because each truncated
table gets new files; deleting the few rows a test wrote and resetting the id sequences takes a
few milliseconds. tests/conftest.py uses this for its `postgres_url` fixture.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from waitwell.persistence import Base

RESET_ID_SEQUENCES = text("""
    SELECT setval(pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name), 1, false)
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')
""")


def empty_database(engine: Engine) -> None:
    """Delete every row the models know of and restart ids at 1; TRUNCATE if a table outside the models blocks it."""
    try:
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
            connection.execute(RESET_ID_SEQUENCES)
    except IntegrityError:
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
