"""What the kiosk benchmarks share: a loopback network printer, the offices they tap at, the server and
print worker processes they start, and the CPU those use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from escpos.constants import PAPER_FULL_CUT

ROOT = Path(__file__).resolve().parents[2]


class LoopbackPrinter:
    """A network printer on 127.0.0.1: records when each ticket's last byte arrived, answers DLE EOT."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.arrivals: dict[bytes, float] = {}
        self.tickets = 0  # tickets received so far (counted by their cuts: numbers repeat across offices)
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
                if chunk[-3:-1] == b"\x10\x04":  # a status query ends what the sender has sent until it hears back
                    connection.sendall(b"\x12")  # online, paper present
        arrived = time.perf_counter()
        numbers = _numbers_in(bytes(received))
        with self.changed:
            self.tickets += received.count(PAPER_FULL_CUT)
            for number in numbers:
                self.arrivals[number] = arrived
            self.changed.notify_all()

    def wait_for(self, number: bytes, timeout: float = 10.0) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: number in self.arrivals, timeout):
                raise TimeoutError(f"ticket {number.decode()} never reached the printer")
            return self.arrivals[number]

    def wait_for_count(self, count: int, timeout: float) -> bool:
        """Whether `count` tickets in all have reached the printer within `timeout` seconds."""
        with self.changed:
            return self.changed.wait_for(lambda: self.tickets >= count, timeout)


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


def start_server(database_url: str, instance: Path, port: int, threads: int, *, print_worker: bool = True,
                 redis_url: str = "", worker_class: str = "gthread") -> subprocess.Popen[bytes]:
    """One web process as `waitwell serve` runs it (gunicorn, one gthread worker), the tap limit lifted, its
    print worker inside or not (`start_print_worker` runs it as `waitwell serve` does); or with gunicorn's
    gevent worker as docs/deployment.md describes it."""
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(instance),
           "WAITWELL_PRINT_WORKER": "on" if print_worker else "off", "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}
    factory = 'waitwell.app:app_from_env(extra={"KIOSK_TAP_LIMIT": "1000000 per second"})'
    worker = ["-k", "gthread", "--threads", str(threads)]
    if worker_class == "gevent":
        env["WAITWELL_ASYNC_MODE"] = "gevent"
        worker = ["-k", "gevent", "-c", "python:waitwell.gunicorn_conf"]
    command = [sys.executable, "-m", "gunicorn", "-w", "1", *worker,
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", factory]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=(instance / f"server-{port}.log").open("wb"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v1/offices", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start; see {instance / f'server-{port}.log'}")


def start_print_worker(database_url: str, instance: Path) -> subprocess.Popen[bytes]:
    """`waitwell print-worker` in a process of its own, as docs/kiosk.md says for several server processes."""
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(instance), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "waitwell.cli", "print-worker"], env=env, cwd=ROOT,
                            stdout=(instance / "print-worker.log").open("wb"), stderr=subprocess.STDOUT)


def python_speed() -> str:
    """A fixed pure-Python workload (best of 3), printed with every run: machines here differ by 2x from day to
    day, so figures from different days compare only through it (the benchmark's CPU costs scale with it)."""
    best = min(_timed(lambda: sum(i * i for i in range(2_000_000))) for _ in range(3))
    return f"reference loop {best * 1000:.0f} ms (2e6 squares summed; smaller is faster)"


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def cpu_seconds(root_pids: list[int]) -> float:
    """CPU time used so far by these processes and their children (Linux /proc): per ticket, a figure that
    other work on the machine hardly moves, unlike tickets per second."""
    total = 0.0
    pending = list(root_pids)
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
