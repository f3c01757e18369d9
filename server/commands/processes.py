"""`waitwell serve`: N single-worker server processes on consecutive ports (one by default) and one print
worker, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

import click

STOP_TIMEOUT_SECONDS = 15


def print_worker_wanted() -> bool:
    """Whether this server prints (WAITWELL_PRINT_WORKER=off: a print worker runs elsewhere)."""
    return os.environ.get("WAITWELL_PRINT_WORKER", "on").lower() not in ("off", "0", "false", "no")


def run_processes(*, host: str, first_port: int, count: int, threads: int, proxies: int,
                  use_gevent: bool = False) -> int:
    """Start the processes (printing the nginx upstream for several), and stop all when one ends or on a signal.

    The print worker runs once, in a process of its own (unless WAITWELL_PRINT_WORKER=off says it runs
    elsewhere): a worker in each web process would print one printer's tickets from several lanes at once,
    out of order, and one inside the only web process competes with its requests for the interpreter
    (half the tickets per second with threads)."""
    ports = list(range(first_port, first_port + count))
    worker = ["--gevent"] if use_gevent else ["--threads", str(threads)]
    print_worker = print_worker_wanted()
    web = {**os.environ, "WAITWELL_PRINT_WORKER": "off"}
    children = [
        subprocess.Popen([sys.executable, "-m", "waitwell.cli", "serve", "--workers", "1", "--host", host,
                          "--port", str(port), *worker, "--proxies", str(proxies)], env=web)
        for port in ports
    ]
    if print_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "waitwell.cli", "print-worker"]))
    if count == 1:
        click.echo(f"Started Waitwell on {host}:{first_port}"
                   f"{' and its print worker in a process of its own' if print_worker else ''}.", err=True)
    else:
        click.echo(f"Started {count} Waitwell processes on {host} ports {ports[0]}-{ports[-1]}"
                   f"{' and their print worker' if print_worker else ''}. nginx upstream:\n"
                   "    upstream waitwell {\n        ip_hash;\n"
                   + "".join(f"        server {host}:{port};\n" for port in ports) + "    }", err=True)
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_all(children)
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM)]
    if not stopping:
        click.echo("A Waitwell process ended, so the others were stopped too.", err=True)
        return failed[0] if failed else 1
    return 0


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
