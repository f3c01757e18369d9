"""`waitwell serve`: refuses an outdated database, serves HTTP and Socket.IO with gunicorn, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import threading
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.cli.conftest import Cli
from tests.printers.fake_printer import FakeNetworkPrinter
from tests.printers.profiles import numbers_read, read_ticket
from tests.printing.support import PROFILE, network_printer, ticket_jobs
from tests.support.ports import free_port
from tests.support.processes import ServerProcess, waitwell_server
from tests.support.waiting import wait_until


def test_refuses_an_empty_database(waitwell: Cli) -> None:
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "is at no migration (empty database)" in output
    assert "run `waitwell db upgrade` first" in output


def test_refuses_a_database_behind_the_newest_migration(waitwell: Cli) -> None:
    waitwell("db", "upgrade")
    waitwell("db", "downgrade", "0001", "--yes")
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "is at 0001; the newest is" in output
    assert "run `waitwell db upgrade` first" in output


def test_several_processes_need_redis(waitwell: Cli) -> None:
    waitwell("db", "upgrade")
    code, output = waitwell("serve", "--workers", "3")
    assert code == 2
    assert "--workers 3 runs 3 processes" in output
    assert "set REDIS_URL" in output


@pytest.mark.slow
def test_serves_the_api_and_socketio_over_websocket_then_stops_on_sigterm(
    waitwell: Cli, instance: Path, tmp_path: Path
) -> None:
    """One process: `waitwell serve` becomes gunicorn, whose one worker serves and prints; a tap prints, and
    both stop together."""
    with FakeNetworkPrinter() as printer:
        server, kiosk = serve_one_kiosk(waitwell, instance, tmp_path, printer,
                                        {"WAITWELL_PUBLIC_URL": "https://queue.example.gov"})
        try:
            server.wait_until_serving()
            assert requests.get(f"{server.url}/api/v1/offices", timeout=5).json()[0]["name"]
            client = socketio.Client(reconnection=False)
            client.connect(server.url, transports=["websocket"], wait_timeout=10)
            assert client.transport() == "websocket"
            client.disconnect()
            assert "-m gunicorn" in command_line(server.process.pid)
            children = child_commands(server.process.pid)
            assert len(children) == 1 and "print-worker" not in next(iter(children.values())), children
            tap(server, *kiosk)
            wait_until(lambda: ticket_jobs(printer), 30, "the ticket on paper")
        finally:
            code = server.stop()
    assert code == 0, server.output()
    assert "Using worker: gthread" in server.output()
    assert read_ticket(ticket_jobs(printer)[0], PROFILE).reads("A001")
    assert not [pid for pid in children if running(pid)]


@pytest.mark.slow
def test_a_separate_print_worker_that_dies_is_started_again_and_no_child_outlives_a_killed_server(
    waitwell: Cli, instance: Path, tmp_path: Path
) -> None:
    """`--separate-print-worker`: the web process and `waitwell print-worker` beside it, watched together."""
    with FakeNetworkPrinter() as printer:
        server, kiosk = serve_one_kiosk(waitwell, instance, tmp_path, printer, {}, "--separate-print-worker")
        try:
            server.wait_until_serving()
            children = child_commands(server.process.pid)
            assert sum("print-worker" in command for command in children.values()) == 1, children
            assert "and its print worker in a process of its own" in server.output()
            [first_worker] = [pid for pid, command in children.items() if "print-worker" in command]
            os.kill(first_worker, signal.SIGKILL)
            tap(server, *kiosk)  # issued while no print worker runs
            wait_until(lambda: ticket_jobs(printer), 30, "the ticket on paper from the restarted print worker")
            assert "The print worker ended" in server.output()
            children = child_commands(server.process.pid)
            assert first_worker not in children and len(children) == 2, children
        finally:
            server.process.kill()  # the supervisor dies without stopping anything itself
            server.process.wait(10)
        wait_until(lambda: not [pid for pid in children if running(pid)], 30,
                   "the web process and print worker gone with their parent")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/api/v1/offices", timeout=2)
    assert server.output().count("WAITWELL_PUBLIC_URL is not set") == 1  # from `waitwell serve`, not again


def serve_one_kiosk(waitwell: Cli, instance: Path, tmp_path: Path, printer: FakeNetworkPrinter,
                    env: dict[str, str], *options: str) -> tuple[ServerProcess, tuple[int, int]]:
    """`waitwell serve` (one process) on a migrated database with one kiosk printing on `printer`: the
    server, and the kiosk's id with its service's."""
    waitwell("db", "upgrade")
    port = free_port()
    [kiosk] = kiosks_with_printer(instance / "waitwell.db", printer.port, count=1)
    server = waitwell_server(["serve", "--port", str(port), "--threads", "8", *options], port, tmp_path, env)
    return server.launch(), kiosk


def tap(server: ServerProcess, kiosk_id: int, service_id: int) -> None:
    response = requests.post(f"{server.url}/api/v1/kiosks/{kiosk_id}/tickets", timeout=30,
                             json={"service_id": service_id, "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text


def running(pid: int) -> bool:
    """Whether the process exists and has not ended (a zombie waiting to be reaped has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def child_commands(pid: int) -> dict[int, str]:
    """The command lines of a process's children, by process id (Linux /proc)."""
    commands = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid:
                commands[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue  # ended while we looked
    return commands


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.parametrize("worker", [["--threads", "4"], ["--gevent"]], ids=["threads", "gevent"])
def test_workers_run_as_processes_on_consecutive_ports_and_stop_together(
    waitwell: Cli, instance: Path, tmp_path: Path, redis_url: str, worker: list[str]
) -> None:
    """And one print worker for both: taps at either process print on the kiosk's printer in their order."""
    waitwell("db", "upgrade")
    port = free_port(consecutive=2)
    with FakeNetworkPrinter() as printer:
        taps = kiosks_with_printer(instance / "waitwell.db", printer.port, count=6)
        server = waitwell_server(["serve", "--port", str(port), "--workers", "2", *worker], port, tmp_path,
                              {"REDIS_URL": redis_url, "WAITWELL_PUBLIC_URL": "https://queue.example.gov"}).launch()
        try:
            server.wait_until_serving()
            server.wait_until_serving(port=port + 1)
            assert f"server 127.0.0.1:{port + 1};" in server.output()
            assert server.output().count(f"Using worker: {'gevent' if '--gevent' in worker else 'gthread'}") == 2
            assert "and their print worker" in server.output()
            for index, (kiosk_id, service_id) in enumerate(taps):
                response = requests.post(f"http://127.0.0.1:{port + index % 2}/api/v1/kiosks/{kiosk_id}/tickets",
                                         json={"service_id": service_id, "idempotency_key": uuid.uuid4().hex},
                                         timeout=30)
                assert response.status_code == 201, response.text
            wait_until(lambda: len(ticket_jobs(printer)) >= 6, 30, "six tickets on paper")
            tickets = ticket_jobs(printer)
        finally:
            code = server.stop()
    assert code == 0, server.output()
    numbers = numbers_read(tickets, ("A001", "A002", "A003", "A004", "A005", "A006"), PROFILE)
    assert numbers == ["A001", "A002", "A003", "A004", "A005", "A006"]
    for each in (port, port + 1):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{each}/api/v1/offices", timeout=2)


@pytest.mark.slow
def test_gevent_serves_socketio_and_concurrent_taps_each_get_their_own_number(
    waitwell: Cli, instance: Path, tmp_path: Path
) -> None:
    """`serve --gevent`: gunicorn's gevent worker in a fresh interpreter. Eighty taps from eight kiosks at
    once, written in shared transactions under gevent: none is lost, refused or numbered twice."""
    waitwell("db", "upgrade")
    kiosks = kiosks_of_one_office(instance / "waitwell.db", count=8)
    port = free_port()
    server = waitwell_server(["serve", "--port", str(port), "--gevent"], port, tmp_path,
                             {"WAITWELL_PUBLIC_URL": "https://queue.example.gov"}).launch()
    numbers: list[str] = []
    statuses: list[int] = []

    def tap_ten_times(kiosk_id: int, service_id: int) -> None:
        with requests.Session() as session:
            for _ in range(10):
                response = session.post(f"{server.url}/api/v1/kiosks/{kiosk_id}/tickets", timeout=30,
                                        json={"service_id": service_id, "idempotency_key": uuid.uuid4().hex})
                statuses.append(response.status_code)
                numbers.append(response.json().get("number", ""))

    try:
        server.wait_until_serving()
        client = socketio.Client(reconnection=False)
        client.connect(server.url, transports=["websocket"], wait_timeout=10)
        assert client.transport() == "websocket"
        client.disconnect()
        tappers = [threading.Thread(target=tap_ten_times, args=kiosk) for kiosk in kiosks]
        for tapper in tappers:
            tapper.start()
        for tapper in tappers:
            tapper.join(60)
    finally:
        code = server.stop()
    assert code == 0, server.output()
    assert "Using worker: gevent" in server.output()
    assert statuses == [201] * 80
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 81)]


