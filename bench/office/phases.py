"""The measured phases at one line size. Each is bounded by measured seconds, by requests and by the run's
deadline, and leaves the line where it found it.

Issues, taps and call cycles run in rounds: every client sends `per_client` requests, then (untimed) the round's
tickets are cancelled through the public API (issues, taps) or the consumed ones issued again (calls), so the line
stays within a quarter of its size of where the phase began. Rates count measured time only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from http_client import Client, Timings
from ops import Ops

MAX_PER_CLIENT = 10


@dataclass(frozen=True)
class Limits:
    seconds: float  # measured time per phase
    requests: int  # measured requests per phase
    deadline: float  # time.monotonic() by which everything must have stopped
    cpu: Callable[[], float] = lambda: 0.0  # CPU seconds used so far by the server's processes

    def over(self, seconds: float, requests: int) -> bool:
        return seconds >= self.seconds or requests >= self.requests or time.monotonic() >= self.deadline


@dataclass
class Phase:
    timings: dict[str, Timings] = field(default_factory=dict)
    line: tuple[int, int] = (0, 0)  # lowest and highest waiting count the phase let the line reach (estimated)
    note: str = ""


def per_client(level: int, clients: int) -> int:
    """Requests per client per round: the round moves the line by at most about a quarter of its size."""
    return max(1, min(MAX_PER_CLIENT, level // (4 * clients)))


def _rounds(pool: ThreadPoolExecutor, workers: int, per_worker: int, work: Callable[[int], None],
            after_round: Callable[[], None], limits: Limits, counted: Callable[[], int]) -> tuple[float, float]:
    """Rounds of `per_worker` calls of work(worker) on each worker, until the limits; returns the measured seconds
    and the server's CPU seconds during them."""
    measured = cpu = 0.0
    while not limits.over(measured, counted()):
        cpu_before, started = limits.cpu(), time.perf_counter()
        stop_at = started + limits.seconds - measured  # a slow round ends with the phase's time

        def loop(worker: int, stop_at: float = stop_at) -> None:
            for _ in range(per_worker):
                if time.perf_counter() >= stop_at or time.monotonic() >= limits.deadline:
                    return
                work(worker)

        for future in [pool.submit(loop, worker) for worker in range(workers)]:
            future.result()
        measured += time.perf_counter() - started
        cpu += limits.cpu() - cpu_before
        after_round()
    return measured, cpu


def _spread(pool: ThreadPoolExecutor, clients: list[Client], items: list, action: Callable[[Client, object], object]
            ) -> None:
    """Untimed housekeeping spread over the clients (cancel or issue again)."""
    shares = [items[index::len(clients)] for index in range(len(clients))]
    futures = [pool.submit(lambda c=client, mine=share: [action(c, item) for item in mine])
               for client, share in zip(clients, shares, strict=True)]
    for future in futures:
        future.result()


def issue_or_tap(ops: Ops, port: int, level: int, limits: Limits, *, kind: str, clients: int = 8) -> Phase:
    """`clients` clients issuing through the public API ("issue") or tapping kiosks ("tap")."""
    connections = [Client(port) for _ in range(clients)]
    mine = [Timings() for _ in range(clients)]
    issued: list[list[tuple[str, int]]] = [[] for _ in range(clients)]
    size = per_client(level, clients)

    def work(index: int) -> None:
        got = (ops.issue(connections[index], mine[index]) if kind == "issue"
               else ops.tap(connections[index], index, mine[index]))
        if got:
            issued[index].append(got)

    def cancel_round() -> None:
        tokens = [token for share in issued for token, _ in share]
        for share in issued:
            share.clear()
        _spread(pool, connections, tokens, lambda client, token: ops.cancel(client, token))  # type: ignore[arg-type]

    with ThreadPoolExecutor(clients) as pool:
        seconds, cpu = _rounds(pool, clients, size, work, cancel_round, limits, lambda: sum(t.count for t in mine))
    total = Timings(seconds=seconds, server_cpu=cpu)
    for timings in mine:
        total.latencies += timings.latencies
        total.statuses.update(timings.statuses)
    for connection in connections:
        connection.close()
    return Phase({kind: total}, (level, level + clients * size), f"rounds of {clients}x{size}, then cancelled")


