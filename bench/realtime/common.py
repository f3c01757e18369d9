"""Shared parts of the realtime benchmarks: a scratch database, server processes, many asyncio clients.

Loopback only, bounded in clients, calls and time; every process started here is stopped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import requests
import socketio

from waitwell.domain.states import CounterState
from waitwell.persistence.migrate import upgrade
from waitwell.runtime import Runtime
from waitwell.services import accounts, displays, offices, tickets

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "tests" / "support" / "serve_app.py"  # the same server entry point the tests kill and restart
CONNECT_BATCH = 100  # clients connecting at once: a lobby after a power cut, not a SYN flood


@dataclass(frozen=True)
class Office:
    database_url: str
    display_id: int
    counter_ids: list[int]
    api_token: str


def scratch_office(folder: Path, *, counters: int) -> Office:
    """A migrated SQLite database with one office, `counters` open counters, tickets to call and a display."""
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    runtime = Runtime(url)
    office = offices.create_office(runtime.uow(), name="Benchmark office", timezone="America/New_York")
    service = offices.add_service(runtime.uow(), office_id=office.id, name="Licence renewal", prefix="A")
    counter_ids = [offices.add_counter(runtime.uow(), office_id=office.id, name=f"Counter {n}",
                                       service_ids=[service.id], state=CounterState.OPEN)
                   for n in range(1, counters + 1)]
    for _ in range(counters + 10):
        tickets.issue_ticket(runtime.uow(), service_id=service.id)
    display = displays.register_display(runtime.uow(), office_id=office.id, name="Hall")
    clerk = accounts.create_user(runtime.uow(), username="bench", password="bench-password", office_ids=[office.id])
    token = accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="bench")
    runtime.dispose()
    return Office(url, display.id, counter_ids, token)


def die_with_parent() -> None:
    """In the child, before exec: be killed with the benchmark, so an aborted run leaves nothing behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def servers(database_url: str, count: int, *, async_mode: str, redis_url: str = "",
            channel: str = "") -> Iterator[list[str]]:
    """Start `count` server processes on free ports; always stopped on the way out."""
    folder = Path(tempfile.mkdtemp(prefix="waitwell-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for _ in range(count):
            port = free_port()
            args = [sys.executable, str(SERVE), "--port", str(port), "--database-url", database_url,
                    "--instance", str(folder), "--async-mode", async_mode]
            if redis_url:
                args += ["--redis-url", redis_url, "--channel", channel]
            log = (folder / f"server-{port}.log").open("wb")
            processes.append(subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                              env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                              preexec_fn=die_with_parent))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30, *, log: object = "") -> None:
    """Until the server answers; stop the benchmark if it exits or stays silent (`log`: where to look)."""
    see = f"; see {log}" if log else ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server {url} exited with {process.returncode}{see}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/api/v1/offices", timeout=5).ok:
                return
        time.sleep(0.2)
    raise SystemExit(f"server {url} did not answer within {timeout:.0f} s{see}")


@dataclass
class Screen:
    """One display client: when each ticket_called change arrived."""

    close: Any = None
    listener: Any = None
    arrivals: list[float] = field(default_factory=list)
    dropped_at: float | None = None  # the connection ended before we closed it


async def connect_screens(session: aiohttp.ClientSession, urls: list[str], count: int, display_id: int, *,
                          lean: bool = True) -> tuple[list[Screen], int]:
    """`count` display clients spread evenly over `urls`, over WebSocket; returns them and the failures.

    lean: speak Engine.IO/Socket.IO directly over aiohttp and only look for the marker of a call, so the
    clients' own work (a TV's, in real life) weighs as little as possible on the shared cores; otherwise
    use python-socketio's AsyncClient, which decodes every message.
    """
    screens: list[Screen] = []
    failures = 0

    async def connect(index: int) -> None:
        nonlocal failures
        url = urls[index % len(urls)]
        try:
            screen = await (_lean_screen if lean else _socketio_screen)(session, url, display_id)
            screens.append(screen)
        except Exception:  # noqa: BLE001 - counted and reported, never hidden
            failures += 1

    for start in range(0, count, CONNECT_BATCH):
        await asyncio.gather(*(connect(i) for i in range(start, min(start + CONNECT_BATCH, count))))
    return screens, failures


CALL_MARKERS = ('"kind":"ticket_called"', '"kind": "ticket_called"')  # compact or spaced JSON


async def _lean_screen(session: aiohttp.ClientSession, url: str, display_id: int) -> Screen:
    """Engine.IO v4 + Socket.IO v5 by hand: open, join /display, answer pings, time the calls."""
    ws = await session.ws_connect(url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                                  autoping=False, timeout=30)
    opened = await ws.receive_str(timeout=30)
    assert opened.startswith("0"), opened
    await ws.send_str("40/display," + json.dumps({"display_id": display_id}))
    screen = Screen(close=ws.close)
    joined = asyncio.get_running_loop().create_future()

    async def listen() -> None:
        async for message in ws:
            data = message.data
            if not isinstance(data, str):
                continue
            if data == "2":
                await ws.send_str("3")  # pong
            elif data.startswith('42/display,["change"'):
                if any(marker in data for marker in CALL_MARKERS):
                    screen.arrivals.append(time.perf_counter())
            elif data.startswith('42/display,["snapshot"') and not joined.done():
                joined.set_result(True)
            elif data.startswith("44/display") and not joined.done():
                joined.set_exception(RuntimeError(data))

    async def follow() -> None:
        await listen()
        if not closing:
            screen.dropped_at = time.perf_counter()

    closing = False

    async def close() -> None:
        nonlocal closing
        closing = True
        await ws.close()

    screen.close = close
    screen.listener = asyncio.create_task(follow())
    await asyncio.wait_for(joined, 30)
    return screen


