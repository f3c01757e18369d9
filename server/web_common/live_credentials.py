"""Live connections end with the credential they signed in with.

A staff console or print agent that connected with an API token, or with a staff session, is held here with
that credential. Its connection is dropped when the credential no longer holds: the token is revoked or
expired, the session was ended (signing out, a new password), passed its longest lifetime, or the account
was switched off. Every `WAITWELL_CREDENTIAL_RECHECK_SECONDS` (default 5) each process checks everything it
holds in two reads, so a change made anywhere (another process, the command line) or a token's expiry drops
its connections in every process within that time, with or without Redis; the request that revokes a token
or signs out also checks at once (`recheck`), so in its own process the drop is immediate. A dropped client
that reconnects is refused by the namespace, like any unknown credential.

The idle timeout is not checked here: an open console's socket is not the person doing something, and the
console's own refreshes, which are requests, find the session over and take the page to the sign-in page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from waitwell.credential_settings import recheck_seconds
from waitwell.domain.credentials import Credential
from waitwell.runtime import Runtime
from waitwell.services import credentials

log = logging.getLogger(__name__)

LIVE_CREDENTIALS_KEY = "waitwell.live_credentials"


class LiveCredentials:
    """The credential of each live connection of this process, by (namespace, sid)."""

    def __init__(self, server: Any, runtime: Runtime, *, every: float, start: Callable[[Callable[[], None]], Any],
                 sleep: Callable[[float], Any]) -> None:
        self._server = server
        self._runtime = runtime
        self._every = every
        self._start = start
        self._sleep = sleep
        self._held: dict[tuple[str, str], Credential] = {}
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def hold(self, namespace: str, sid: str, credential: Credential) -> None:
        """Keep this connection only while `credential` holds (starts the periodic check on first use)."""
        with self._lock:
            self._held[(namespace, sid)] = credential
            start, self._started = not self._started and not self._closed, True
        if start:
            self._start(self._run)

    def recheck(self) -> int:
        """Check every held connection's credential now and drop those that no longer hold; how many."""
        with self._lock:
            held = {key: credential for key, credential in self._held.items()
                    if self._server.manager.is_connected(key[1], key[0])}
            self._held = dict(held)
        if not held:
            return 0
        valid = credentials.still_valid(self._runtime.uow(read_only=True), set(held.values()))
        ended = [key for key, credential in held.items() if credential not in valid]
        for namespace, sid in ended:
            with self._lock:
                self._held.pop((namespace, sid), None)
            log.info("dropping a %s connection: its credential no longer holds", namespace)
            # This process's own client: no need for the message queue (which may be away).
            self._server.disconnect(sid, namespace=namespace, ignore_queue=True)
        return len(ended)

    def close(self) -> None:
        self._closed = True

    def _run(self) -> None:
        while True:
            self._sleep(self._every)
            if self._closed:
                return
            try:
                self.recheck()
            except Exception:  # a database hiccup must not stop the checks that follow
                log.exception("live connections' credentials could not be checked")


def init_app(app: Flask, server: Any, runtime: Runtime, *, start: Callable[[Callable[[], None]], Any],
             sleep: Callable[[float], Any]) -> None:
    """Hold this app's live connections' credentials; the checks stop when the runtime's bus closes."""
    live = LiveCredentials(server, runtime, every=recheck_seconds(app.config), start=start, sleep=sleep)
    runtime.bus.on_close(live.close)
    app.extensions[LIVE_CREDENTIALS_KEY] = live


def hold(namespace: str, sid: str, credential: Credential) -> None:
    """Hold a connection of the current app (nothing without the realtime part)."""
    live: LiveCredentials | None = current_app.extensions.get(LIVE_CREDENTIALS_KEY)
    if live is not None:
        live.hold(namespace, sid, credential)


def recheck() -> None:
    """After revoking a token or ending sessions: drop this process's connections that no longer hold, now."""
    live: LiveCredentials | None = current_app.extensions.get(LIVE_CREDENTIALS_KEY)
    if live is None:
        return
    try:
        live.recheck()
    except Exception:  # the change is made; the periodic check drops them shortly
        log.exception("live connections' credentials could not be checked")
