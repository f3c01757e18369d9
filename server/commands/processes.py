"""`waitwell serve` with several processes: N single-worker gunicorn processes on consecutive ports and one
print worker, started, watched and stopped together by a small supervisor.

The supervisor only waits, so it holds no more than the standard library: `waitwell serve` checks the
settings and the database, then becomes it (`exec_supervisor`, the same process id, a fresh interpreter)
and it starts the processes that do the work. Nothing here may import Flask, SQLAlchemy or the app
(tests/cli/test_serve_memory.py checks it)."""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import NoReturn

from waitwell.commands.gunicorn_server import gunicorn_command, gunicorn_environment

STOP_TIMEOUT_SECONDS = 15
# gunicorn's own signals (reload, reopen logs, more or fewer workers), passed on to the web processes; the
# print worker reopens nothing and is left alone.
PASSED_ON = (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTTIN, signal.SIGTTOU)
RESTART_DELAY_SECONDS = 2.0
PRINT_WORKER_COMMAND = ("-m", "waitwell.cli", "print-worker")


def exec_supervisor(*, host: str, first_port: int, count: int, threads: int | None, proxies: int,
                    print_worker: bool) -> NoReturn:
    """Become the supervisor (`run_processes` in a fresh interpreter); threads None for gevent's worker."""
    command = [sys.executable, "-m", "waitwell.commands.processes", "--host", host, "--port", str(first_port),
               "--count", str(count), "--proxies", str(proxies),
               *(["--gevent"] if threads is None else ["--threads", str(threads)]),
               *([] if print_worker else ["--no-print-worker"])]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)


def run_processes(*, host: str, first_port: int, count: int, threads: int | None, proxies: int,
                  print_worker: bool) -> int:
    """Start the processes (printing the nginx upstream for several), and stop all when a web process ends
    or on SIGTERM/SIGINT; a print worker that ends is started again.

    The print worker runs once, in a process of its own (without `print_worker` it runs elsewhere): a
    worker in each web process would print one printer's tickets from several lanes at once, out of order.
    The children die with this process, however it ends."""
    ports = list(range(first_port, first_port + count))
    web_env = gunicorn_environment({**os.environ, "WAITWELL_PRINT_WORKER": "off"}, use_gevent=threads is None)
    web = [_start(gunicorn_command(host=host, port=port, proxies=proxies, threads=threads), web_env)
           for port in ports]
    print_command = [sys.executable, *PRINT_WORKER_COMMAND]
    printing = [_start(print_command)] if print_worker else []
    if count == 1:
        _say(f"Started Waitwell on {host}:{first_port}"
             f"{' and its print worker in a process of its own' if print_worker else ''}.")
    else:
        _say(f"Started {count} Waitwell processes on {host} ports {ports[0]}-{ports[-1]}"
             f"{' and their print worker' if print_worker else ''}. nginx upstream:\n"
             "    upstream waitwell {\n        ip_hash;\n"
             + "".join(f"        server {host}:{port};\n" for port in ports) + "    }")
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
                _say(f"The print worker ended (exit code {printing[0].returncode}); starting it again "
                     f"in {RESTART_DELAY_SECONDS:g} s. Tickets are issued meanwhile and print then.")
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
        _say("A Waitwell web process ended, so the others were stopped too.")
        return failed[0] if failed else 1
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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


def main(argv: Sequence[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(prog="waitwell serve (supervisor)",
                                     description="Started by `waitwell serve`, after its checks; not run by hand.")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--proxies", type=int, default=0)
    worker = parser.add_mutually_exclusive_group(required=True)
    worker.add_argument("--threads", type=int)
    worker.add_argument("--gevent", action="store_true")
    parser.add_argument("--no-print-worker", action="store_true")
    arguments = parser.parse_args(argv)
    raise SystemExit(run_processes(host=arguments.host, first_port=arguments.port, count=arguments.count,
                                   threads=None if arguments.gevent else arguments.threads,
                                   proxies=arguments.proxies, print_worker=not arguments.no_print_worker))


if __name__ == "__main__":
    main()
