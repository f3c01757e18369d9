"""What `waitwell serve`'s processes hold (issue 17, bench/memory): a process that only waits (the supervisor,
gunicorn's arbiter) holds no more than the standard library and gunicorn, one web process prints itself, the
print worker builds no web app, and the web process leaves out the Socket.IO clients' libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask_babel import force_locale, gettext

from tests.cli.conftest import Cli
from tests.cli.test_serve import child_commands, command_line
from tests.support.ports import free_port
from tests.support.processes import waitwell_server
from waitwell.cli import main
from waitwell.commands import serve as serve_command
from waitwell.config import Config
from waitwell.printing.cli import printing_app

# Where the app's compiled extension modules come from: a process that maps none of them has not loaded
# SQLAlchemy, Pillow or Flask's templates (Jinja2's MarkupSafe).
APP_LIBRARIES = ("site-packages/sqlalchemy/", "site-packages/PIL/", "site-packages/markupsafe/")


def imported_after(code: str) -> list[str]:
    """The modules outside the standard library that a fresh interpreter has imported after `code`."""
    probe = ("import sys\nbefore = set(sys.modules)\n"
             f"{code}\nimport json\n"
             "print(json.dumps(sorted({name.split('.')[0] for name in set(sys.modules) - before}"
             " - set(sys.stdlib_module_names))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_supervisor_and_the_gunicorn_command_need_only_the_standard_library() -> None:
    """The supervisor builds gunicorn's command lines and waits: Flask, SQLAlchemy, click or gunicorn imported
    here would stay in memory for as long as the server runs."""
    assert imported_after("import waitwell.commands.processes") == ["waitwell"]
    assert imported_after("import waitwell.commands.gunicorn_server") == ["waitwell"]
    assert imported_after("import waitwell.gunicorn_conf") == ["waitwell"]  # gunicorn loads it before gevent patches


def test_the_print_worker_builds_no_web_app(tmp_path: Path) -> None:
    """`waitwell print-worker` has the settings, the database and the catalogues, not the pages, the API, the
    rate limits or the Socket.IO server (its wording still imports waitwell.realtime, and with it Flask-SocketIO:
    the lobby screens' words live there)."""
    code = f"""
from pathlib import Path
from waitwell.config import Config
from waitwell.printing.cli import printing_app
import waitwell.printing.worker
app = printing_app(Config(instance_path=Path({str(tmp_path)!r}), database_url="sqlite://"))
assert sorted(app.extensions) == ["babel", "waitwell.runtime"] and not app.blueprints, (app.extensions, app.blueprints)
import sys
web = ("waitwell.app", "waitwell.api.registry", "waitwell.staff", "waitwell.dashboard", "waitwell.kiosk",
       "waitwell.display", "flask_limiter", "flask_wtf")
print(sorted(name for name in web if name in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_print_worker_app_words_the_paper_in_the_ticket_language(tmp_path: Path) -> None:
    app = printing_app(Config(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}",
                              extra={"PRINT_SCAN_SECONDS": 0.2}))
    with app.app_context(), force_locale("es"):
        assert gettext("People ahead") == "Personas delante"
    assert app.config["PRINT_SCAN_SECONDS"] == 0.2


@dataclass
class Became(Exception):
    """What `waitwell serve` would have exec'd into, with the options."""

    what: str
    options: dict[str, Any]
    said: str = field(default="", compare=False)


@pytest.fixture
def became(monkeypatch: pytest.MonkeyPatch, waitwell: Cli) -> Cli:
    """`waitwell serve` on a migrated database, stopped where it would become gunicorn or the supervisor."""
    waitwell("db", "upgrade")

    def become(what: str) -> Any:
        def raising(**options: Any) -> None:
            raise Became(what, options)
        return raising

    monkeypatch.setattr(serve_command, "exec_gunicorn", become("gunicorn"))
    monkeypatch.setattr(serve_command, "exec_supervisor", become("supervisor"))
    return waitwell


def serve_becomes(waitwell: Cli, *args: str) -> Became:
    """What `waitwell serve --port 8123 ARGS` would become; what it said before is in `Became.said`."""
    result = waitwell.runner.invoke(main, ["serve", "--port", "8123", *args])
    assert isinstance(result.exception, Became), result.output
    result.exception.said = result.output
    return result.exception


def test_one_web_process_is_gunicorn_itself_and_prints(became: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAITWELL_PRINT_WORKER", raising=False)
    assert serve_becomes(became) == Became("gunicorn", {"host": "127.0.0.1", "port": 8123, "proxies": 0,
                                                        "threads": 100})
    assert serve_becomes(became, "--gevent").options["threads"] is None
    monkeypatch.setenv("WAITWELL_PRINT_WORKER", "off")  # and prints nowhere: a print worker runs elsewhere
    assert serve_becomes(became, "--separate-print-worker").what == "gunicorn"


def test_a_separate_print_worker_or_several_web_processes_need_the_supervisor(
    became: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WAITWELL_PRINT_WORKER", raising=False)
    assert serve_becomes(became, "--separate-print-worker", "--threads", "8") == Became(
        "supervisor", {"host": "127.0.0.1", "first_port": 8123, "count": 1, "threads": 8, "proxies": 0,
                       "print_worker": True})
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    several = serve_becomes(became, "--workers", "3", "--gevent")
    assert (several.what, several.options["count"], several.options["threads"]) == ("supervisor", 3, None)
    assert several.options["print_worker"] is True
    monkeypatch.setenv("WAITWELL_PRINT_WORKER", "off")
    assert serve_becomes(became, "--workers", "2").options["print_worker"] is False


def mapped(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def environment(pid: int) -> dict[str, str]:
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(entry.decode(errors="replace").partition("=")[::2] for entry in entries if entry)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("worker", [[], ["--gevent"]], ids=["threads", "gevent"])
def test_only_the_web_worker_holds_the_app(waitwell: Cli, tmp_path: Path, worker: list[str]) -> None:
    """Real processes of `waitwell serve --separate-print-worker`: the supervisor and gunicorn's arbiter map
    none of the app's compiled libraries, the web worker and the print worker do (so the check can see them)."""
    waitwell("db", "upgrade")
    port = free_port()
    server = waitwell_server(["serve", "--port", str(port), "--separate-print-worker", *worker], port, tmp_path,
                             {"WAITWELL_PUBLIC_URL": "https://queue.example.gov"}).launch()
    try:
        server.wait_until_serving()
        supervisor = server.process.pid
        assert "waitwell.commands.processes" in command_line(supervisor)
        children = child_commands(supervisor)
        [arbiter] = [pid for pid, command in children.items() if "-m gunicorn" in command]
        [print_worker] = [pid for pid, command in children.items() if "print-worker" in command]
        [web_worker] = child_commands(arbiter)
        for waiting in (supervisor, arbiter):
            assert not [library for library in APP_LIBRARIES if library in mapped(waiting)], command_line(waiting)
        assert all(library in mapped(web_worker) for library in APP_LIBRARIES)
        assert "site-packages/sqlalchemy/" in mapped(print_worker)
        settings = environment(web_worker)
        assert settings["MALLOC_ARENA_MAX"] == "2"
        assert settings["WAITWELL_ASYNC_MODE"] == ("gevent" if worker else "threading")
        assert settings["WAITWELL_PRINT_WORKER"] == "off"
    finally:
        code = server.stop()
    assert code == 0, server.output()


def test_an_operators_malloc_setting_wins() -> None:
    from waitwell.commands.gunicorn_server import gunicorn_environment

    assert gunicorn_environment({"MALLOC_ARENA_MAX": "4"}, use_gevent=False)["MALLOC_ARENA_MAX"] == "4"
    assert gunicorn_environment({}, use_gevent=True) == {"MALLOC_ARENA_MAX": "2", "WAITWELL_ASYNC_MODE": "gevent"}
    threads = gunicorn_environment({"WAITWELL_ASYNC_MODE": "gevent"}, use_gevent=False)
    assert threads["WAITWELL_ASYNC_MODE"] == "threading"


# --- gevent and printers that block ----------------------------------------------------------------------


def add_printers(database: Path, *connections: tuple[str, dict[str, Any]]) -> None:
    """Printers the server sends to, of one office."""
    from waitwell.runtime import Runtime
    from waitwell.services import offices, printers

    runtime = Runtime(f"sqlite:///{database}")
    try:
        office = offices.create_office(runtime.uow(), name="Printer Office", timezone="UTC")
        for index, (connection, settings) in enumerate(connections):
            printers.add_printer(runtime.uow(), office_id=office.id, name=f"Printer {index + 1}",
                                 connection=connection, settings=settings)
    finally:
        runtime.dispose()


NETWORK = ("network", {"host": "10.255.255.40", "port": 9100})  # private (allowed), reaches nothing here
USB = ("usb", {"vendor_id": "04b8", "product_id": "0202"})


def test_gevent_prints_from_a_process_of_its_own_when_a_printer_would_block_it(
    became: Cli, instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A USB write waits in C: in the gevent web process it would hold up every request until it returns."""
    monkeypatch.delenv("WAITWELL_PRINT_WORKER", raising=False)
    add_printers(instance / "waitwell.db", NETWORK)
    assert serve_becomes(became, "--gevent").what == "gunicorn"  # network printers wait as greenlets do
    add_printers(instance / "waitwell.db", USB)
    assert serve_becomes(became).what == "gunicorn"  # threads: the lane's own thread waits, nothing else
    moved = serve_becomes(became, "--gevent")
    assert (moved.what, moved.options["count"], moved.options["print_worker"]) == ("supervisor", 1, True)
    assert "Printing from a process of its own: with --gevent, Printer 1 (usb) would stop the web process" in moved.said


def test_a_lane_warns_once_of_a_printer_that_blocks_a_gevent_process(
    runtime: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Such a printer added while `waitwell serve --gevent` runs is printed to, with a warning saying what to do."""
    from tests.realtime.support import wait_until
    from waitwell.persistence.devices import PrinterStatus
    from waitwell.printing import worker as print_worker
    from waitwell.services import offices, printers

    monkeypatch.setattr(print_worker, "under_gevent", lambda: True)
    office = offices.create_office(runtime.uow(), name="Printer Office", timezone="UTC")
    ids = [printers.add_printer(runtime.uow(), office_id=office.id, name=name, connection=connection,
                                settings=settings).id
           for name, (connection, settings) in (("Desk", USB), ("Lobby", NETWORK))]
    polled: list[int] = []

    def read_status(printer: Any, _timeout: float) -> tuple[PrinterStatus, str]:
        polled.append(printer.id)
        return PrinterStatus.ONLINE, "fine"

    worker = print_worker.PrintWorker(runtime, read_status=read_status, status_interval=0.05, scan_interval=0.05)
    with caplog.at_level("WARNING", logger="waitwell.printing.worker"):
        worker.start()
        try:
            wait_until(lambda: polled.count(ids[0]) >= 3 and ids[1] in polled, message="both printers polled again")
        finally:
            worker.stop()
    warnings = [record.getMessage() for record in caplog.records if "blocks this gevent process" in record.message]
    assert warnings == ["printer Desk prints over usb, which blocks this gevent process while it waits: restart "
                        "`waitwell serve --gevent` (it then prints from a process of its own) or run it with "
                        "--separate-print-worker"]
