"""Socket.IO's Redis message queue, made to come back by itself when Redis goes away and to say when it is deaf.

python-socketio's RedisManager publishes in the thread that emits, so a publication waited on redis-py's retries
while Redis was away, and every message after it in the same publication (this process's own screens' too).
Once its subscription broke it waited 1, 2, 4, ... up to 60 s between tries to subscribe again: a process
whose subscription was not yet back lost whatever the others published meanwhile, the first call after Redis
returned included, and its screens had no way to know.

Here an emit only puts the message in a bounded line, and one sender publishes the line in order, trying again
until Redis takes it; the subscription is renewed within `MOST_RETRY_SECONDS` of Redis answering. `link()` names
the current unbroken stretch of time during which this process hears the queue (each process publishes a small
probe every second and hears its own), or is None while it hears nothing: the heartbeat passes it on to the
screens (heartbeat.py), which catch up when it changes or after a silence.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from typing import Any

import socketio

log = logging.getLogger(__name__)

PROBE = "waitwell.probe"  # a message method python-socketio's listener ignores: it only says "the queue works"
# The queue counts as heard while any message (a probe comes every second) arrived this recently.
HEARD_WITHIN_SECONDS = 3.0
# Messages waiting for Redis beyond this many: the oldest go (they are stale by then; a screen that misses one
# sees a gap in versions, or the heartbeat's new link, and asks for a snapshot).
MOST_PENDING = 2_000
FIRST_RETRY_SECONDS = 0.25
MOST_RETRY_SECONDS = 1.0
PROBE_EVERY_SECONDS = 1.0
READ_EVERY_SECONDS = 1.0  # the listener's longest wait for a message before it checks for a silent line


def quick_queue_options() -> dict[str, Any]:
    """redis-py settings for the queue: a dead Redis fails a try within a second or two, and the tries again are
    the sender's and the listener's own (no redis-py retries with growing sleeps)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": 1, "socket_timeout": 2, "retry": Retry(NoBackoff(), 0)}


class RedisQueue(socketio.RedisManager):  # type: ignore[misc]
    """A `socketio.RedisManager` whose publishing never holds the emitting thread and whose listener comes back
    within a second of Redis (see the module's docstring)."""

    name = "waitwell-redis"

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel, redis_options=quick_queue_options())
        self._pending: deque[dict[str, Any]] = deque(maxlen=MOST_PENDING)
        self._wake = threading.Event()
        self._sender_started = False
        self._start_lock = threading.Lock()
        self._probe_pending = False
        self._link: str | None = None  # names the current stretch of hearing; None before the first
        self._last_heard = 0.0  # time.monotonic() of the last message or subscription confirmed; 0: deaf
        self._closed = False
        self._failing = False  # logged once per outage, not once per message

    # -- what the heartbeat asks --------------------------------------------------------------------------

    def link(self) -> str | None:
        """The name of the stretch of time during which this process has heard the queue without a break, or
        None while it hears nothing. Anything published during a break may have been missed here."""
        link, heard = self._link, self._last_heard
        return link if time.monotonic() - heard <= HEARD_WITHIN_SECONDS else None

    def close(self) -> None:
        """Stop the sender and the listener (a test's app; a server's process simply ends)."""
        self._closed = True
        self._wake.set()

    # -- publishing: in order, off the emitting thread --------------------------------------------------

    def _publish(self, data: Any) -> None:
        if len(self._pending) == MOST_PENDING and not self._failing:
            log.warning("more than %s Socket.IO messages wait for Redis: the oldest are dropped", MOST_PENDING)
        self._pending.append(data)
        self._start_sender()
        self._wake.set()

    def _probe(self) -> None:
        """Publish a probe (one at most waiting): every process hearing the queue hears it, this one too."""
        if not self._probe_pending:
            self._probe_pending = True
            self._publish({"method": PROBE, "host_id": self.host_id})

    def _start_sender(self) -> None:
        with self._start_lock:
            if self._sender_started:
                return
            self._sender_started = True
        self.server.start_background_task(self._send_pending)

    def _send_pending(self) -> None:
        client = None
        while not self._closed:
            self._wake.wait(READ_EVERY_SECONDS)
            self._wake.clear()
            while self._pending and not self._closed:
                message = self._pending.popleft()
                if message.get("method") == PROBE:
                    self._probe_pending = False
                retry = FIRST_RETRY_SECONDS
                while not self._closed:
                    try:
                        client = client or self._new_client()
                        client.publish(self.channel, self.json.dumps(message))
                        break
                    except Exception as error:  # noqa: BLE001 - any failure: Redis is away; try again
                        self._note_failure("publish to", error)
                        client = _closed(client)
                        time.sleep(retry)
                        retry = min(retry * 2, MOST_RETRY_SECONDS)
                self._note_success()
        _closed(client)

    # -- listening: subscribed again as soon as Redis answers ---------------------------------------------

    def _listen(self) -> Iterator[Any]:
        channel = self.channel.encode("utf-8")
        retry = FIRST_RETRY_SECONDS
        probed = 0.0
        while not self._closed:
            pubsub = None
            try:
                pubsub = self._new_client().pubsub()
                pubsub.subscribe(self.channel)
                subscribed = time.monotonic()
                while not self._closed:
                    if time.monotonic() - probed >= PROBE_EVERY_SECONDS:
                        probed = time.monotonic()
                        self._probe()
                    message = pubsub.get_message(timeout=READ_EVERY_SECONDS)
                    if message is None:
                        if time.monotonic() - max(self._last_heard, subscribed) > 2 * HEARD_WITHIN_SECONDS:
                            raise ConnectionError("nothing heard from Redis, not even the probes")
                        continue
                    self._heard()
                    retry = FIRST_RETRY_SECONDS
                    if message["type"] == "message" and message["channel"] == channel:
                        yield message["data"]
            except Exception as error:  # noqa: BLE001 - any failure: subscribe again
                self._last_heard = 0.0
                self._note_failure("receive from", error)
                time.sleep(retry)
                retry = min(retry * 2, MOST_RETRY_SECONDS)
            finally:
                _closed(pubsub)

    def _heard(self) -> None:
        now = time.monotonic()
        if now - self._last_heard > HEARD_WITHIN_SECONDS:  # after a break (or at first): a new stretch
            self._link = uuid.uuid4().hex[:12]
            if self._failing:
                self._note_success()
        self._last_heard = now

    def _new_client(self) -> Any:
        return self._get_redis_module().Redis.from_url(self.redis_url, **self.redis_options)

    def _note_failure(self, what: str, error: Exception) -> None:
        if not self._failing:
            self._failing = True
            log.warning("cannot %s Redis (%s): screens are told they may be behind; trying again", what, error)

    def _note_success(self) -> None:
        if self._failing:
            self._failing = False
            log.warning("Redis answers again: screens catch up")


def _closed(resource: Any) -> None:
    """Close a Redis client or pubsub, whatever state its connection is in; None, to forget it."""
    if resource is not None:
        try:
            resource.close()
        except Exception:
            log.debug("closing a Redis connection failed", exc_info=True)
    return None