def kiosks_with_printer(database: Path, printer_port: int, count: int) -> list[tuple[int, int]]:
    """`count` kiosks printing on one network printer at `printer_port` on 127.0.0.1: their ids and the
    service's (one tap each stays far below the rate limits, which Redis keeps across tests)."""
    from waitwell.runtime import Runtime
    from waitwell.services import kiosks, offices, printers

    runtime = Runtime(f"sqlite:///{database}")
    try:
        office = offices.create_office(runtime.uow(), name="Print Office", timezone="UTC")
        service = offices.add_service(runtime.uow(), office_id=office.id, name="Licences", prefix="A")
        printer = printers.add_printer(runtime.uow(), office_id=office.id, name="Lobby",
                                       **network_printer(printer_port))
        return [(kiosks.register_kiosk(runtime.uow(), office_id=office.id, name=f"Kiosk {index}",
                                       service_ids=[service.id], printer_id=printer.id).id, service.id)
                for index in range(count)]
    finally:
        runtime.dispose()


def kiosks_of_one_office(database: Path, count: int) -> list[tuple[int, int]]:
    """`count` kiosks (no printer) of one office with one service: each kiosk's id and the service's."""
    from waitwell.runtime import Runtime
    from waitwell.services import kiosks, offices

    runtime = Runtime(f"sqlite:///{database}")
    try:
        office = offices.create_office(runtime.uow(), name="Tap Office", timezone="UTC")
        service = offices.add_service(runtime.uow(), office_id=office.id, name="Licences", prefix="A")
        offices.add_counter(runtime.uow(), office_id=office.id, name="Counter 1", service_ids=[service.id])
        return [(kiosks.register_kiosk(runtime.uow(), office_id=office.id, name=f"Kiosk {index}",
                                       service_ids=[service.id], printer_id=None).id, service.id)
                for index in range(count)]
    finally:
        runtime.dispose()
