"""Feed versions on SQLite and PostgreSQL: one per published change, continuing after a restart."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.factories import issue, make_office
from tests.realtime.support import FeedFollower, following
from tests.support.live import LiveServer
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.realtime.rooms import DISPLAY_NAMESPACE
from waitwell.realtime.versions import bump_version, current_version
from waitwell.runtime import Runtime
from waitwell.services import counters, displays


def app_on(runtime: Runtime, folder: Path) -> Flask:
    return create_app(Config(instance_path=folder / "instance", database_url=runtime.database_url, testing=True,
                             secret_key="test-secret"), runtime=runtime)


def test_versions_are_stored_per_office_and_only_grow(any_runtime: Runtime):
    first = make_office(any_runtime, name="First")
    second = make_office(any_runtime, name="Second")
    with any_runtime.uow() as uow:
        assert current_version(uow.session, first.office_id) == 0
        assert [bump_version(uow.session, first.office_id) for _ in range(3)] == [1, 2, 3]
        assert bump_version(uow.session, second.office_id) == 1
        uow.commit()
    with any_runtime.uow(read_only=True) as uow:
        assert current_version(uow.session, first.office_id) == 3


def test_a_live_display_follows_calls_on_either_database(any_runtime: Runtime, tmp_path: Path):
    office = make_office(any_runtime)
    display = displays.register_display(any_runtime.uow(), office_id=office.office_id, name="Hall")
    issue(any_runtime, office.services["A"], 2)
    with LiveServer(app_on(any_runtime, tmp_path)) as live:
        screen = FeedFollower(live.url, DISPLAY_NAMESPACE, {"display_id": display.id}).connect()
        with following(screen):
            start = screen.version
            counters.call_next(any_runtime.uow(), counter_id=office.counters["Counter 1"])
            board = screen.wait_for(lambda s: s["calls"], what="the call")
            assert board["version"] > start
            assert screen.resyncs == 0
