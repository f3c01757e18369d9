"""Big DMV hub benchmark: one office of 40 counters on a database that has been running, its line at 10, 500 and
2,000 waiting, measured from outside against the real server (`waitwell serve --gevent`).

    python bench/office/run.py [--quick] [--database sqlite|postgresql] [--analyze] [--history-days 90]
                               [--displays 1000] [--levels 10,500,2000] [--calling-level 1000]

At each line size (the server restarted on the line brought to size directly in the database): API issues and
kiosk taps (8 clients), call-next + complete cycles (8 clerks), status and board reads (8 clients), recall and
transfer (one at a time), single requests one at a time under a mixed background load, the server's memory (PSS),
and lobby display latency (call answered -> display's "change") with --displays clients connected. At the calling
line size: cycles with 8 and with 32 clerks. Bounded in requests, seconds and --deadline; loopback only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import analyze, keep_statistics_stale, scratch_database, settle, statistics_note
from displays import Fleet
from http_client import Client, Timings
from layout import Office, set_up
from mixed import MixedLoad, one_at_a_time
from ops import Ops
from phases import Limits, call_cycles, issue_or_tap, reads, recall_transfer
from report import Displays, Level, errors, memory_lines, ms, table, targets
from reuse import LoopbackPrinter, cpu_seconds, percentile, python_speed, stop_after
from seed import check_calls, engine_for, fill_line, seed_history, table_sizes, waiting_count, waiting_tokens
from serving import Server, log_problems, memory, serve

# Which counters do what (index into the office's counters: 0 is Counter 1, a generalist).
MIXED_COUNTERS = slice(10, 24)  # the background clerks
SINGLE_COUNTER = 9  # the one-at-a-time client's counter
RECALL_COUNTER = 8


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: lines 10 and 200, 3 s phases, 50 displays, 7 days of history")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432",
                        help="where --database postgresql creates (and drops) the waitwell_bench database")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE after the bulk insert (default: stale)")
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--tickets-per-day", type=int, default=3000)
    parser.add_argument("--served-today", type=int, default=800, help="tickets already served today")
    parser.add_argument("--levels", default="10,500,2000", help="line sizes to measure everything at")
    parser.add_argument("--calling-level", type=int, default=1000, help="line size of the 8- and 32-clerk cycles")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per phase")
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per phase at most")
    parser.add_argument("--mixed-seconds", type=float, default=12.0)
    parser.add_argument("--mixed-scale", type=float, default=1.0, help="multiplies the background load's rates")
    parser.add_argument("--recalls", type=int, default=15, help="recall + transfer pairs per line size")
    parser.add_argument("--displays", type=int, default=1000)
    parser.add_argument("--display-processes", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (database, server logs)")
    if parser.parse_known_args()[0].quick:  # smaller defaults; options given still win
        parser.set_defaults(levels="10,200", calling_level=200, seconds=3.0, mixed_seconds=4.0, displays=50,
                            history_days=7, recalls=5, deadline=300, served_today=200)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    stop_after(args.deadline)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))  # clean up on the way out
    deadline = time.monotonic() + args.deadline - 30  # phases stop by then; the rest is cleaning up
    load_start = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, {python_speed()}, Python {sys.version.split()[0]}; "
          f"load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}")
    print(f"server code: {code_version()}")
    printer = LoopbackPrinter()
    folder = Path(tempfile.mkdtemp(prefix="waitwell-office-bench-"))
    try:
        with scratch_database(args.database, folder, args.postgres_server) as url:
            run(args, url, folder, printer, deadline)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"run folder kept: {folder}")
    load_end = os.getloadavg()
    print(f"load average at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}")


def code_version() -> str:
    """The commit measured, and whether server/ had changes not committed yet (others work on it meanwhile)."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "server"], cwd=root, capture_output=True,
                                 text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"commit {commit}" + (f", {len(changed)} file(s) under server/ changed since" if changed else "")