async def _socketio_screen(session: aiohttp.ClientSession, url: str, display_id: int) -> Screen:
    client = socketio.AsyncClient(reconnection=False)
    screen = Screen(close=client.disconnect)

    async def on_change(data: dict) -> None:
        if data.get("event", {}).get("kind") == "ticket_called":
            screen.arrivals.append(time.perf_counter())

    client.on("change", on_change, namespace="/display")
    await client.connect(url, namespaces=["/display"], auth={"display_id": display_id}, transports=["websocket"],
                         wait_timeout=30)
    return screen


async def disconnect_all(screens: list[Screen]) -> None:
    for start in range(0, len(screens), CONNECT_BATCH):
        await asyncio.gather(*(s.close() for s in screens[start:start + CONNECT_BATCH]), return_exceptions=True)


class ClientProcesses:
    """Display clients spread over several processes (real screens are separate machines)."""

    def __init__(self, urls: list[str], count: int, display_id: int, processes: int, *, lean: bool = True) -> None:
        self.processes = []
        share, extra = divmod(count, processes)
        for index in range(processes):
            args = [sys.executable, str(Path(__file__).with_name("clients.py")), "--count",
                    str(share + (1 if index < extra else 0)), "--display-id", str(display_id)]
            if not lean:
                args.append("--python-socketio")
            for url in urls[index % len(urls):] + urls[:index % len(urls)]:
                args += ["--url", url]
            self.processes.append(subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                                   cwd=Path(__file__).parent, preexec_fn=die_with_parent))

    def wait_connected(self) -> tuple[int, int]:
        return wait_connected(self.processes)

    def arrivals(self) -> list[list[float]]:
        """Per client, when each call arrived; `self.dropped` gets when connections died on their own."""
        collected: list[list[float]] = []
        self.dropped: list[float] = []
        for process in self.processes:
            if process.stdin:
                process.stdin.write("stop\n")
                process.stdin.flush()
        for process in self.processes:
            line = process.stdout.readline() if process.stdout else ""
            answer = json.loads(line) if line else {}
            collected.extend(answer.get("arrivals", []))
            self.dropped.extend(answer.get("dropped", []))
            process.wait(timeout=60)
        return collected

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()


def wait_connected(processes: list[subprocess.Popen[str]]) -> tuple[int, int]:
    """Clients connected and failed, summed over client processes that each print {"connected", "failed"}."""
    connected = failed = 0
    for process in processes:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            raise SystemExit("a client process died while connecting")
        answer = json.loads(line)
        connected += answer["connected"]
        failed += answer["failed"]
    return connected, failed


def latencies_ms(arrivals: list[list[float]], sent: list[float]) -> list[float]:
    """Per delivery: arrival of the k-th call at a client minus the moment the k-th call was sent."""
    return [(times[index] - at) * 1000 for times in arrivals for index, at in enumerate(sent) if index < len(times)]


def stop_after(seconds: float) -> None:
    """Give up (cleaning up on the way out) if the run takes longer than `seconds`."""

    def give_up(*_: object) -> None:
        raise SystemExit(f"gave up after {seconds:.0f} s")

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(int(seconds))


def per_call(arrivals: list[list[float]], sent: list[float]) -> str:
    """The slowest delivery of each call, to tell one slow call from a slow tail everywhere."""
    worst = []
    for index, at in enumerate(sent):
        times = [client[index] for client in arrivals if index < len(client)]
        worst.append(f"{(max(times) - at) * 1000:.0f}" if times else "-")
    return "  slowest delivery per call (ms): " + " ".join(worst)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(name: str, latencies_ms: list[float], expected: int, arrivals: list[list[float]] | None = None) -> None:
    missing = expected - len(latencies_ms)
    print(f"{name}: {len(latencies_ms)} deliveries measured ({missing} missing)")
    if arrivals is not None and missing:
        counts = sorted({len(times) for times in arrivals})
        silent = sum(1 for times in arrivals if not times)
        print(f"  calls heard per client: {counts}; clients that heard none: {silent}")
    if latencies_ms:
        print(f"  p50 {percentile(latencies_ms, 0.50):.1f} ms   p90 {percentile(latencies_ms, 0.90):.1f} ms   "
              f"p99 {percentile(latencies_ms, 0.99):.1f} ms   max {max(latencies_ms):.1f} ms   "
              f"mean {statistics.fmean(latencies_ms):.1f} ms")
