"""Which tickets a phone follows, so a publication sends a place in line only where a page is open.

With one process its own Socket.IO rooms say so. With several (Redis), a phone may follow a ticket through
any of them: each process counts its phones per ticket in a Redis hash per office, and the publishing
process reads that. A phone is counted before it joins its ticket's room, and the connect handler reads
its snapshot again after joining (namespaces.py), so a publication that did not count it yet is already
in that snapshot. A count left behind by a crashed process only costs a message nobody receives.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from waitwell.config import quick_redis_options
from waitwell.realtime.rooms import watched_tickets

log = logging.getLogger(__name__)

# Tickets are valid on the day they are taken: a hash no phone has touched for this long is dropped.
KEEP_SECONDS = 36 * 3600
# Take one from a ticket's count and drop it at zero, in one step: two phones leaving at once, or one
# leaving as another arrives, must never leave the other uncounted.
_LEAVE = """
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left
"""


class Watchers(Protocol):
    counts_phones: bool  # whether `joined` and `left` must be told (else the answer comes from elsewhere)

    def joined(self, office_id: int, token: str) -> None: ...

    def left(self, office_id: int, token: str) -> None: ...

    def tokens(self, office_id: int) -> set[str] | None:
        """The followed tickets' tokens (of this office, or more), or None when unknown: send to all."""


class UncountedWatchers:
    """Watchers that know the answer without being told of each phone."""

    counts_phones = False

    def joined(self, office_id: int, token: str) -> None:
        pass

    def left(self, office_id: int, token: str) -> None:
        pass


class LocalWatchers(UncountedWatchers):
    """Every phone is this process's: the server's ticket rooms are the answer, nothing to count."""

    def __init__(self, server: Any) -> None:
        self._server = server

    def tokens(self, office_id: int) -> set[str] | None:
        return watched_tickets(self._server)


class SharedWatchers:
    """Phones counted per ticket in Redis (`<prefix>:<office id>` hashes), for every process to read."""

    counts_phones = True

    def __init__(self, redis_client: Any, prefix: str) -> None:
        self._redis = redis_client
        self._prefix = prefix
        self._leave = redis_client.register_script(_LEAVE)

    @classmethod
    def for_url(cls, redis_url: str, channel: str) -> SharedWatchers:
        import redis

        # A publication or a phone's connect waits a few seconds at most, then goes on without the count
        # (see `tokens`). The Socket.IO messages themselves go through the same Redis, so this only
        # matters when it is struggling.
        client = redis.Redis.from_url(redis_url, **quick_redis_options())
        return cls(client, f"waitwell:watched:{channel}")

    def key(self, office_id: int) -> str:
        return f"{self._prefix}:{office_id}"

    def joined(self, office_id: int, token: str) -> None:
        try:
            with self._redis.pipeline() as pipe:
                pipe.hincrby(self.key(office_id), token, 1)
                pipe.expire(self.key(office_id), KEEP_SECONDS)
                pipe.execute()
        except Exception:  # Redis is the message queue too: without it nothing reaches the phone anyway
            log.exception("could not count a phone following a ticket of office %s", office_id)

    def left(self, office_id: int, token: str) -> None:
        try:
            self._leave(keys=[self.key(office_id)], args=[token])
        except Exception:  # a count left behind costs messages to nobody, not a missed one
            log.warning("could not uncount a phone of office %s", office_id, exc_info=True)

    def tokens(self, office_id: int) -> set[str] | None:
        try:
            counts = self._redis.hgetall(self.key(office_id))
        except Exception:  # unknown: every ticket gets its message, as without counting
            log.warning("could not read which tickets of office %s phones follow", office_id, exc_info=True)
            return None
        return {token.decode() if isinstance(token, bytes) else token
                for token, count in counts.items() if int(count) > 0}

    def close(self) -> None:
        self._redis.close()