def run(args: argparse.Namespace, url: str, folder: Path, printer: LoopbackPrinter, deadline: float) -> None:
    started = time.perf_counter()
    office = set_up(url, printer.port)
    engine = engine_for(url)
    if not args.analyze:
        keep_statistics_stale(engine)
    print(f"office: 40 counters (overlapping skills), 15 services, 6 kiosks with printers, 8 displays, "
          f"timezone {office.timezone}; set up in {time.perf_counter() - started:.1f} s")
    seeded = seed_history(engine, office, days=args.history_days, per_day=args.tickets_per_day,
                          served_today=args.served_today, rng=random.Random(17))
    print(f"history: {seeded.tickets:,} tickets, {seeded.events:,} ticket_events in {seeded.seconds:.1f} s "
          f"({args.history_days} days x ~{args.tickets_per_day:,}, and {args.served_today} served today); "
          f"rows now {table_sizes(engine)}")
    settle(engine)
    if args.analyze:
        print(f"ANALYZE in {analyze(engine):.1f} s")
    print(f"database: {args.database}; {statistics_note(engine)}")
    ops = Ops(office)
    levels = sorted({int(value) for value in args.levels.split(",")})
    calling: Level | None = None
    measured: list[Level] = []
    rng = random.Random(29)
    for waiting in sorted({*levels, args.calling_level}):
        if time.monotonic() > deadline:
            print(f"deadline reached: {waiting:,} waiting not measured")
            break
        before, after = fill_line(engine, office, waiting, rng)
        settle(engine)
        load = os.getloadavg()[0]
        print(f"\n== {after:,} waiting (line brought from {before:,}; server restarted; load {load:.2f}) ==",
              flush=True)
        with serve(url, folder, label=str(waiting)) as server:
            log_offset = server.log.stat().st_size
            warm_up(ops, server.port)
            limits = Limits(args.seconds, args.requests, deadline, lambda pid=server.process.pid: cpu_seconds([pid]))
            level = Level(waiting)
            try:
                if waiting in levels:
                    measured.append(level)
                    measure_level(args, ops, engine, office, server, level, limits)
                if waiting == args.calling_level:
                    calling = level if waiting in levels else Level(waiting)
                    for clerks in (8, 32) if waiting not in levels else (32,):  # 8 clerks: measured with the level
                        phase = call_cycles(ops, server.port, waiting, limits, office.counter_ids[:clerks])
                        calling.timings[f"call-next/{clerks}"] = phase.timings["call-next"]
                        calling.timings[f"complete/{clerks}"] = phase.timings["complete"]
                        show(f"cycles, {phase.note}", calling, [f"call-next/{clerks}", f"complete/{clerks}"])
            except Exception as error:  # noqa: BLE001 - a level that broke is reported, the next one still runs
                print(f"  this line size broke off: {type(error).__name__}: {error}", flush=True)
                traceback.print_exc(limit=4, file=sys.stdout)
            tracebacks, firsts = log_problems(server.log, log_offset)
        if tracebacks:
            print(f"server log: {tracebacks} traceback(s) with this line; first: {firsts}")
    check = check_calls(engine, office)
    engine.dispose()
    report(measured, calling or Level(args.calling_level), ops, check)


def measure_level(args: argparse.Namespace, ops: Ops, engine: Engine, office: Office, server: Server,
                  level: Level, limits: Limits) -> None:
    port = server.port
    waiting = level.waiting
    for kind in ("issue", "tap"):
        phase = issue_or_tap(ops, port, waiting, limits, kind=kind)
        level.timings.update(phase.timings)
        show(f"{kind}, {phase.note}", level, [kind])
    phase = call_cycles(ops, port, waiting, limits, office.counter_ids[:8])
    level.timings["call-next/8"], level.timings["complete/8"] = phase.timings["call-next"], phase.timings["complete"]
    show(f"cycles, {phase.note}", level, ["call-next/8", "complete/8"])
    tokens = waiting_tokens(engine, office)
    phase = reads(ops, port, waiting, Limits(min(3.0, limits.seconds / 2), limits.requests, limits.deadline,
                                             limits.cpu), tokens)
    level.timings.update(phase.timings)
    show("reads", level, list(phase.timings))
    phase = recall_transfer(ops, port, waiting, limits, office.counter_ids[RECALL_COUNTER], args.recalls)
    level.timings.update(phase.timings)
    show("recall and transfer, one at a time", level, ["recall", "transfer"])
    mixed_counters = office.counter_ids[MIXED_COUNTERS]
    line_before, cpu_before = waiting_count(engine, office), limits.cpu()
    with MixedLoad(ops, port, tokens, mixed_counters, args.mixed_scale) as load:
        level.single = one_at_a_time(ops, port, tokens, office.counter_ids[SINGLE_COUNTER], args.mixed_seconds,
                                     limits.deadline)
    level.mixed = load.timings
    level.memory = memory(server.process.pid)
    busy = (limits.cpu() - cpu_before) / max(load.timings["issue"].seconds, 0.001)
    print(f"  mixed load ({mixed_summary(load.timings)}); line {line_before:,} -> "
          f"{waiting_count(engine, office):,}; server busy {busy:.0%} of a core")
    print(f"  single requests one at a time: {single_summary(level.single)}")
    print(f"  memory after the mixed load: PSS {sum(p.pss_mb for p in level.memory):.1f} MB summed over "
          f"{len(level.memory)} processes")
    if args.displays and time.monotonic() < limits.deadline:
        displays_under_load(args, ops, server, tokens, office, level, limits)


