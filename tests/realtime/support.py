"""Real parts for realtime tests: a TCP proxy that can drop the line, staff calling a server process's API,
and a client that follows a feed like the pages do (servers themselves: tests/support)."""

from __future__ import annotations

import contextlib
import functools
import select
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import requests
import socketio

from tests.support.ports import free_port
from tests.support.waiting import DEADLINE_SECONDS, wait_until
from waitwell.realtime.rooms import TICKET_NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services import accounts
from waitwell.services.accounts import StaffMember


def staff_api(runtime: Runtime, member: StaffMember) -> requests.Session:
    """An HTTP session that calls a server process's API as this staff member, with an API token."""
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + accounts.create_api_token(runtime.uow(), user_id=member.id,
                                                                             name="test")
    return session


class Proxy:
    """A TCP proxy in front of a server: `cut()` drops every connection, `blackhole()` silently stops traffic."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mode = "pass"
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Close every connection and refuse new ones until `restore()`."""
        self.mode = "down"
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                    end.close()

    def blackhole(self) -> None:
        """Keep connections open but let nothing through: a dead Wi-Fi that sends no reset."""
        self.mode = "blackhole"

    def restore(self) -> None:
        self.mode = "pass"

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        ends = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(ends, [], [], 0.2)
                if self.mode == "blackhole":
                    continue
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (upstream if end is client else client).sendall(data)
        except (OSError, ValueError):
            for end in ends:
                with contextlib.suppress(OSError):
                    end.close()


class FeedFollower:
    """A python-socketio client that follows one namespace the way the pages' scripts do:
    apply a snapshot, apply the next version (any newer one on a phone), ask for a snapshot on a gap, ignore
    stale changes."""

    def __init__(self, url: str, namespace: str, auth: dict[str, Any], *, headers: dict[str, str] | None = None,
                 reconnection: bool = True) -> None:
        self.url = url
        self.namespace = namespace
        self.auth = auth
        self.headers = headers or {}
        self.state: dict[str, Any] | None = None
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.resyncs = 0
        self.reconnection = reconnection
        self.transports = ["websocket"]
        self.client = self._new_client()

    def _new_client(self) -> socketio.Client:
        client = socketio.Client(reconnection=self.reconnection, reconnection_delay=0.2, reconnection_delay_max=0.5,
                                 randomization_factor=0)
        client.on("snapshot", self._on_snapshot, namespace=self.namespace)
        client.on("change", self._on_change, namespace=self.namespace)
        client.on("disconnect", functools.partial(close_broken_line, client), namespace=self.namespace)
        return client

    @property
    def version(self) -> int | None:
        return self.state["version"] if self.state else None

    def connect(self) -> FeedFollower:
        """Connect (again): the followed state is kept, like a page that stays open while offline."""
        if self.client.eio.state != "disconnected":
            self.client = self._new_client()
        snapshots = sum(1 for kind, _ in self.received if kind == "snapshot")
        self.client.connect(self.url, namespaces=[self.namespace], auth=self.auth, headers=self.headers,
                            transports=self.transports, wait_timeout=15)
        wait_until(lambda: sum(1 for kind, _ in self.received if kind == "snapshot") > snapshots,
                   message=f"a snapshot on {self.namespace}")
        return self

    def disconnect(self) -> None:
        """Say goodbye without waiting: Werkzeug's dev server often leaves the WebSocket close frame
        unanswered, and python-socketio then waits 3 s for it."""
        if not self.client.connected:
            self.client.shutdown()  # a reconnection loop would outlive the test (its last try may succeed)
        if self.client.connected:
            threading.Thread(target=self.client.disconnect, daemon=True).start()
            wait_until(lambda: not self.client.connected, message="the client to disconnect")

    def wait_for(self, condition: Callable[[dict[str, Any]], Any], timeout: float = DEADLINE_SECONDS,
                 what: str = "state") -> dict[str, Any]:
        """The followed state once `condition` holds for it."""
        return wait_until(lambda: self.state if self.state is not None and condition(self.state) else None,
                          timeout, what)

    def change_of_kind(self, kind: str) -> dict[str, Any] | None:
        """The first change received for an event of this kind (the state may have moved on since)."""
        return next((data for received, data in self.received
                     if received == "change" and data.get("event", {}).get("kind") == kind), None)

    def _on_snapshot(self, data: dict[str, Any]) -> None:
        self.received.append(("snapshot", data))
        self.state = data

    def _on_change(self, data: dict[str, Any]) -> None:
        current = self.version
        if current is None or data["version"] <= current:
            self.received.append(("change", data))
            return
        # A phone is sent only the versions that concern it, each its ticket's whole state (status.js);
        # displays and staff get every version, and a gap there means a missed change.
        if data["version"] == current + 1 or self.namespace == TICKET_NAMESPACE:
            self.state = data  # before it is seen received: a test that saw it may read the state at once
            self.received.append(("change", data))
        else:
            self.received.append(("change", data))
            self.resyncs += 1
            # A change can arrive while the client is leaving; like the page, it then resyncs by the
            # snapshot its next connection starts with.
            with contextlib.suppress(socketio.exceptions.BadNamespaceError):
                self.client.emit("resync", namespace=self.namespace)


def close_broken_line(client: socketio.Client, reason: str) -> None:
    """On a disconnect, close the WebSocket of a line that broke under the client. python-engineio closes
    it when it hangs up or reads an end of stream, but not when the line times out (a blackholed proxy)
    or is reset (a killed server): the open socket stays in `eio.ws`, replaced unclosed by a reconnection
    or collected with the client during some later test, which ResourceWarning then fails."""
    ws = client.eio.ws
    if reason == client.reason.TRANSPORT_ERROR and ws is not None:
        ws.shutdown()


@contextlib.contextmanager
def following(*followers: FeedFollower) -> Iterator[None]:
    try:
        yield
    finally:
        for follower in followers:
            follower.disconnect()
