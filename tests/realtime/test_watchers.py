"""Phones counted per ticket in Redis, for processes that publish changes their own rooms cannot see."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support.ports import free_port
from waitwell.realtime.watchers import KEEP_SECONDS, SharedWatchers

pytestmark = pytest.mark.redis


@pytest.fixture
def watchers(redis_url: str):
    shared = SharedWatchers.for_url(redis_url, f"waitwell-test-{uuid.uuid4().hex[:12]}")
    yield shared
    for office_id in (1, 2):
        shared._redis.delete(shared.key(office_id))
    shared.close()


def test_a_ticket_is_followed_until_its_last_phone_leaves(watchers: SharedWatchers) -> None:
    watchers.joined(1, "token-a")
    watchers.joined(1, "token-a")  # the same ticket on two phones (or one phone through two processes)
    watchers.joined(1, "token-b")
    assert watchers.tokens(1) == {"token-a", "token-b"}
    watchers.left(1, "token-a")
    assert watchers.tokens(1) == {"token-a", "token-b"}
    watchers.left(1, "token-a")
    watchers.left(1, "token-b")
    assert watchers.tokens(1) == set()
    assert watchers._redis.hlen(watchers.key(1)) == 0  # nothing left behind at zero


def test_offices_are_counted_apart_and_forgotten_after_a_day_and_a_half(watchers: SharedWatchers) -> None:
    watchers.joined(1, "token-a")
    watchers.joined(2, "token-z")
    assert watchers.tokens(1) == {"token-a"} and watchers.tokens(2) == {"token-z"}
    assert 0 < watchers._redis.ttl(watchers.key(1)) <= KEEP_SECONDS


def test_a_leave_without_a_join_does_not_go_below_nobody(watchers: SharedWatchers) -> None:
    """A process restarted between a phone's join and its leave: the count must not block a later join."""
    watchers.left(1, "token-a")
    watchers.joined(1, "token-a")
    assert watchers.tokens(1) == {"token-a"}


def test_without_redis_every_ticket_gets_its_message_and_nothing_waits_long() -> None:
    unreachable = SharedWatchers.for_url(f"redis://127.0.0.1:{free_port()}/0", "x")
    started = time.monotonic()
    unreachable.joined(1, "token-a")  # logged, not raised: the phone's connect goes on
    unreachable.left(1, "token-a")
    assert unreachable.tokens(1) is None  # unknown: the publisher sends to every ticket in play
    assert time.monotonic() - started < 5  # redis-py's own retries would take about 12 s
