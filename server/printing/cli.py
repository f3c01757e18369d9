"""`waitwell print-worker`: printing outside the web server process; what it shares with `waitwell print-agent`
(agent_command.py): the printer's short form, the log and the stop on a signal."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import TYPE_CHECKING

import click

from waitwell.config import positive_number
from waitwell.printers.connections import PrinterSettings
from waitwell.printers.errors import InvalidPrinterSettings

if TYPE_CHECKING:
    from flask import Flask

    from waitwell.config import Config
    from waitwell.realtime.printer_alerts import PrinterAlertPublisher

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

    log_to_stderr()
    os.nice(SEPARATE_WORKER_NICENESS)
    check_environment()
    scan_seconds = positive_number("WAITWELL_PRINT_SCAN_SECONDS", os.environ.get("WAITWELL_PRINT_SCAN_SECONDS"),
                                   SEPARATE_WORKER_SCAN_SECONDS)
    config = Config.from_env(extra={"PRINT_SCAN_SECONDS": scan_seconds})
    app = printing_app(config)
    worker = printing.start_worker(app, listen_for_wakeups=True)
    alerts = _alert_staff(app, config.redis_url)
    stopped = stop_on_signal()
    click.echo("print worker running; Ctrl+C stops it")
    wait_for(stopped)
    worker.stop()  # type: ignore[attr-defined]
    if alerts is not None:
        alerts.close()
    app.extensions[RUNTIME_KEY].dispose()


def _alert_staff(app: Flask, redis_url: str) -> PrinterAlertPublisher | None:
    """With Redis (REDIS_URL), the printer problems this process finds reach the staff's screens at once through
    the web processes; without it, the pages learn of them when they next ask (every 30 s)."""
    if not redis_url:
        return None
    from waitwell.realtime import attach_printer_alerts
    from waitwell.web import RUNTIME_KEY

    return attach_printer_alerts(app.extensions[RUNTIME_KEY], redis_url)


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


def log_to_stderr() -> None:
    """Waitwell's own news at INFO, other libraries' only from WARNING: python-escpos logs every connection
    at INFO on the root logger, two lines per ticket that said nothing and cost a busy worker CPU."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitwell").setLevel(logging.INFO)


def wait_for(stopped: threading.Event) -> None:
    """Wait in short steps: a signal the kernel hands to another thread does not wake a main thread blocked
    without a timeout, so its Python handler would not run until something else woke it (seen: a SIGTERM
    to `waitwell print-worker` ignored while its lanes were busy)."""
    while not stopped.wait(0.5):
        pass


def stop_on_signal() -> threading.Event:
    """Set on Ctrl+C or SIGTERM; installed before the command says it runs, so a stop then is clean."""
    stopped = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopped.set())
    return stopped
