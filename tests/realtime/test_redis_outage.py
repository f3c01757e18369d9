"""Redis, the message queue between two `waitwell serve` processes, goes away for a while and comes back.

The screens on the process that did not make the calls must learn they may be behind (their sockets stay up),
and have every call made meanwhile, and the first one after Redis is back, within seconds; the clerk's calls
stay quick throughout. Real parts: a redis-server of the test's own (stopped and started on the same port),
`waitwell serve --workers 2` on one SQLite file, python-socketio clients, and the lobby display in Chromium.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio

from tests.cli.conftest import SETTINGS
from tests.factories import issue, make_office, make_staff
from tests.realtime.support import FeedFollower, following, staff_api
from tests.support.ports import free_port
from tests.support.processes import die_with_parent, waitwell_server
from tests.support.waiting import wait_until
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, HEARTBEAT
from waitwell.runtime import Runtime
from waitwell.services import displays

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SILENCE_SECONDS = 6  # feed_heartbeat.js: no heartbeat for this long and a screen says it may be behind
QUICK_CALL_SECONDS = 2.5  # a call takes ~50 ms here; before publishing left the request, 2.6-5.2 s in an outage


class RedisServer:
    """redis-server on a port of its own, without persistence: `stop()` is an outage, `start()` the way back."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--dir", str(workdir)]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         preexec_fn=die_with_parent)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            wait_until(lambda: _answers(client), message=f"redis-server on port {self.port}")
        finally:
            client.close()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class HeartbeatFollower(FeedFollower):
    """A display-like client that also follows the heartbeat as feed_heartbeat.js does: a heartbeat naming
    another link than the last snapshot or heartbeat did means this server may have missed a change: resync."""

    def __init__(self, url: str, display_id: int) -> None:
        super().__init__(url, DISPLAY_NAMESPACE, {"display_id": display_id})
        self.beats: list[tuple[float, str]] = []
        self.link: str | None = None
        self.catch_ups = 0
        self._lock = threading.Lock()

    def _new_client(self) -> Any:
        client = super()._new_client()
        client.on(HEARTBEAT, self._on_heartbeat, namespace=self.namespace)
        return client

    def _on_snapshot(self, data: dict[str, Any]) -> None:
        self.link = data.get("link")
        super()._on_snapshot(data)

    def _on_heartbeat(self, beat: dict[str, Any]) -> None:
        with self._lock:
            self.beats.append((time.monotonic(), beat["link"]))
        missed = self.state is not None and beat["link"] != self.link  # none before the first snapshot
        self.link = beat["link"]
        if missed:
            self.catch_ups += 1
            with contextlib.suppress(socketio.exceptions.BadNamespaceError):  # leaving: the next connect resyncs
                self.client.emit("resync", namespace=self.namespace)

    def silent_for(self) -> float:
        """Seconds since the last heartbeat."""
        with self._lock:
            return time.monotonic() - self.beats[-1][0] if self.beats else float("inf")

    def links_since(self, moment: float) -> set[str]:
        with self._lock:
            return {link for at, link in self.beats if at > moment}

    def numbers_called(self) -> set[str]:
        return {call["number"] for call in (self.state or {}).get("calls", [])}


@pytest.fixture
def shared(sqlite_url: str) -> Iterator[Runtime]:
    runtime = Runtime(sqlite_url)  # wall clock, like the servers
    yield runtime
    runtime.dispose()


@pytest.mark.parametrize("worker", [["--threads", "20"], ["--gevent"]], ids=["threads", "gevent"])
def test_screens_on_the_other_process_learn_they_are_behind_and_catch_up_when_redis_is_back(
    chromium, shared: Runtime, sqlite_url: str, tmp_path: Path, worker: list[str], artifacts_dir: Path
) -> None:
    office = make_office(shared, name="Outage office", counters={f"Counter {n}": ["A"] for n in range(1, 5)})
    display = displays.register_display(shared.uow(), office_id=office.office_id, name="Hall")
    api = staff_api(shared, make_staff(shared, [office.office_id]))
    issue(shared, office.services["A"], 4)
    queue = RedisServer(tmp_path)
    queue.start()
    port = free_port(consecutive=2)
    settings = {name: "" for name in SETTINGS} | {
        "DATABASE_URL": sqlite_url, "REDIS_URL": queue.url, "SECRET_KEY": "test-secret",
        "WAITWELL_PUBLIC_URL": "https://queue.example.gov", "WAITWELL_INSTANCE": str(tmp_path / "instance"),
        "WAITWELL_PRINT_WORKER": "off"}
    server = waitwell_server(["serve", "--port", str(port), "--workers", "2", *worker], port, tmp_path,
                             settings).launch()
    process_a, process_b = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"

    def call_next(counter: str) -> str:
        started = time.monotonic()
        response = api.post(f"{process_a}/api/v1/counters/{office.counters[counter]}/call-next", timeout=30)
        took = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert took < QUICK_CALL_SECONDS, f"call-next took {took:.1f} s"
        return str(response.json()["number"])

    page = None
    try:
        server.wait_until_serving()
        server.wait_until_serving(port=port + 1)
        screen_a = HeartbeatFollower(process_a, display.id).connect()
        screen_b = HeartbeatFollower(process_b, display.id).connect()
        page = chromium.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{process_b}/display/{display.id}")
        page.wait_for_selector("body[data-connection=live]", timeout=15_000)
        with api, following(screen_a, screen_b):
            first = call_next("Counter 1")
            wait_until(lambda: first in screen_b.numbers_called(), message="a call before the outage on B")
            wait_until(lambda: screen_a.beats and screen_b.beats, message="heartbeats while Redis is up")
            link_before = screen_b.link

            queue.stop()
            during = [call_next("Counter 2"), call_next("Counter 3")]  # quick, Redis or not

            # B's sockets stay up, but B hears nothing from A: its heartbeats stop, and the display says so.
            wait_until(lambda: screen_b.silent_for() > SILENCE_SECONDS, timeout=30,
                       message="B's heartbeats to stop while Redis is away")
            assert screen_b.client.connected
            wait_until(lambda: screen_a.silent_for() > SILENCE_SECONDS, timeout=30,
                       message="A's heartbeats to stop too: it does not hear the queue either")
            page.wait_for_selector("body[data-connection=behind]", timeout=15_000)
            assert page.is_visible("#connection")
            assert "not up to date" in page.text_content("#connection")
            page.screenshot(path=str(artifacts_dir / "display-behind-while-redis-is-away.png"))

            queue.start()  # same port
            back = time.monotonic()
            after = call_next("Counter 4")
            wanted = {first, *during, after}
            wait_until(lambda: wanted <= screen_b.numbers_called(), timeout=15,
                       message=f"B's client to have {sorted(wanted)} (has {sorted(screen_b.numbers_called())})")
            wait_until(lambda: screen_b.links_since(back) - {link_before}, timeout=15,
                       message="B's heartbeats to come back, naming a new link")
            page.wait_for_function(f"document.getElementById('now-number').textContent === '{after}'",
                                   timeout=15_000)
            page.wait_for_selector("body[data-connection=live]", timeout=15_000)
            shown = set(page.locator("#recent .number").all_text_contents())
            assert set(during) | {first} <= shown
            assert page.evaluate("window.waitwellDisplay.behind") >= 1
    finally:
        if page is not None:
            page.close()
        code = server.stop()
        queue.stop()
    assert code == 0, server.output()