def displays_under_load(args: argparse.Namespace, ops: Ops, server: Server, tokens: list[str], office: Office,
                        level: Level, limits: Limits) -> None:
    """The displays connect, then the mixed load and the one-at-a-time client run again; every call and recall
    answered meanwhile is looked for on every display."""
    started = time.perf_counter()
    fleet = Fleet(server.url, args.displays, office.display_ids, args.display_processes)
    try:
        connected, failed = fleet.wait_connected()
        print(f"  {connected:,} display clients connected in {time.perf_counter() - started:.1f} s ({failed} failed)")
        first_call = len(ops.calls.calls)
        with MixedLoad(ops, server.port, tokens, office.counter_ids[MIXED_COUNTERS], args.mixed_scale) as load:
            level.single_displays = one_at_a_time(ops, server.port, tokens, office.counter_ids[SINGLE_COUNTER],
                                                  args.mixed_seconds, limits.deadline)
        level.mixed_displays = load.timings
        level.memory_displays = memory(server.process.pid)
        time.sleep(2)  # the last changes on their way
        seen, dropped, lags = fleet.collect()
    finally:
        fleet.stop()
    calls = ops.calls.calls[first_call:]
    latencies = [(at - call.answered) * 1000 for call in calls for at in seen.get(call.key, [])]
    level.displays = shown = Displays(connected, failed, len(calls), latencies, sum(dropped.values()), lags)
    unanswered = sum(t.statuses.get(0, 0) for t in [*load.timings.values(), level.single_displays["all"]])
    print(f"  mixed load, displays connected ({mixed_summary(load.timings)})"
          + (f"; {unanswered} requests got no answer within 30 s" if unanswered else ""))
    if latencies:
        print(f"  display call answered -> change: {len(calls)} calls, {len(latencies):,} deliveries "
              f"({shown.missing:,} missing); p50 {ms(percentile(latencies, 0.5))} ms, "
              f"p99 {ms(percentile(latencies, 0.99))} ms, max {ms(max(latencies))} ms")
    else:
        print(f"  display call answered -> change: nothing to measure, {len(calls)} calls answered")
    if lags:
        print(f"  display client processes' event loop lag: p50 {ms(percentile(lags, 0.5))} ms, "
              f"p99 {ms(percentile(lags, 0.99))} ms, max {ms(max(lags))} ms (part of the latencies above)")
    for why, count in dropped.items():
        print(f"  {count} display connections ended on their own: {why}")
    print(f"  single requests one at a time, displays connected: {single_summary(level.single_displays)}")


def warm_up(ops: Ops, port: int) -> None:
    """Imports, caches and first estimates: a few requests of each kind, not measured."""
    public = Client(port)
    clerk = Client(port, ops.office.tokens[ops.office.counter_ids[0]])
    scratch = Timings()
    for index in range(3):
        for got in (ops.issue(public, scratch), ops.tap(public, index, scratch)):
            if got:
                ops.cancel(public, got[0])
        ops.free_counter(clerk, ops.office.counter_ids[0])
        _, ticket = ops.call_next(clerk, ops.office.counter_ids[0], scratch)
        if ticket:
            ops.complete(clerk, int(ticket["id"]), scratch)
        ops.display_page(public, index, scratch)
        ops.waits_api(public, scratch)
        ops.kiosk_board(public, index, scratch)
    public.close()
    clerk.close()


