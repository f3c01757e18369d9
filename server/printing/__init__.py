"""Printing tickets: the background print worker, printer status polling and the print agent's Socket.IO side.

Issuing a ticket only stores a print job; everything here runs after the commit, so a printer can
never block or fail the issuing of a ticket.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from waitwell.config import switch

if TYPE_CHECKING:
    from flask import Flask

    from waitwell.printing.retry import RetryPolicy
    from waitwell.runtime import Runtime

log = logging.getLogger(__name__)
WORKER_KEY = "waitwell.print_worker"
# Connections whose writes and status reads block the calling thread in C (libusb, a device file, libcups).
# In a process gevent has patched, that thread runs every greenlet: a printer stuck there would stop the
# web process's requests too. Network printers (and serial lines, which pyserial waits on with select) yield.
BLOCKING_CONNECTIONS = ("usb", "file", "cups")


def init_app(app: Flask) -> None:
    """Serve print agents, and start the print worker unless testing or PRINT_WORKER is off."""
    from waitwell.domain.events import PrinterDeliveryChanged, PrintJobQueued
    from waitwell.extensions import socketio
    from waitwell.printing.agent_namespace import PrintAgentNamespace
    from waitwell.web import RUNTIME_KEY
    from waitwell.web_common.printer_allowlist import allowlist_of

    allowlist_of(app)  # a printer allowlist setting that cannot be read stops the app here, by name
    runtime = app.extensions[RUNTIME_KEY]
    policy = retry_policy(app)
    namespace = PrintAgentNamespace(runtime, give_up_after=policy.give_up_after)
    socketio.on_namespace(namespace)
    runtime.bus.subscribe(PrintJobQueued, namespace.forward)
    runtime.bus.subscribe(PrinterDeliveryChanged, namespace.hand_over)
    if app.config.get("TESTING") or not worker_switched_on(app.config.get("PRINT_WORKER")):
        _wake_separate_worker(runtime)
        return
    start_worker(app)


def retry_policy(app: Flask) -> RetryPolicy:
    """The app's retry policy for print jobs (PRINT_GIVE_UP_SECONDS, default 2 minutes), kept in its config."""
    from waitwell.printing.retry import RetryPolicy

    give_up_after = timedelta(seconds=float(app.config.get("PRINT_GIVE_UP_SECONDS", 120)))
    return app.config.setdefault("PRINT_RETRY_POLICY", RetryPolicy(give_up_after=give_up_after))


def worker_switched_on(setting: object = None) -> bool:
    """Whether this server prints: the app's PRINT_WORKER setting, else WAITWELL_PRINT_WORKER (off, 0, false
    or no: a `waitwell print-worker` runs elsewhere)."""
    value = os.environ.get("WAITWELL_PRINT_WORKER") if setting is None else setting
    return switch("WAITWELL_PRINT_WORKER", value, True)


def under_gevent() -> bool:
    """Whether gevent has patched this process's threads into greenlets (gunicorn's gevent worker)."""
    if "gevent.monkey" not in sys.modules:
        return False
    from gevent import monkey

    return bool(monkey.is_module_patched("threading"))


def printers_that_block_gevent(runtime: Runtime) -> list[str]:
    """The printers the server sends to over a connection that would block a gevent process, by name."""
    from waitwell.persistence.devices import PrintDelivery
    from waitwell.services import printers

    return [f"{printer.name} ({printer.connection})"
            for printer in printers.printers_of(runtime.uow(read_only=True), delivery=PrintDelivery.SERVER)
            if printer.connection in BLOCKING_CONNECTIONS]


def _wake_separate_worker(runtime: Runtime) -> None:
    """Without a worker of its own, this process tells `waitwell print-worker` of each job it queues."""
    from waitwell.domain.events import PrintJobQueued
    from waitwell.persistence.devices import PrintDelivery
    from waitwell.printing.wakeup import WakeupSender

    sender = WakeupSender.open(runtime.database_url)
    if sender is None:
        return

    def tell(event: PrintJobQueued) -> None:
        if event.delivery == PrintDelivery.SERVER:
            sender.send(event.printer_id)

    runtime.bus.subscribe(PrintJobQueued, tell)


def start_worker(app: Flask, *, listen_for_wakeups: bool = False) -> object:
    """Start the print worker threads for this app's runtime (tests call it explicitly); in a process of its
    own (`waitwell print-worker`) it listens for the web processes' word of new jobs."""
    from waitwell.printing.wakeup import WakeupListener
    from waitwell.printing.worker import PrintWorker
    from waitwell.web import RUNTIME_KEY

    if WORKER_KEY not in app.extensions:
        runtime = app.extensions[RUNTIME_KEY]
        worker = PrintWorker(runtime, policy=retry_policy(app),
                             status_interval=float(app.config.get("PRINTER_STATUS_SECONDS", 30)),
                             scan_interval=float(app.config.get("PRINT_SCAN_SECONDS", 1.0)),
                             context=app.app_context,
                             wakeups=WakeupListener.open(runtime.database_url) if listen_for_wakeups else None
                             ).start()
        app.extensions[WORKER_KEY] = worker
        atexit.register(worker.stop, 1.0)
        log.info("print worker started")
    return app.extensions[WORKER_KEY]
