"""Kiosk benchmark: tap to bytes at a loopback network printer, and tickets per second with 8 concurrent clients.

Runs the real server (gunicorn, one gthread process, as `waitwell serve` does; or its gevent worker) on
SQLite in a temporary folder, with its print worker inside or, as `waitwell serve` runs it, in a process
of its own, and a TCP server on 127.0.0.1 playing the ESC/POS
network printer (it answers status queries like a real one). The throughput clients are wrk's when it is
installed (`apt-get install wrk`), else threads of this script. Usage:

    python bench/kiosk/run.py [--latency-taps 200] [--load-seconds 10] [--clients 8] [--load-tool python]

Targets from issue 3 (2 cores, SQLite): p99 tap-to-paper <= 150 ms, >= 500 tickets/s. A throughput run
ends when every ticket of it is on paper: printing that falls behind shows as a lag, and its CPU counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import (
    LoopbackPrinter,
    cpu_seconds,
    free_port,
    python_speed,
    set_up,
    start_print_worker,
    start_server,
)


class KeepAliveClient:
    """A kiosk's taps over one kept-alive HTTP/1.1 connection, with as little client work as possible:
    the clients share the 2 cores with the server, and `requests` cost them about 1 ms a tap."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._connect()

    def _connect(self) -> None:
        self._socket = socket.create_connection(("127.0.0.1", self.port))
        self._buffer = b""

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self._socket.sendall(head + body)
        while b"\r\n\r\n" not in self._buffer:
            self._receive()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        lowered = head.lower()
        length = int(lowered.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        while len(rest) < length:
            rest += self._receive_more()
        answer, self._buffer = rest[:length], rest[length:]
        if b"connection: close" in lowered:
            self.close()
            self._connect()
        return int(head[9:12]), answer

    def close(self) -> None:
        self._socket.close()

    def _receive(self) -> None:
        self._buffer += self._receive_more()

    def _receive_more(self) -> bytes:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk


def tap(session: requests.Session, url: str, service_id: int) -> dict:
    response = session.post(url, json={"service_id": service_id, "idempotency_key": uuid.uuid4().hex}, timeout=30)
    response.raise_for_status()
    return response.json()


def measure_latency(url: str, service_id: int, printer: LoopbackPrinter, taps: int) -> list[float]:
    """One tap at a time, as at a real kiosk: milliseconds from sending the tap to the ticket's last byte."""
    session = requests.Session()
    latencies = []
    for _ in range(taps):
        started = time.perf_counter()
        number = tap(session, url, service_id)["number"].encode()
        latencies.append((printer.wait_for(number) - started) * 1000)
    return latencies


@dataclass(frozen=True)
class Load:
    """What a throughput run's clients saw: taps answered 201, over how long, and the response times."""

    taps: int
    seconds: float
    median_ms: float
    p99_ms: float


def measure_with_wrk(targets: list[tuple[int, str, int]], clients: int, seconds: float) -> Load:
    """`clients` connections kept busy by wrk (bench/kiosk/taps.lua: a new key per tap, the kiosks in turn),
    one wrk process per server port with its share of the connections. wrk is written in C: its clients
    leave the 2 cores to the server, where Python clients took about 0.5 ms of CPU per tap."""
    ports = sorted({port for port, _, _ in targets})
    runs = []
    for port in ports:
        mine = [str(value) for at, path, service in targets if at == port for value in (path, service)]
        command = ["wrk", "-t", "1", "-c", str(max(1, clients // len(ports))), "-d", f"{seconds:g}s", "--latency",
                   "-s", str(Path(__file__).with_name("taps.lua")), f"http://127.0.0.1:{port}", "--",
                   f"wrk{port}", *mine]
        runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for run in runs:
        out, err = run.communicate(timeout=seconds + 60)
        lines = out.strip().splitlines()
        if run.returncode != 0 or not lines:
            raise SystemExit(f"wrk failed: {err.strip() or out.strip()}")
        results.append(json.loads(lines[-1]))
        if results[-1]["failed"]:
            raise SystemExit(f"{results[-1]['failed']} tap(s) failed: {err.strip()}")
    return Load(taps=sum(result["requests"] for result in results),
                seconds=max(result["seconds"] for result in results),
                median_ms=max(result["median_ms"] for result in results),
                p99_ms=max(result["p99_ms"] for result in results))


def measure_throughput(targets: list[tuple[int, str, int]], clients: int, seconds: float) -> Load:
    """`clients` threads tapping as fast as the server answers for `seconds`, client i at target i % len(targets)
    (a target is a server port, a kiosk's tap path and a service)."""
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []

    def client(index: int) -> None:
        port, path, service_id = targets[index % len(targets)]
        connection = KeepAliveClient(port)
        try:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                body = b'{"service_id": %d, "idempotency_key": "%s"}' % (service_id, uuid.uuid4().hex.encode())
                status, answer = connection.post(path, body)
                if status != 201:
                    failures.append(f"{status} {answer[:200]!r}")
                    return
                latencies[index].append((time.perf_counter() - started) * 1000)
                counts[index] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"a tap failed: {failures[0]}")
    answered = [value for values in latencies for value in values]
    return Load(sum(counts), time.perf_counter() - started, statistics.median(answered), percentile(answered, 0.99))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Setup:
    """How the server runs during a throughput run."""

    processes: int
    separate_print_worker: bool
    redis_url: str = ""

    def describe(self, concurrency: str) -> str:
        worker = "print worker in its own process" if self.separate_print_worker else "print worker inside"
        queue = ", Redis message queue" if self.redis_url else ""
        return f"{self.processes} process(es) x {concurrency}, {worker}{queue}"


PAPER_WAIT_SECONDS = 120


def throughput(setup: Setup, args: argparse.Namespace, printer: LoopbackPrinter) -> tuple[Load, float, float]:
    """Tickets per second against a fresh database, the clients spread over the processes and offices;
    also the CPU seconds the server's processes used until every ticket was printed (print worker included)
    and how long after the load's end the last ticket reached the printer."""
    with tempfile.TemporaryDirectory(prefix="waitwell-bench-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.db'}"
        kiosks = set_up(database_url, printer.port, args.offices)
        ports = [free_port() for _ in range(setup.processes)]
        servers = [start_server(database_url, instance, port, args.threads,
                                print_worker=not setup.separate_print_worker, redis_url=setup.redis_url,
                                worker_class=args.worker_class)
                   for port in ports]
        if setup.separate_print_worker:
            servers.append(start_print_worker(database_url, instance))
        targets = [(ports[index % len(ports)], f"/api/v1/kiosks/{kiosk}/tickets", service)
                   for index, (kiosk, kiosk_services) in enumerate(kiosks) for service in kiosk_services.values()]
        try:
            for port, path, service in targets:  # warm up each process: imports, first estimate
                tap(requests.Session(), f"http://127.0.0.1:{port}{path}", service)
            cpu_before = cpu_seconds([server.pid for server in servers])
            printed_before = printer.tickets
            measure = measure_with_wrk if args.load_tool == "wrk" else measure_throughput
            load = measure(targets, args.clients, args.load_seconds)
            load_ended = time.perf_counter()
            if not printer.wait_for_count(printed_before + load.taps, timeout=PAPER_WAIT_SECONDS):
                raise SystemExit(f"only {printer.tickets - printed_before} of {load.taps} tickets reached the printer "
                                 f"within {PAPER_WAIT_SECONDS} s of the load's end")
            paper_lag = time.perf_counter() - load_ended
            # CPU until the last ticket is on paper: printing that lags behind the load still counts.
            return load, cpu_seconds([server.pid for server in servers]) - cpu_before, paper_lag
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(20)


def latency(args: argparse.Namespace, printer: LoopbackPrinter, *, separate_print_worker: bool = False
            ) -> list[float]:
    """Tap to paper with one web process and its print worker inside, or with `waitwell print-worker` beside
    it (as `waitwell serve` runs them)."""
    printer.arrivals.clear()  # numbers start again at A001 in each run's database
    with tempfile.TemporaryDirectory(prefix="waitwell-bench-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.db'}"
        [(kiosk_id, services)] = set_up(database_url, printer.port, 1)
        port = free_port()
        servers = [start_server(database_url, instance, port, args.threads, print_worker=not separate_print_worker,
                                worker_class=args.worker_class)]
        if separate_print_worker:
            servers.append(start_print_worker(database_url, instance))
        url = f"http://127.0.0.1:{port}/api/v1/kiosks/{kiosk_id}/tickets"
        try:
            warm_up = tap(requests.Session(), url, services["B"])  # imports, first estimate, printer lane
            printer.wait_for(warm_up["number"].encode(), timeout=30)
            return measure_latency(url, services["A"], printer, args.latency_taps)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-taps", type=int, default=200)
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads of each server process")
    parser.add_argument("--worker-class", choices=["gthread", "gevent"], default="gthread",
                        help="gunicorn worker: gthread as `waitwell serve` runs it, or gevent (needs the gevent extra)")
    parser.add_argument("--offices", type=int, default=8,
                        help="offices (one kiosk each) the load is spread over; 1 puts every ticket in one queue")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="for the run with 2 server processes (skipped without it)")
    parser.add_argument("--load-tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="throughput clients: wrk (Debian package wrk; the default when installed) or threads "
                             "in this process speaking raw keep-alive HTTP")
    args = parser.parse_args()

    printer = LoopbackPrinter()
    clients = ("wrk, one process per server process" if args.load_tool == "wrk"
               else "threads in this process (raw keep-alive HTTP)")
    print(f"machine: {os.cpu_count()} cores ({python_speed()}), Python {sys.version.split()[0]}, SQLite (WAL), "
          f"gunicorn {args.worker_class}; throughput clients: {clients}; the printer in this process on 127.0.0.1")
    for separate in (False, True):
        latencies = latency(args, printer, separate_print_worker=separate)
        where = "in its own process" if separate else "inside"
        print(f"tap to bytes at the printer, {len(latencies)} taps one at a time (1 process, print worker {where}): "
              f"median {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
              f"max {max(latencies):.1f} ms  (target p99 <= 150 ms)")
    setups = [Setup(1, separate_print_worker=False), Setup(1, separate_print_worker=True)]
    if args.redis_url:
        setups.append(Setup(2, separate_print_worker=True, redis_url=args.redis_url))
    for setup in setups:
        load, cpu, paper_lag = throughput(setup, args, printer)
        issued, elapsed = load.taps, load.seconds
        concurrency = "gevent" if args.worker_class == "gevent" else f"{args.threads} threads"
        print(f"kiosk endpoint, {setup.describe(concurrency)}; {args.clients} clients over {args.offices} "
              f"office(s) for {elapsed:.1f} s: {issued} tickets, {issued / elapsed:.0f} tickets/s "
              f"(target >= 500/s, ratio {issued / elapsed / 500:.2f}); response median "
              f"{load.median_ms:.1f} ms, p99 {load.p99_ms:.1f} ms; "
              f"all on paper {paper_lag:.1f} s after the load ended; server CPU until then "
              f"{cpu * 1000 / max(issued, 1):.1f} ms per ticket (500/s on 2 cores needs <= 4)")


if __name__ == "__main__":
    main()
