"""Live updates over Socket.IO: lobby displays, citizens' phones and staff consoles.

The engine never calls this package: `init_app` subscribes a FeedPublisher to the runtime's event
bus, and the namespaces answer connects and resyncs with snapshots. See docs/realtime.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO

from waitwell.config import Config
from waitwell.estimates.estimate import WaitEstimate
from waitwell.extensions import socketio
from waitwell.realtime.guesses import TokenGuesses
from waitwell.realtime.heartbeat import Heartbeat, OneProcess
from waitwell.realtime.message_queue import RedisQueue
from waitwell.realtime.namespaces import (
    GUESSES_KEY,
    HEARTBEAT_KEY,
    SNAPSHOTS_KEY,
    WATCHERS_KEY,
    DisplayNamespace,
    StaffNamespace,
    TicketNamespace,
)
from waitwell.realtime.printer_alerts import PrinterAlertPublisher
from waitwell.realtime.publisher import Background, FeedPublisher
from waitwell.realtime.rooms import DISPLAY_NAMESPACE, STAFF_NAMESPACE, TICKET_NAMESPACE
from waitwell.realtime.snapshots import Snapshots
from waitwell.realtime.watchers import LocalWatchers, SharedWatchers
from waitwell.runtime import Runtime
from waitwell.services.coalescing import run_here
from waitwell.web import RUNTIME_KEY
from waitwell.web_common import live_credentials

# The server pings every 3 s and gives up on a client that has not answered within 3 s (it checks
# its clients once per ping timeout): at worst 3 + 3 + 3 = 9 s. The browser expects a ping every
# 3 + 3 s. Either side notices a dead connection within 10 s, at a cost of one tiny frame per 3 s.
PING_INTERVAL_SECONDS = 3
PING_TIMEOUT_SECONDS = 3
DEFAULT_CHANNEL = "flask-socketio"
PUBLISHER_KEY = "waitwell.feed_publisher"
PRINTER_ALERTS_KEY = "waitwell.printer_alerts"
REDIS_SCHEMES = ("redis://", "rediss://")


def init_app(app: Flask, config: Config) -> None:
    """Bind Socket.IO to the app (Redis message queue when REDIS_URL is set) and publish the engine's events."""
    channel = app.config.get("WAITWELL_SOCKETIO_CHANNEL", DEFAULT_CHANNEL)
    # Redis as the message queue, kept going through Redis outages (message_queue.py); any other queue URL is
    # Flask-SocketIO's choice.
    queue = RedisQueue(config.redis_url, channel) if config.redis_url.startswith(REDIS_SCHEMES) else None
    socketio.init_app(
        app,
        # Explicit: auto-detection would pick eventlet if it were installed. "gevent" for many
        # connections per process (docs/realtime.md); the process must be monkey-patched first.
        async_mode=app.config.get("WAITWELL_ASYNC_MODE") or os.environ.get("WAITWELL_ASYNC_MODE", "threading"),
        message_queue=config.redis_url or None,
        channel=channel,
        ping_interval=PING_INTERVAL_SECONDS,
        ping_timeout=PING_TIMEOUT_SECONDS,
        **({"client_manager": queue} if queue is not None else {}),
    )
    if not any(isinstance(handler, DisplayNamespace) for handler in socketio.namespace_handlers):
        socketio.on_namespace(DisplayNamespace(DISPLAY_NAMESPACE))
        socketio.on_namespace(TicketNamespace(TICKET_NAMESPACE))
        socketio.on_namespace(StaffNamespace(STAFF_NAMESPACE))
    runtime: Runtime = app.extensions[RUNTIME_KEY]
    background = background_work()
    stale_after = _stale_after(app)
    snapshots = Snapshots(runtime, offload=background.offload, stale_after=stale_after)
    app.extensions[SNAPSHOTS_KEY] = snapshots
    app.extensions[GUESSES_KEY] = TokenGuesses()
    # Emit through this app's server object, so a later app in the same process cannot redirect it.
    server = socketio.server
    beats = Heartbeat(server, queue or OneProcess(), start=socketio.start_background_task, sleep=socketio.sleep)
    runtime.bus.on_close(beats.close)
    app.extensions[HEARTBEAT_KEY] = beats
    live_credentials.init_app(app, server, runtime, start=socketio.start_background_task, sleep=socketio.sleep)
    watchers = SharedWatchers.for_url(config.redis_url, channel) if config.redis_url else LocalWatchers(server)
    app.extensions[WATCHERS_KEY] = watchers
    publisher = FeedPublisher(runtime, server, snapshots, background=background, stale_after=stale_after,
                              watchers=watchers)
    publisher.subscribe(runtime.bus)
    snapshots.refresh_estimates = publisher.refresh_soon
    app.extensions[PUBLISHER_KEY] = publisher
    alerts = PrinterAlertPublisher(runtime, server, background)
    alerts.subscribe(runtime.bus)
    app.extensions[PRINTER_ALERTS_KEY] = alerts


