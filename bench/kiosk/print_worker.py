"""Print worker benchmark: CPU per printed ticket of `waitwell print-worker` alone, without the web server.

The kiosk benchmark (run.py) measures the whole path; this one isolates the worker, whose share of the
2 cores decides how many taps a second can also reach paper. Tickets are issued by a separate process
(at a steady rate, or all before the worker starts: a backlog after an outage), the loopback printer runs
in a third, and only the worker's CPU is counted. Usage:

    python bench/kiosk/print_worker.py [--tickets 2000] [--rate 400] [--offices 8]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import support  # the loopback printer, the offices, the processes and their CPU, as in run.py


def serve_printer(port_out: multiprocessing.connection.Connection, stop: multiprocessing.synchronize.Event) -> None:
    printer = support.LoopbackPrinter()
    port_out.send(printer.port)
    stop.wait()
    port_out.send(printer.tickets)


def issue(database_url: str, kiosks: list[tuple[int, dict[str, int]]], tickets: int, rate: float) -> None:
    """`tickets` taps spread over the kiosks, in batches of 8 (as the group commit takes them), at `rate`/s
    (0: as fast as possible); like a web process, it tells the worker of each new job."""
    from waitwell.domain.events import PrintJobQueued
    from waitwell.printing.wakeup import WakeupSender
    from waitwell.runtime import Runtime
    from waitwell.services.kiosk_taps import Tap, issue_taps

    runtime = Runtime(database_url)
    sender = WakeupSender.open(database_url)
    if sender is not None:
        runtime.bus.subscribe(PrintJobQueued, lambda event: sender.send(event.printer_id))
    started = time.perf_counter()
    for first in range(0, tickets, 8):
        taps = [Tap(kiosks[index % len(kiosks)][0], kiosks[index % len(kiosks)][1]["A"], uuid.uuid4().hex, "en")
                for index in range(first, min(first + 8, tickets))]
        issue_taps(runtime.uow(), taps, public_base_url="http://127.0.0.1")
        if rate:
            ahead = started + (first + 8) / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
    runtime.dispose()


def printed_count(database_url: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM print_jobs WHERE state = 'printed'").scalar_one()
    engine.dispose()
    return int(count)


def run_once(args: argparse.Namespace, rate: float) -> tuple[float, float, float]:
    """CPU ms per ticket of the worker, tickets per second it printed, and its paper lag behind the issuing."""
    receive, send = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    printer_process = multiprocessing.Process(target=serve_printer, args=(send, stop), daemon=True)
    printer_process.start()
    port = receive.recv()
    with tempfile.TemporaryDirectory(prefix="waitwell-bench-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.db'}"
        kiosks = support.set_up(database_url, port, args.offices)
        worker = support.start_print_worker(database_url, instance)
        time.sleep(3)  # imports and start-up are not what is measured
        if not rate:  # a backlog: the worker is held still while the tickets are issued
            worker.send_signal(signal.SIGSTOP)
            issue(database_url, kiosks, args.tickets, 0)
        cpu_before = support.cpu_seconds([worker.pid])
        started = time.perf_counter()
        worker.send_signal(signal.SIGCONT)
        issuer = None
        if rate:
            issuer = multiprocessing.Process(target=issue, args=(database_url, kiosks, args.tickets, rate))
            issuer.start()
        while printed_count(database_url) < args.tickets:
            time.sleep(0.05)
            if time.perf_counter() - started > 300:
                raise SystemExit("the worker did not print everything within 300 s")
        elapsed = time.perf_counter() - started
        cpu = support.cpu_seconds([worker.pid]) - cpu_before
        if issuer is not None:
            issuer.join()
        worker.terminate()
        worker.wait(20)
    stop.set()
    printed_on_paper = receive.recv()
    printer_process.join(5)
    if printed_on_paper < args.tickets:
        raise SystemExit(f"only {printed_on_paper} of {args.tickets} tickets reached the printer")
    lag = elapsed - args.tickets / rate if rate else 0.0
    return cpu * 1000 / args.tickets, args.tickets / elapsed, lag


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=400.0, help="tickets issued per second in the steady run")
    parser.add_argument("--offices", type=int, default=8, help="offices, each with its kiosk and printer lane")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores ({support.python_speed()}), Python {sys.version.split()[0]}, "
          f"SQLite (WAL); {args.tickets} tickets over {args.offices} printers (one print lane each), "
          f"loopback printer and issuing in other processes")
    cpu, speed, _ = run_once(args, 0)
    print(f"backlog (all issued before the worker starts): {cpu:.2f} ms CPU per ticket, {speed:.0f} tickets/s printed")
    cpu, speed, lag = run_once(args, args.rate)
    print(f"steady {args.rate:.0f} tickets/s: {cpu:.2f} ms CPU per ticket, last ticket on paper {lag:.2f} s after "
          f"the last was issued (500 taps/s on 2 cores leaves the worker about 1.5 ms)")


if __name__ == "__main__":
    main()