def call_cycles(ops: Ops, port: int, level: int, limits: Limits, counter_ids: list[int]) -> Phase:
    """One clerk per counter: call next, complete, again. The consumed tickets are issued again between rounds."""
    clerks = len(counter_ids)
    connections = [Client(port, ops.office.tokens[counter_id]) for counter_id in counter_ids]
    public = [Client(port) for _ in range(8)]
    calls = [Timings() for _ in range(clerks)]
    completes = [Timings() for _ in range(clerks)]
    consumed: list[list[int]] = [[] for _ in range(clerks)]
    size = per_client(level, clerks)

    def work(index: int) -> None:
        client, counter_id = connections[index], counter_ids[index]
        status, ticket = ops.call_next(client, counter_id, calls[index])
        if ticket is None:
            if status == 409:
                ops.free_counter(client, counter_id)
            elif status == 404:
                time.sleep(0.01)
            return
        ops.complete(client, int(ticket["id"]), completes[index])
        consumed[index].append(int(ticket["service_id"]))

    def top_up() -> None:
        services = [service for share in consumed for service in share]
        for share in consumed:
            share.clear()
        _spread(pool, public, services, lambda client, service: ops.issue(client, Timings(), service))  # type: ignore[arg-type]

    with ThreadPoolExecutor(max(clerks, 8)) as pool:
        for future in [pool.submit(ops.free_counter, connections[index], counter_ids[index])
                       for index in range(clerks)]:
            future.result()
        seconds, cpu = _rounds(pool, clerks, size, work, top_up, limits, lambda: sum(t.count for t in calls))
    phase = Phase({"call-next": Timings(seconds=seconds, server_cpu=cpu), "complete": Timings(seconds=seconds)},
                  (level - clerks * size, level), f"{clerks} clerks, rounds of {clerks}x{size}, then topped up")
    for timings in calls:
        phase.timings["call-next"].latencies += timings.latencies
        phase.timings["call-next"].statuses.update(timings.statuses)
    for timings in completes:
        phase.timings["complete"].latencies += timings.latencies
        phase.timings["complete"].statuses.update(timings.statuses)
    for connection in connections + public:
        connection.close()
    return phase


def reads(ops: Ops, port: int, level: int, limits: Limits, tokens: list[str], clients: int = 8) -> Phase:
    """Status reads (API and page) of waiting tickets and board reads (display page, office waits, kiosk board),
    one kind at a time, `clients` clients each."""
    kinds: dict[str, Callable[[Client, int, int, Timings], None]] = {
        "status API": lambda c, w, i, t: ops.status_api(c, tokens[(w * 7919 + i) % len(tokens)], t),
        "status page": lambda c, w, i, t: ops.status_page(c, tokens[(w * 7919 + i) % len(tokens)], t),
        "display page": lambda c, w, i, t: ops.display_page(c, w + i, t),
        "office waits API": lambda c, w, i, t: ops.waits_api(c, t),
        "kiosk board": lambda c, w, i, t: ops.kiosk_board(c, w + i, t),
    }
    phase = Phase(line=(level, level))
    connections = [Client(port) for _ in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        for kind, read in kinds.items():
            mine = [Timings() for _ in range(clients)]
            stop_at = time.perf_counter() + limits.seconds
            share = max(1, limits.requests // clients)

            def loop(worker: int, read: Callable[[Client, int, int, Timings], None] = read,
                     mine: list[Timings] = mine, stop_at: float = stop_at, share: int = share) -> None:
                index = 0
                while time.perf_counter() < stop_at and index < share and time.monotonic() < limits.deadline:
                    read(connections[worker], worker, index, mine[worker])
                    index += 1

            cpu_before, started = limits.cpu(), time.perf_counter()
            for future in [pool.submit(loop, worker) for worker in range(clients)]:
                future.result()
            total = Timings(seconds=time.perf_counter() - started, server_cpu=limits.cpu() - cpu_before)
            for timings in mine:
                total.latencies += timings.latencies
                total.statuses.update(timings.statuses)
            phase.timings[kind] = total
    for connection in connections:
        connection.close()
    return phase


def recall_transfer(ops: Ops, port: int, level: int, limits: Limits, counter_id: int, times: int) -> Phase:
    """One clerk, one request at a time: call next, recall it, transfer it to another line (it waits again)."""
    client = Client(port, ops.office.tokens[counter_id])
    phase = Phase({"recall": Timings(), "transfer": Timings()}, (level, level))
    ops.free_counter(client, counter_id)
    started = time.perf_counter()
    for _ in range(times):
        if time.monotonic() >= limits.deadline or time.perf_counter() - started > 3 * limits.seconds:
            break
        status, ticket = ops.call_next(client, counter_id, Timings())
        if ticket is None:
            if status == 409:
                ops.free_counter(client, counter_id)
            continue
        ops.recall(client, int(ticket["id"]), counter_id, phase.timings["recall"])
        if ops.transfer(client, int(ticket["id"]), int(ticket["service_id"]), phase.timings["transfer"]) != 200:
            ops.free_counter(client, counter_id)
    phase.timings["recall"].seconds = phase.timings["transfer"].seconds = time.perf_counter() - started
    client.close()
    return phase
