"""A real database outage: the app reaches PostgreSQL through a TCP proxy in the test, which the test cuts
(every connection closed, new ones closed as soon as they open) and restores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import DEFAULT_START
from tests.realtime.support import Proxy
from tests.support.live import LiveServer
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def through(proxy: Proxy, database_url: str) -> str:
    """`database_url` with the proxy in the way."""
    return make_url(database_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


@contextmanager
def database_proxy(postgres_url: str) -> Iterator[Proxy]:
    """A proxy in front of the test's PostgreSQL server (which the proxy reaches at 127.0.0.1)."""
    proxy = Proxy(make_url(postgres_url).port or 5432)
    try:
        yield proxy
    finally:
        proxy.close()


@dataclass(frozen=True)
class ServedThroughProxy:
    """The app on a real port, its database behind `proxy`; `runtime` is the app's own engine."""

    proxy: Proxy
    runtime: Runtime
    live: LiveServer


@contextmanager
def served_through_proxy(postgres_url: str, instance: Path) -> Iterator[ServedThroughProxy]:
    """The app as `waitwell serve` runs it (pooled connections, pre-ping), on a virtual clock in office hours."""
    with database_proxy(postgres_url) as proxy:
        runtime = Runtime(through(proxy, postgres_url), clock=VirtualClock(DEFAULT_START))
        config = Config(instance_path=instance, database_url=runtime.database_url, testing=True,
                        secret_key="test-secret")
        try:
            with LiveServer(create_app(config, runtime=runtime)) as live:
                yield ServedThroughProxy(proxy, runtime, live)
        finally:
            runtime.dispose()
