"""`waitwell print-worker` and `waitwell print-agent`: printing outside the web server process."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from waitwell.config import positive_number
from waitwell.printers.connections import PrinterSettings
from waitwell.printers.errors import InvalidPrinterSettings

if TYPE_CHECKING:
    from flask import Flask

    from waitwell.config import Config

# In its own process the worker hears of new jobs from web processes on the same machine (see wakeup.py)
# and otherwise finds them by looking: 5 cheap queries a second, for web processes on other hosts.
SEPARATE_WORKER_SCAN_SECONDS = 0.2
# On a busy machine the web processes come first: a ticket may print a moment later, a tap must not wait.
SEPARATE_WORKER_NICENESS = 5

SPEC_HELP = ("network:HOST[:PORT] | usb:VENDOR:PRODUCT (hex, see lsusb) | serial:DEVICE[:BAUD] | file:PATH | "
             "cups:NAME | preview:PNG-PATH")


@click.command("print-worker")
def print_worker() -> None:
    """Send stored print jobs to the printers the server reaches (when the web server runs with PRINT_WORKER=off)."""
    from waitwell import printing
    from waitwell.config import Config, check_environment
    from waitwell.web import RUNTIME_KEY

    _log_to_stderr()
    os.nice(SEPARATE_WORKER_NICENESS)
    check_environment()
    scan_seconds = positive_number("WAITWELL_PRINT_SCAN_SECONDS", os.environ.get("WAITWELL_PRINT_SCAN_SECONDS"),
                                   SEPARATE_WORKER_SCAN_SECONDS)
    app = printing_app(Config.from_env(extra={"PRINT_SCAN_SECONDS": scan_seconds}))
    worker = printing.start_worker(app, listen_for_wakeups=True)
    stopped = _stop_on_signal()
    click.echo("print worker running; Ctrl+C stops it")
    _wait_for(stopped)
    worker.stop()  # type: ignore[attr-defined]
    app.extensions[RUNTIME_KEY].dispose()


def printing_app(config: Config) -> Flask:
    """What the print worker needs of an app, and no more: its settings, the database and the message catalogues
    (the paper is worded in the ticket's language). Not the web app's pages, API, Socket.IO server and rate
    limits, which in a process that only prints held about half its memory (bench/memory)."""
    from flask import Flask

    from waitwell import i18n
    from waitwell.runtime import Runtime
    from waitwell.web import RUNTIME_KEY

    app = Flask("waitwell", instance_path=str(config.instance_path))
    app.config.update(SECRET_KEY=config.secret_key, TESTING=config.testing, WAITWELL=config, **config.extra)
    i18n.init_app(app)
    app.extensions[RUNTIME_KEY] = Runtime(config.database_url)
    return app


@click.command("print-agent")
@click.option("--server", "server_url", required=True, help="The Waitwell server, e.g. https://queue.example.org")
@click.option("--kiosk", "kiosk_id", required=True, type=int, help="The id of the kiosk this PC runs")
@click.option("--printer", "spec", required=True, help=SPEC_HELP)
@click.option("--token", envvar="WAITWELL_AGENT_TOKEN", required=True,
              help="API token of a staff account of the kiosk's office (or WAITWELL_AGENT_TOKEN)")
@click.option("--paper", type=click.Choice(["58", "80"]), default="80", show_default=True)
@click.option("--profile", default="", help="python-escpos profile of the printer, e.g. TM-T88V")
@click.option("--state-file", type=click.Path(path_type=Path), default=None,
              help="Where the ids of printed jobs are kept (default: ~/.local/state/waitwell/agent-KIOSK.json)")
def print_agent(server_url: str, kiosk_id: int, spec: str, token: str, paper: str, profile: str,
                state_file: Path | None) -> None:
    """Print this kiosk's tickets on a printer attached to this PC; jobs queued while offline print on reconnect."""
    from waitwell.printing.agent import PrintAgent

    _log_to_stderr()
    try:
        settings = printer_from_spec(spec, paper_mm=int(paper), profile=profile)
    except InvalidPrinterSettings as error:
        raise click.BadParameter(error.message, param_hint="--printer") from None
    state_home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    agent = PrintAgent(server_url, kiosk_id, token, settings,
                       state_file=state_file or state_home / "waitwell" / f"agent-{kiosk_id}.json")
    stopped = _stop_on_signal()
    click.echo(f"print agent for kiosk {kiosk_id}: {settings.describe()}, server {server_url}")
    threading.Thread(target=agent.run_forever, daemon=True).start()
    _wait_for(stopped)
    agent.stop()


def printer_from_spec(spec: str, *, paper_mm: int = 80, profile: str = "") -> PrinterSettings:
    """Printer settings from a short form such as "usb:04b8:0202" or "network:192.0.2.40:9100"."""
    kind, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    common = {"paper_mm": paper_mm, "profile": profile}
    match kind, parts:
        case "network", [host]:
            return PrinterSettings.from_mapping({"kind": "network", "host": host, **common})
        case "network", [host, port]:
            return PrinterSettings.from_mapping({"kind": "network", "host": host, "port": port, **common})
        case "usb", [vendor, product]:
            return PrinterSettings.from_mapping({"kind": "usb", "vendor_id": vendor, "product_id": product, **common})
        case "serial", [device_path]:
            return PrinterSettings.from_mapping({"kind": "serial", "serial_device": device_path, **common})
        case "serial", [device_path, baud]:
            return PrinterSettings.from_mapping({"kind": "serial", "serial_device": device_path, "baudrate": baud,
                                                 **common})
        case "file", [_, *_]:
            return PrinterSettings.from_mapping({"kind": "file", "device_path": rest, **common})
        case "cups", _:
            return PrinterSettings.from_mapping({"kind": "cups", "cups_printer": rest, **common})
        case "preview", _:
            return PrinterSettings.from_mapping({"kind": "preview", "device_path": rest, **common})
    raise InvalidPrinterSettings(f"cannot read the printer {spec!r}; use {SPEC_HELP}")


def _log_to_stderr() -> None:
    """Waitwell's own news at INFO, other libraries' only from WARNING: python-escpos logs every connection
    at INFO on the root logger, two lines per ticket that said nothing and cost a busy worker CPU."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitwell").setLevel(logging.INFO)


def _wait_for(stopped: threading.Event) -> None:
    """Wait in short steps: a signal the kernel hands to another thread does not wake a main thread blocked
    without a timeout, so its Python handler would not run until something else woke it (seen: a SIGTERM
    to `waitwell print-worker` ignored while its lanes were busy)."""
    while not stopped.wait(0.5):
        pass


def _stop_on_signal() -> threading.Event:
    """Set on Ctrl+C or SIGTERM; installed before the command says it runs, so a stop then is clean."""
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    return stopped