def show(title: str, level: Level, keys: list[str]) -> None:
    parts = []
    for key in keys:
        timings = level.timings[key]
        wrong = timings.errors()
        cpu = (f", server CPU {timings.server_cpu * 1000 / timings.count:.1f} ms each, "
               f"{timings.server_cpu / timings.seconds:.0%} of a core" if timings.server_cpu and timings.count else "")
        parts.append(f"{key} n={timings.count} {timings.count / timings.seconds if timings.seconds else 0:.0f}/s "
                     f"p50 {ms(timings.p(0.5))} p99 {ms(timings.p(0.99))} ms{cpu}"
                     + (f" errors {wrong}" if wrong else ""))
    print(f"  {title}: " + "; ".join(parts), flush=True)


def mixed_summary(timings: dict[str, Timings]) -> str:
    return ", ".join(f"{kind} {t.count / t.seconds if t.seconds else 0:.1f}/s" for kind, t in timings.items())


def single_summary(timings: dict[str, Timings]) -> str:
    every = timings["all"]
    worst = max((k for k in timings if k != "all" and timings[k].count), key=lambda k: timings[k].p(0.99) or 0.0,
                default="-")
    return (f"{every.count} requests, p50 {ms(every.p(0.5))} ms, p99 {ms(every.p(0.99))} ms, "
            f"max {ms(max(every.latencies) if every.latencies else None)} ms; slowest kind {worst} "
            f"(p99 {ms(timings[worst].p(0.99)) if worst in timings else '-'} ms)")


def report(levels: list[Level], calling: Level, ops: Ops, check: object) -> None:
    if not levels:
        print("nothing measured")
        return
    print("\n== figures per line size (ms; /s counts answers 2xx per measured second) ==")
    print("\n".join(table(levels)))
    print(f"\n== call-next + complete at {calling.waiting:,} waiting ==")
    for clerks in (8, 32):
        calls, done = calling.timings.get(f"call-next/{clerks}"), calling.timings.get(f"complete/{clerks}")
        if calls and done:
            print(f"  {clerks} clerks: {done.statuses.get(200, 0) / done.seconds:.1f} cycles/s; call-next p50 "
                  f"{ms(calls.p(0.5))} p99 {ms(calls.p(0.99))} ms; complete p50 {ms(done.p(0.5))} "
                  f"p99 {ms(done.p(0.99))} ms; {calls.count} calls")
    print("\n== displays (call answered -> change) ==")
    for level in levels:
        shown = level.displays
        if shown and not shown.latencies_ms:
            unanswered = sum(t.statuses.get(0, 0) for t in level.mixed_displays.values())
            print(f"  {level.waiting:,} waiting: {shown.connected:,} connected ({shown.failed} failed), {shown.calls} "
                  f"calls answered meanwhile, {unanswered} requests of the mixed load got no answer within 30 s")
        elif shown:
            print(f"  {level.waiting:,} waiting: {shown.connected:,} connected ({shown.failed} failed), "
                  f"{shown.calls} calls, p50 {ms(percentile(shown.latencies_ms, 0.5))} ms, "
                  f"p99 {ms(percentile(shown.latencies_ms, 0.99))} ms, missing {shown.missing:,}, "
                  f"dropped {shown.dropped}, client loop lag p99 "
                  f"{ms(percentile(shown.lag_ms, 0.99) if shown.lag_ms else None)} ms")
    print(f"\n== memory of `waitwell serve` after the mixed load, {levels[-1].waiting:,} waiting ==")
    print("\n".join(memory_lines(levels[-1].memory)))
    if levels[-1].memory_displays:
        print("  with the displays connected:")
        print("\n".join(memory_lines(levels[-1].memory_displays)[-1:]))
    answered_twice = ops.calls.double_calls()
    database_twice = check.called_twice  # type: ignore[attr-defined]
    crowded = check.counters_with_two  # type: ignore[attr-defined]
    print(f"\n== double calls: {len(answered_twice)} tickets answered by two call-nexts "
          f"({len(ops.calls.calls):,} calls and recalls answered); database: {len(database_twice)} tickets with two "
          f"'called' rows, {len(crowded)} counters holding two tickets ==")
    if answered_twice or database_twice or crowded:
        print(f"  answers {answered_twice[:10]}, database {database_twice[:10]}, counters {crowded[:10]}")
    wrong = errors(levels + ([calling] if calling not in levels else []))
    print("\n== answers other than 2xx (call-next 404: nobody waiting for that counter's services) ==")
    print("\n".join(wrong) if wrong else "  none")
    print("\n== targets (issue 17) ==")
    print("\n".join(targets(levels, calling, len(answered_twice), len(database_twice), len(crowded))))


if __name__ == "__main__":
    main()
