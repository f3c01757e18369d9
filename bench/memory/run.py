"""Memory benchmark: what a one-office `waitwell serve` holds after a short mixed load, process by process.

Starts the real `waitwell serve` (threads, then `--gevent`; or the one given) on a migrated SQLite
database in a temporary folder, with one office (two services, counters, a kiosk printing on a loopback
ESC/POS network printer, a lobby display and a clerk's API token). A bounded mixed load follows: lobby
screens connected over Socket.IO, kiosk taps, public API issues, status reads (the API and the status
page), kiosk board reads, and clerks calling next and completing. When every tapped ticket is on paper,
each process of the server's tree is read from /proc/<pid>/smaps_rollup: PSS (shared pages divided
among the processes sharing them, so the sum counts them once) and RSS (shared pages counted in every
process), and the sum of PSS is checked against the target of issue 17: 130 MB.

    python bench/memory/run.py [--mode threads|gevent|both] [--seconds 10] [--clients 8] [--screens 10]
                               [--separate-print-worker]

Loopback only, bounded in time (about a minute for both modes); every process started here is stopped here.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kiosk"))

from support import LoopbackPrinter, free_port, python_speed

TARGET_PSS_MB = 130.0
COUNTERS = 4


@dataclass(frozen=True)
class Office:
    office_id: int
    kiosk_id: int
    service_ids: list[int]
    counter_ids: list[int]
    display_id: int
    token: str


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    parent: int
    depth: int
    pss_kb: int
    rss_kb: int
    uss_kb: int  # private pages only: what ending this process alone would give back
    command: str


def set_up(database_url: str, printer_port: int) -> Office:
    """A migrated database with one office as a small DMV runs it."""
    from waitwell.domain.states import CounterState
    from waitwell.persistence.migrate import upgrade
    from waitwell.runtime import Runtime
    from waitwell.services import accounts, displays, kiosks, offices, printers

    upgrade(database_url)
    runtime = Runtime(database_url)
    try:
        office = offices.create_office(runtime.uow(), name="Memory DMV", timezone="America/New_York")
        services = [offices.add_service(runtime.uow(), office_id=office.id, name=name, prefix=prefix).id
                    for name, prefix in (("Licence renewal", "A"), ("Title", "B"))]
        counters = [offices.add_counter(runtime.uow(), office_id=office.id, name=f"Counter {n}", service_ids=services,
                                        state=CounterState.OPEN) for n in range(1, COUNTERS + 1)]
        printer = printers.add_printer(runtime.uow(), office_id=office.id, name="Loopback", connection="network",
                                       settings={"host": "127.0.0.1", "port": printer_port, "timeout": 2.0},
                                       profile="TM-T88V", qr_mode="native")
        kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.id, name="Lobby kiosk", service_ids=services,
                                      printer_id=printer.id)
        display = displays.register_display(runtime.uow(), office_id=office.id, name="Hall")
        clerk = accounts.create_user(runtime.uow(), username="clerk", password="memory-bench-password",
                                     office_ids=[office.id])
        token = accounts.create_api_token(runtime.uow(), user_id=clerk.id, name="memory bench")
        return Office(office.id, kiosk.id, services, counters, display.id, token)
    finally:
        runtime.dispose()


def start_serve(mode: str, port: int, database_url: str, instance: Path,
                extra_args: Sequence[str] = (), python: str = sys.executable) -> subprocess.Popen[bytes]:
    """`waitwell serve` as an operator starts it (default threads, or --gevent), kiosk tap limit lifted."""
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(instance),
           "WAITWELL_PUBLIC_URL": "https://queue.example.gov", "WAITWELL_KIOSK_TAP_LIMIT": "1000000 per second",
           "WAITWELL_ISSUE_LIMIT_PER_ADDRESS": "1000000 per second",
           "WAITWELL_ISSUE_LIMIT_PER_OFFICE": "1000000 per second",
           "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)
    env.pop("WAITWELL_PRINT_WORKER", None)
    command = [python, "-m", "waitwell.cli", "serve", "--port", str(port),
               *(["--gevent"] if mode == "gevent" else []), *extra_args]
    server = subprocess.Popen(command, env=env, cwd=instance, stdout=(instance / f"serve-{mode}.log").open("wb"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"waitwell serve exited with {server.returncode}; see {instance / f'serve-{mode}.log'}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/api/v1/offices", timeout=5).ok:
                return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"waitwell serve did not answer within 60 s; see {instance / f'serve-{mode}.log'}")


def stop(server: subprocess.Popen[bytes]) -> int:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return server.returncode


def connect_screens(base_url: str, display_id: int, count: int) -> list[object]:
    """`count` lobby screens on the /display namespace, over WebSocket when websocket-client is installed (the
    test extra), else long-polling (each joins and gets its snapshot)."""
    import socketio

    transport = "websocket" if importlib.util.find_spec("websocket") else "polling"
    screens = []
    for _ in range(count):
        client = socketio.Client(reconnection=False)
        client.connect(base_url, namespaces=["/display"], auth={"display_id": display_id},
                       transports=[transport], wait_timeout=10)
        screens.append(client)
    return screens


@dataclass
class Tally:
    requests: int = 0
    taps: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ok: bool, tap: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.taps += int(ok and tap)
            self.failures += int(not ok)


def mixed_load(base_url: str, office: Office, *, seconds: float, clients: int) -> Tally:
    """Half the clients are citizens (a kiosk tap or an API issue, then their status by the API and the status
    page, and the kiosk's board), the other half clerks (call next, complete) at the open counters."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    staff = {"Authorization": f"Bearer {office.token}"}

    def citizen(index: int) -> None:
        with requests.Session() as session:
            round_ = 0
            while time.monotonic() < deadline:
                service_id = office.service_ids[(index + round_) % len(office.service_ids)]
                tap = round_ % 2 == 0
                if tap:
                    response = session.post(f"{base_url}/api/v1/kiosks/{office.kiosk_id}/tickets", timeout=30,
                                            json={"service_id": service_id, "idempotency_key": uuid.uuid4().hex})
                else:
                    response = session.post(f"{base_url}/api/v1/tickets", json={"service_id": service_id},
                                            headers=staff, timeout=30)  # an integration: staff token needed
                tally.add(response.status_code == 201, tap=tap)
                token = response.json().get("token") if response.status_code == 201 else None
                if token:
                    for path in (f"/api/v1/ticket-status/{token}", f"/t/{token}"):
                        tally.add(session.get(base_url + path, timeout=30).status_code == 200)
                tally.add(session.get(f"{base_url}/api/v1/kiosks/{office.kiosk_id}/board", timeout=30).ok)
                round_ += 1

    def clerk(index: int) -> None:
        counter_id = office.counter_ids[index % len(office.counter_ids)]
        with requests.Session() as session:
            session.headers.update(staff)
            while time.monotonic() < deadline:
                called = session.post(f"{base_url}/api/v1/counters/{counter_id}/call-next", timeout=30)
                if called.status_code != 200:  # nobody waiting yet: a clerk looks again a moment later
                    tally.add(called.status_code in (404, 409))
                    time.sleep(0.1)
                    continue
                tally.add(True)
                ticket_id = called.json()["id"]
                tally.add(session.post(f"{base_url}/api/v1/tickets/{ticket_id}/complete", timeout=30).ok)
                tally.add(session.get(f"{base_url}/api/v1/offices/{office.office_id}/tickets", timeout=30).ok)

    workers = [threading.Thread(target=citizen, args=(i,)) for i in range(max(1, clients - clients // 2))]
    workers += [threading.Thread(target=clerk, args=(i,)) for i in range(clients // 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 60)
    return tally


def process_tree(root: int) -> list[ProcessMemory]:
    """The process and all its descendants, parents first, with their memory from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found: list[ProcessMemory] = []

    def visit(pid: int, parent: int, depth: int) -> None:
        memory = read_memory(pid)
        if memory is not None:
            found.append(ProcessMemory(pid, parent, depth, *memory))
        for child in sorted(children.get(pid, [])):
            visit(child, pid, depth + 1)

    visit(root, 0, 0)
    return found


def read_memory(pid: int) -> tuple[int, int, int, str] | None:
    """PSS, RSS and USS in kB and the command line of a process (None once it has ended)."""
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, value = line.partition(":")
            fields[name] = int(value.split()[0])
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (OSError, ValueError, IndexError):
        return None
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields["Pss"], fields["Rss"], uss, command


def role(process: ProcessMemory, tree: list[ProcessMemory]) -> str:
    """What the process is, from its command line and place in the tree."""
    command = process.command
    if "print-worker" in command or "waitwell.printing" in command:
        return "print worker"
    has_children = any(other.parent == process.pid for other in tree)
    if "gunicorn" in command or command.startswith("waitwell:"):
        if process.depth == 0:
            return "gunicorn arbiter (= serve)"  # `waitwell serve` became gunicorn: the same process id
        return "gunicorn arbiter" if has_children else "web worker"
    if process.depth == 0:
        return "waitwell serve" + (" (supervisor)" if has_children else "")
    return "gunicorn arbiter" if has_children else "web worker"


def report(mode: str, tree: list[ProcessMemory], serve_args: Sequence[str]) -> bool:
    """Print the table; whether the target is met."""
    print(f"\n`waitwell serve{' --gevent' if mode == 'gevent' else ''}{''.join(' ' + a for a in serve_args)}` "
          "after the mixed load:")
    print(f"{'pid':>7} {'role':<28} {'PSS MB':>7} {'RSS MB':>7} {'USS MB':>7}  command")
    for process in tree:
        command = process.command if len(process.command) <= 90 else process.command[:87] + "..."
        print(f"{process.pid:>7} {'  ' * process.depth + role(process, tree):<28} {process.pss_kb / 1024:>7.1f} "
              f"{process.rss_kb / 1024:>7.1f} {process.uss_kb / 1024:>7.1f}  {command}")
    pss = sum(process.pss_kb for process in tree) / 1024
    rss = sum(process.rss_kb for process in tree) / 1024
    met = pss <= TARGET_PSS_MB
    print(f"{'':>7} {f'sum of {len(tree)} processes':<28} {pss:>7.1f} {rss:>7.1f}")
    print(f"PSS summed over the processes: {pss:.1f} MB (target <= {TARGET_PSS_MB:g} MB): "
          f"{'MET' if met else 'NOT MET'}")
    return met


def run(mode: str, *, seconds: float, clients: int, screens: int, settle: float, serve_args: Sequence[str],
        python: str) -> bool:
    folder = Path(tempfile.mkdtemp(prefix=f"waitwell-memory-{mode}-"))
    instance = folder / "instance"
    instance.mkdir()
    database_url = f"sqlite:///{folder / 'memory.db'}"
    printer = LoopbackPrinter()
    office = set_up(database_url, printer.port)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_serve(mode, port, database_url, instance, serve_args, python)
    connected: list[object] = []
    try:
        connected = connect_screens(base_url, office.display_id, screens)
        tally = mixed_load(base_url, office, seconds=seconds, clients=clients)
        on_paper = printer.wait_for_count(tally.taps, timeout=60)
        time.sleep(settle)  # the last publications to the screens and the print worker's records
        tree = process_tree(server.pid)
        print(f"\nmode {mode}: {tally.requests} requests in {seconds:g} s ({tally.failures} failed), "
              f"{tally.taps} kiosk taps, {printer.tickets} tickets on paper"
              f"{'' if on_paper else ' (NOT all: printing fell behind)'}, {len(connected)} screens connected")
        met = report(mode, tree, serve_args)
    finally:
        for client in connected:
            with contextlib.suppress(Exception):
                client.disconnect()  # type: ignore[attr-defined]
        code = stop(server)
    if code != 0:
        print(f"waitwell serve exited with {code} on SIGTERM; see {instance / f'serve-{mode}.log'}")
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return met and on_paper and tally.failures == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["threads", "gevent", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the mixed load")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients: half citizens, half clerks")
    parser.add_argument("--screens", type=int, default=10, help="lobby screens connected over Socket.IO")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds between the end of the load and reading")
    parser.add_argument("--separate-print-worker", action="store_true",
                        help="run `waitwell serve --separate-print-worker` (the print worker in a process of its own)")
    parser.add_argument("--server-python", default=sys.executable,
                        help="the interpreter of the server's install: a production one (`pip install '.[gevent]'`, "
                             "no test or bench extras) holds less than this checkout's, whose extras bring the "
                             "Socket.IO clients' libraries, which python-socketio imports when installed")
    arguments = parser.parse_args()
    if sys.platform != "linux":
        raise SystemExit("reads /proc/<pid>/smaps_rollup: Linux only")
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {python_speed()}")
    print(f"server's interpreter: {arguments.server_python}")
    modes = ["threads", "gevent"] if arguments.mode == "both" else [arguments.mode]
    serve_args = ["--separate-print-worker"] if arguments.separate_print_worker else []
    results = [run(mode, seconds=arguments.seconds, clients=arguments.clients, screens=arguments.screens,
                   settle=arguments.settle, serve_args=serve_args, python=arguments.server_python) for mode in modes]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
