"""A busy office in the background (issues, taps, clerks calling and completing, phones reading their status,
boards read), each stream at a steady pace; and a client sending single requests one at a time meanwhile."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

from http_client import Client, Timings
from ops import Ops

# Requests (cycles for "cycle": a call next and a complete) per second at --mixed-scale 1, and the threads sending
# them. Issues and taps together about match the calls, so the line stays where it is.
STREAMS: dict[str, tuple[float, int]] = {
    "issue": (3, 2), "tap": (3, 2), "status API": (10, 3), "status page": (4, 2),
    "display page": (1, 1), "office waits API": (1, 1), "kiosk board": (1, 1),
}
CYCLES_PER_SECOND = 6.0


class MixedLoad:
    """Started on entry, stopped on exit; `timings` holds what each stream saw."""

    def __init__(self, ops: Ops, port: int, tokens: list[str], counter_ids: list[int], scale: float) -> None:
        self.ops, self.port, self.tokens, self.counter_ids, self.scale = ops, port, tokens, counter_ids, scale
        self.timings: dict[str, Timings] = {name: Timings() for name in [*STREAMS, "call-next", "complete"]}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = 0.0

    def __enter__(self) -> MixedLoad:
        self._started = time.perf_counter()
        for name, (rate, threads) in STREAMS.items():
            for index in range(threads):
                client = Client(self.port)
                self._start(rate * self.scale / threads, self._action(name, client, index), client)
        for counter_id in self.counter_ids:
            client = Client(self.port, self.ops.office.tokens[counter_id])
            self._start(CYCLES_PER_SECOND * self.scale / len(self.counter_ids), self._cycle(client, counter_id),
                        client)
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=40)
        elapsed = time.perf_counter() - self._started
        for timings in self.timings.values():
            timings.seconds = elapsed

    def _start(self, rate: float, action: Callable[[], None], client: Client) -> None:
        thread = threading.Thread(target=self._paced, args=(rate, action, client), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _paced(self, rate: float, action: Callable[[], None], client: Client) -> None:
        interval = 1 / rate
        next_at = time.perf_counter() + interval * (hash(action) % 100) / 100  # streams out of step
        while not self._stop.wait(max(0.0, next_at - time.perf_counter())):
            action()
            next_at += interval
            if next_at < time.perf_counter() - 1:  # fell behind by a second: carry on at pace, no burst
                next_at = time.perf_counter()
        client.close()

    def _action(self, name: str, client: Client, index: int) -> Callable[[], None]:
        ops, timings, tokens = self.ops, self.timings[name], self.tokens
        state = {"next": index * 101}

        def token() -> str:
            state["next"] += 1
            return tokens[state["next"] % len(tokens)]

        actions: dict[str, Callable[[], object]] = {
            "issue": lambda: ops.issue(client, timings),
            "tap": lambda: ops.tap(client, index, timings),
            "status API": lambda: ops.status_api(client, token(), timings),
            "status page": lambda: ops.status_page(client, token(), timings),
            "display page": lambda: ops.display_page(client, index, timings),
            "office waits API": lambda: ops.waits_api(client, timings),
            "kiosk board": lambda: ops.kiosk_board(client, index, timings),
        }
        return actions[name]  # type: ignore[return-value]

    def _cycle(self, client: Client, counter_id: int) -> Callable[[], None]:
        def cycle() -> None:
            status, ticket = self.ops.call_next(client, counter_id, self.timings["call-next"])
            if ticket is not None:
                self.ops.complete(client, int(ticket["id"]), self.timings["complete"])
            elif status == 409:
                self.ops.free_counter(client, counter_id)

        return cycle


def one_at_a_time(ops: Ops, port: int, tokens: list[str], counter_id: int, seconds: float, deadline: float,
                  pause: float = 0.05) -> dict[str, Timings]:
    """A sequential client: one request at a time, a mix of every kind, for `seconds`; timings per kind and "all"."""
    public, clerk = Client(port), Client(port, ops.office.tokens[counter_id])
    kinds = ("issue", "status API", "tap", "status page", "call-next", "recall", "complete", "display page",
             "office waits API", "kiosk board")
    timings = {kind: Timings() for kind in (*kinds, "all")}
    ops.free_counter(clerk, counter_id)
    stop_at = min(time.perf_counter() + seconds, time.perf_counter() + deadline - time.monotonic())
    index, ticket = 0, None
    while time.perf_counter() < stop_at:
        kind = kinds[index % len(kinds)]
        index += 1
        one = Timings()
        if kind == "issue":
            ops.issue(public, one)
        elif kind == "tap":
            ops.tap(public, index, one)
        elif kind in ("status API", "status page"):
            (ops.status_api if kind == "status API" else ops.status_page)(public, tokens[index % len(tokens)], one)
        elif kind == "call-next":
            status, ticket = ops.call_next(clerk, counter_id, one)
            if status == 409:
                ops.free_counter(clerk, counter_id)
        elif kind == "recall":
            if ticket is None:
                continue
            ops.recall(clerk, int(ticket["id"]), counter_id, one)
        elif kind == "complete":
            if ticket is None:
                continue
            ops.complete(clerk, int(ticket["id"]), one)
            ticket = None
        elif kind == "display page":
            ops.display_page(public, index, one)
        elif kind == "office waits API":
            ops.waits_api(public, one)
        else:
            ops.kiosk_board(public, index, one)
        timings[kind].extend(one)
        timings["all"].extend(one)
        time.sleep(pause)
    for timing in timings.values():
        timing.seconds = seconds
    public.close()
    clerk.close()
    return timings
