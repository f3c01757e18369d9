"""Which real database errors are an outage (answered 503, waited for at boot) and which are not."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.database_outage import database_proxy, through
from tests.support.ports import free_port
from waitwell.persistence.database import make_engine
from waitwell.persistence.unavailable import unavailable_reason
from waitwell.persistence.writer_turn import WriterTurn


def error_of(action: object) -> BaseException:
    """The exception `action()` raises (the test fails if it raises none)."""
    try:
        action()  # type: ignore[operator]
    except Exception as error:  # noqa: BLE001 - whatever it is, the test looks at it
        return error
    raise AssertionError("no error raised")


def connect(url: str, **engine_options: object) -> None:
    engine = make_engine(url, **engine_options)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def test_a_postgresql_server_that_is_not_listening_is_an_outage() -> None:
    reason = unavailable_reason(error_of(lambda: connect(f"postgresql://postgres@127.0.0.1:{free_port()}/test")))
    assert reason is not None and "Connection refused" in reason


@pytest.mark.postgres
def test_connections_cut_in_use_and_at_opening_are_an_outage(postgres_url: str) -> None:
    with database_proxy(postgres_url) as proxy:
        engine = make_engine(through(proxy, postgres_url))
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                proxy.cut()
                in_use = error_of(lambda: connection.execute(text("SELECT 1")))
            assert unavailable_reason(in_use) is not None
            opening = unavailable_reason(error_of(engine.connect))
            assert opening is not None and "server closed the connection unexpectedly" in opening
            wrapped = RuntimeError("the tap could not be stored")
            wrapped.__cause__ = in_use
            assert unavailable_reason(wrapped) == unavailable_reason(in_use)  # `raise ... from` counts
        finally:
            engine.dispose()


def test_sqlite_locked_past_its_timeout_and_a_pool_with_no_free_connection_are_an_outage(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # another writer in the middle of its transaction
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    try:
        with impatient.begin() as connection:
            locked = error_of(lambda: connection.execute(text("INSERT INTO t VALUES (1)")))
        assert unavailable_reason(locked) == "database is locked"
    finally:
        impatient.dispose()
        holder.close()

    turn = WriterTurn(str(path), timeout=0.05)
    turn.take()  # a writer of this process holds the turn; the next one gives up, as SQLite would
    no_turn = unavailable_reason(error_of(turn.take))
    turn.give_back()
    assert no_turn is not None and no_turn.startswith("no turn to write to the database within")

    one_connection = make_engine(f"sqlite:///{path}", pool_size=1, max_overflow=0, pool_timeout=0.1)
    try:
        with one_connection.connect():
            busy = unavailable_reason(error_of(one_connection.connect))
        assert busy is not None and "QueuePool limit of size 1 overflow 0 reached" in busy
    finally:
        one_connection.dispose()


def test_errors_that_no_waiting_fixes_are_not_an_outage(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            for mistake in ("INSERT INTO t VALUES (1)", "SELECT * FROM no_such_table", "SELEKT 1"):
                with connection.begin_nested():
                    error = error_of(lambda statement=mistake: connection.execute(text(statement)))
                assert unavailable_reason(error) is None, error
    finally:
        engine.dispose()
    assert unavailable_reason(RuntimeError("a bug")) is None


@pytest.mark.postgres
def test_a_login_the_server_refuses_for_good_is_not_an_outage(postgres_url: str) -> None:
    """An unknown database or role is a setting to correct: `waitwell serve` says so at once, without waiting."""
    for change in ({"database": "no_such_database"}, {"username": "no_such_role"}):
        url = make_url(postgres_url).set(**change).render_as_string(hide_password=False)
        error = error_of(lambda url=url: connect(url))
        assert unavailable_reason(error) is None, error


@pytest.mark.postgres
@pytest.mark.slow
def test_a_database_host_that_drops_packets_is_an_outage_within_the_connect_timeout(postgres_url: str) -> None:
    """libpq would wait 130 s by default, holding a request's thread all that time."""
    with database_proxy(postgres_url) as proxy:
        proxy.blackhole()
        url = through(proxy, postgres_url)
        errors: list[BaseException] = []
        attempt = threading.Thread(target=lambda: errors.append(error_of(lambda: connect(url))), daemon=True)
        attempt.start()
        attempt.join(60)  # the connect timeout is 10 s; this only bounds a failing run
        assert errors, "still connecting after 60 s"
        reason = unavailable_reason(errors[0])
        assert reason is not None and "timeout" in reason, errors[0]
