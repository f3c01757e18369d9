"""Emptying the shared PostgreSQL test database between tests, quickly.

TRUNCATE of every table (what tests/conftest.py does) takes about half a second with 30-odd
tables, because each truncated table gets new files; deleting the few rows a test wrote and
resetting the id sequences takes a few milliseconds. Import the `postgres_url` fixture into an
area's conftest to use it there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

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


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_database: str) -> Iterator[Engine]:
    engine = create_engine(postgres_database, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_database: str, postgres_cleaner: Engine) -> Iterator[str]:
    """The run's PostgreSQL database, emptied after each test (rows deleted, ids restarted)."""
    yield postgres_database
    empty_database(postgres_cleaner)
