"""`waitwell serve`: N single-worker server processes on consecutive ports (one by default) and one print
worker, stopped together."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType

import click

from waitwell.printing import worker_switched_on

STOP_TIMEOUT_SECONDS = 15


SUPERVISED = "WAITWELL_SUPERVISED"  # set for the web processes started here: their parent already checked and warned
# gunicorn's own signals (reload, reopen logs, more or fewer workers), passed on to the web processes; the
# print worker reopens nothing and is left alone.
PASSED_ON = (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTTIN, signal.SIGTTOU)
RESTART_DELAY_SECONDS = 2.0


def run_processes(*, host: str, first_port: int, count: int, threads: int, proxies: int,
                  use_gevent: bool = False) -> int:
    """Start the processes (printing the nginx upstream for several), and stop all when a web process ends
    or on SIGTERM/SIGINT; a print worker that ends is started again.

    The print worker runs once, in a process of its own (unless WAITWELL_PRINT_WORKER=off says it runs
    elsewhere): a worker in each web process would print one printer's tickets from several lanes at once,
    out of order, and one inside the only web process competes with its requests for the interpreter
    (half the tickets per second with threads). The children die with this process, however it ends."""
    ports = list(range(first_port, first_port + count))
    worker = ["--gevent"] if use_gevent else ["--threads", str(threads)]
    print_worker = worker_switched_on()
    web_env = {**os.environ, "WAITWELL_PRINT_WORKER": "off", SUPERVISED: "1"}
    web = [_start([sys.executable, "-m", "waitwell.cli", "serve", "--workers", "1", "--host", host,
                   "--port", str(port), *worker, "--proxies", str(proxies)], web_env)
           for port in ports]
    print_command = [sys.executable, "-m", "waitwell.cli", "print-worker"]
    printing = [_start(print_command)] if print_worker else []
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

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        for child in web:
            if child.poll() is None:
                child.send_signal(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    previous |= {sig: signal.signal(sig, pass_on) for sig in PASSED_ON}
    try:
        while not stopping and all(child.poll() is None for child in web):
            if printing and printing[0].poll() is not None:
                click.echo(f"The print worker ended (exit code {printing[0].returncode}); starting it again "
                           f"in {RESTART_DELAY_SECONDS:g} s. Tickets are issued meanwhile and print then.", err=True)
                time.sleep(RESTART_DELAY_SECONDS)
                if not stopping:
                    printing[0] = _start(print_command)
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_all(web + printing)
    failed = [child.returncode for child in web if child.returncode not in (0, -signal.SIGTERM)]
    if not stopping:
        click.echo("A Waitwell web process ended, so the others were stopped too.", err=True)
        return failed[0] if failed else 1
    return 0


def _start(command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    # SIGTERM when this supervisor dies (even by SIGKILL), so no server is left holding the port without it.
    return subprocess.Popen(command, env=env, preexec_fn=dying_with_parent(signal.SIGTERM))


def dying_with_parent(signum: int) -> Callable[[], None] | None:
    """A `preexec_fn` that has the child sent `signum` when its parent dies (Linux; None elsewhere)."""
    if sys.platform != "linux":
        return None

    def ask() -> None:  # in the child, before exec
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)

    return ask


PR_SET_PDEATHSIG = 1


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
