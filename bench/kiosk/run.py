"""Kiosk benchmark: tap to bytes at a loopback network printer, and tickets per second with 8 concurrent clients.

Runs the real server (gunicorn, one gthread process, as `waitwell serve` does) on SQLite in a temporary
folder, with its print worker on, and a TCP server on 127.0.0.1 playing the ESC/POS network printer
(it answers status queries like a real one). Usage:

    python bench/kiosk/run.py [--latency-taps 200] [--load-seconds 10] [--clients 8]

Targets from issue 3 (2 cores, SQLite): p99 tap-to-paper <= 150 ms, >= 500 tickets/s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


class LoopbackPrinter:
    """A network printer on 127.0.0.1: records when each ticket's last byte arrived, answers DLE EOT."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.arrivals: dict[bytes, float] = {}
        self.changed = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            connection, _ = self.server.accept()
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        received = bytearray()
        with connection:
            while chunk := connection.recv(65536):
                received += chunk
                if len(chunk) == 3 and chunk[:2] == b"\x10\x04":
                    connection.sendall(b"\x12")  # online, paper present
        arrived = time.perf_counter()
        for number in _numbers_in(bytes(received)):
            with self.changed:
                self.arrivals[number] = arrived
                self.changed.notify_all()

    def wait_for(self, number: bytes, timeout: float = 10.0) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: number in self.arrivals, timeout):
                raise TimeoutError(f"ticket {number.decode()} never reached the printer")
            return self.arrivals[number]


def _numbers_in(data: bytes) -> list[bytes]:
    """Ticket numbers such as A001 or B1234 in the printed bytes (they are printed as plain text)."""
    found = []
    for prefix in (b"A", b"B"):
        start = 0
        while (index := data.find(prefix, start)) >= 0:
            digits = data[index + 1:index + 6]
            length = next((i for i, c in enumerate(digits) if not 48 <= c <= 57), len(digits))
            if length >= 3:
                found.append(data[index:index + 1 + length])
            start = index + 1
    return found


def set_up(database_url: str, printer_port: int, offices_count: int) -> list[tuple[int, dict[str, int]]]:
    """`offices_count` offices, each with two services, a counter and a kiosk printing to the loopback printer."""
    from waitwell.persistence.migrate import upgrade
    from waitwell.runtime import Runtime

    upgrade(database_url)
    runtime = Runtime(database_url)
    kiosks = [_office_with_kiosk(runtime, f"Bench DMV {index + 1}", printer_port) for index in range(offices_count)]
    runtime.dispose()
    return kiosks


def _office_with_kiosk(runtime: object, name: str, printer_port: int) -> tuple[int, dict[str, int]]:
    from waitwell.services import kiosks, offices, printers

    office = offices.create_office(runtime.uow(), name=name, timezone="America/New_York")  # type: ignore[attr-defined]
    services = {prefix: offices.add_service(runtime.uow(), office_id=office.id, name=name, prefix=prefix).id
                for name, prefix in (("Licence renewal", "A"), ("Title", "B"))}
    offices.add_counter(runtime.uow(), office_id=office.id, name="Counter 1", service_ids=list(services.values()))
    printer = printers.add_printer(runtime.uow(), office_id=office.id, name="Loopback", connection="network",
                                   settings={"host": "127.0.0.1", "port": printer_port, "timeout": 2.0},
                                   profile="TM-T88V", qr_mode="native")
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.id, name="Bench kiosk",
                                  service_ids=list(services.values()), printer_id=printer.id)
    return kiosk.id, services


def start_server(database_url: str, instance: Path, port: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(instance),
           "WAITWELL_PRINT_WORKER": "on", "PYTHONUNBUFFERED": "1"}
    factory = 'waitwell.app:app_from_env(extra={"KIOSK_TAP_LIMIT": "1000000 per second"})'
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(threads),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", factory]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=(instance / "server.log").open("wb"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/offices", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start; see {instance / 'server.log'}")


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


def measure_throughput(targets: list[tuple[str, int]], clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """`clients` threads tapping as fast as the server answers for `seconds`, client i at target i % len(targets)."""
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def client(index: int) -> None:
        session = requests.Session()
        while time.perf_counter() < stop:
            started = time.perf_counter()
            url, service_id = targets[index % len(targets)]
            tap(session, url, service_id)
            latencies[index].append((time.perf_counter() - started) * 1000)
            counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - started, [v for values in latencies for v in values]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-taps", type=int, default=200)
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads of the server process")
    parser.add_argument("--offices", type=int, default=8,
                        help="offices (one kiosk each) the load is spread over; 1 puts every ticket in one queue")
    args = parser.parse_args()

    printer = LoopbackPrinter()
    with tempfile.TemporaryDirectory(prefix="waitwell-bench-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.db'}"
        kiosks = set_up(database_url, printer.port, args.offices)
        kiosk_id, services = kiosks[0]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = start_server(database_url, instance, port, args.threads)
        base = f"http://127.0.0.1:{port}/api/v1/kiosks"
        url = f"{base}/{kiosk_id}/tickets"
        targets = [(f"{base}/{kiosk}/tickets", service) for kiosk, kiosk_services in kiosks
                   for service in kiosk_services.values()]
        try:
            tap(requests.Session(), url, services["B"])  # warm up: imports, first estimate, printer lane
            latencies = measure_latency(url, services["A"], printer, args.latency_taps)
            issued, elapsed, load_latencies = measure_throughput(targets, args.clients, args.load_seconds)
        finally:
            server.terminate()
            server.wait(20)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite, gunicorn gthread "
          f"1 process x {args.threads} threads, print worker in the same process; clients in this process")
    print(f"tap to bytes at the printer, {len(latencies)} taps one at a time: "
          f"median {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms  (target p99 <= 150 ms)")
    print(f"kiosk endpoint, {args.clients} concurrent clients over {args.offices} office(s) for {elapsed:.1f} s: "
          f"{issued} tickets, "
          f"{issued / elapsed:.0f} tickets/s  (target >= 500/s); response median "
          f"{statistics.median(load_latencies):.1f} ms, p99 {percentile(load_latencies, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
