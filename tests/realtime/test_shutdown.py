"""Closing the runtime: the screens' background work stops before the database closes, on either database.

A background refresh that read the database after `Runtime.dispose` left a connection open that nobody
would close (on PostgreSQL a ResourceWarning whenever the collector met it, failing an unrelated test).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.factories import issue, make_office
from tests.support.waiting import DEADLINE_SECONDS
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.realtime import PUBLISHER_KEY, publisher
from waitwell.runtime import Runtime
from waitwell.services import counters


def test_no_connection_is_used_after_the_runtime_is_disposed(
    any_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Config(instance_path=tmp_path / "instance", database_url=any_runtime.database_url,
                            testing=True, secret_key="test-secret"), runtime=any_runtime)
    feed = app.extensions[PUBLISHER_KEY]
    computing = publisher.compute_waits
    refreshing = threading.Event()

    def slow_estimates(*args, **kwargs):  # the refresh behind a call is still reading when the process stops
        refreshing.set()
        time.sleep(0.3)
        return computing(*args, **kwargs)

    monkeypatch.setattr(publisher, "compute_waits", slow_estimates)
    office = make_office(any_runtime)
    issue(any_runtime, office.services["A"], 2)
    counters.call_next(any_runtime.uow(), counter_id=office.counters["Counter 1"])
    assert refreshing.wait(DEADLINE_SECONDS), "no estimate refresh started behind the call"
    feed.refresh_soon(office.office_id)  # and one more queued behind it

    engine, used_after = any_runtime.engine, []
    closing = engine.dispose

    def dispose(*args, **kwargs):
        used_after.append("dispose")
        return closing(*args, **kwargs)

    for pool_event in ("connect", "checkout", "checkin"):
        event.listen(engine, pool_event, lambda *_, name=pool_event: used_after.append(name))
    monkeypatch.setattr(engine, "dispose", dispose)
    any_runtime.dispose()
    # Idle: the refresh under way has ended and the queued one was dropped; one started after closing would
    # have been waited for here, with what it read recorded.
    assert feed.wait_until_idle(DEADLINE_SECONDS)
    assert used_after[-1] == "dispose", f"the database was used after it was closed: {used_after}"