def _stale_after(app: Flask) -> timedelta:
    """The same stale limit as the /waits page (WAITWELL_STALE_AFTER_MINUTES), read once at start-up."""
    from waitwell.web_common.stale_figures import configured_stale_after

    return configured_stale_after(app)


def new_ticket_estimates(service_id: int, now: datetime, max_age_seconds: float) -> dict[int, WaitEstimate | None]:
    """What the screens of the service's office show as the wait of a ticket taken now, per active service,
    when this process's last refresh of them is at most `max_age_seconds` old (empty otherwise)."""
    snapshots: Snapshots | None = current_app.extensions.get(SNAPSHOTS_KEY)
    return {} if snapshots is None else snapshots.waits.new_ticket(service_id, now, max_age_seconds)


def refresh_estimates(office_id: int) -> None:
    """Have the office's estimates computed behind the request (a kiosk found none recent enough)."""
    publisher: FeedPublisher | None = current_app.extensions.get(PUBLISHER_KEY)
    if publisher is not None:
        publisher.refresh_soon(office_id)


def until_idle() -> Callable[[float], object] | None:
    """Under gevent, `gevent_settle()` (None with native threads, which the interpreter switches between
    by itself)."""
    if socketio.server is None or socketio.server.async_mode != "gevent":
        return None
    return gevent_settle()


def gevent_settle() -> Callable[[float], None]:
    """A wait of at most `seconds` until no other greenlet is ready to run and no socket has anything to
    read. Bounded: with a print worker inside the process, the loop may not be idle for long."""
    from gevent import Timeout, idle

    def settle(seconds: float) -> None:
        with Timeout(seconds, False):
            idle()

    return settle


def background_work() -> Background:
    """Background tasks and sleep of the chosen async mode; under gevent, replays in a native thread (also for
    the other work that runs behind the changes, such as keeping each new ticket's estimate)."""
    offload = run_here
    if socketio.server.async_mode == "gevent":
        from gevent import get_hub

        def offload(work: Callable[[], Any]) -> Any:
            return get_hub().threadpool.apply(work)

    return Background(start=socketio.start_background_task, sleep=socketio.sleep, offload=offload)


def attach_publisher(runtime: Runtime, redis_url: str, *, channel: str = DEFAULT_CHANNEL) -> FeedPublisher:
    """Let a CLI or worker process publish its changes to every server's clients through Redis.

    Call `publisher.close()` when the process is done, to unsubscribe and close the Redis connection.
    """
    emitter: Any = SocketIO(message_queue=redis_url, channel=channel)  # write-only: no app, no clients
    publisher = FeedPublisher(runtime, emitter, watchers=SharedWatchers.for_url(redis_url, channel))
    publisher.subscribe(runtime.bus)
    return publisher


def attach_printer_alerts(runtime: Runtime, redis_url: str, *, channel: str = DEFAULT_CHANNEL) -> PrinterAlertPublisher:
    """Let a process that prints without serving pages (`waitwell print-worker`) tell every server's staff
    of its printers' problems through Redis. Call `alerts.close()` when the process is done."""
    emitter: Any = SocketIO(message_queue=redis_url, channel=channel)  # write-only: no app, no clients
    alerts = PrinterAlertPublisher(runtime, emitter)
    alerts.subscribe(runtime.bus)
    return alerts
