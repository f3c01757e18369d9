"""The scheduler thread starts with a process's first request and takes the lease; tests never start it by default."""

from __future__ import annotations

from tests.support.waiting import wait_until
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.jobs.scheduler import SCHEDULER_KEY
from waitwell.services import leases


def test_no_scheduler_when_testing(app):
    assert SCHEDULER_KEY not in app.extensions


def test_the_scheduler_starts_with_the_first_request_and_holds_the_lease(runtime, tmp_path):
    app = create_app(Config(instance_path=tmp_path / "instance", database_url=runtime.database_url, testing=True,
                            secret_key="test-secret", extra={"WAITWELL_SCHEDULER": True}), runtime=runtime)
    scheduler = app.extensions[SCHEDULER_KEY]
    scheduler.interval = 0.05
    try:
        assert leases.holder_of(runtime.uow(), name="scheduler") is None
        app.test_client().get("/sign-in")
        wait_until(lambda: leases.holder_of(runtime.uow(), name="scheduler") == scheduler.holder,
                   message="the scheduler to take its lease")
    finally:
        scheduler.stop()
    assert leases.holder_of(runtime.uow(), name="scheduler") is None  # given up on stop
