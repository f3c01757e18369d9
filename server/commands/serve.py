"""`waitwell serve`: the production server (gunicorn, threaded worker, Flask-SocketIO in threading mode).

It checks the settings and the database, then becomes what runs: gunicorn itself for one process, or the
small supervisor of `waitwell.commands.processes` for several (or a print worker of its own). Either way
a fresh interpreter, so that what was loaded for the checks is not held by a process that only waits."""

from __future__ import annotations

import os

import click

from waitwell.appointments.settings import MailSettings
from waitwell.commands.common import configured_database_url, require_current_schema
from waitwell.commands.database_wait import DEFAULT_WAIT_SECONDS, wait_for_database
from waitwell.commands.gunicorn_server import exec_gunicorn
from waitwell.commands.processes import exec_supervisor
from waitwell.config import check_environment
from waitwell.printing import worker_switched_on


@click.command(short_help="Run the production server (gunicorn).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 behind a reverse proxy on the same machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on (the first one, with --workers above 1).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes. Above 1 needs REDIS_URL; each process listens on its own port.")
@click.option("--threads", default=100, show_default=True, type=click.IntRange(1, 10_000),
              help="Threads per process: each open Socket.IO connection (screen, phone, kiosk) holds one.")
@click.option("--proxies", default=0, show_default=True, type=click.IntRange(0, 5),
              help="Reverse proxies in front (e.g. 1 for nginx): trust that many X-Forwarded-For/-Proto/-Host.")
@click.option("--gevent", "use_gevent", is_flag=True,
              help="gunicorn's gevent worker instead of threads: thousands of Socket.IO connections per process, "
                   "and bursts of kiosk taps handled faster. Needs the gevent extra; --threads does not apply.")
@click.option("--separate-print-worker", is_flag=True,
              help="Print from a process of its own (`waitwell print-worker`) beside the one web process: more "
                   "tickets a second for a busy office, for about 75 MB more memory (docs/kiosk.md). Always so with "
                   "--workers above 1, and with --gevent when the server prints over USB, a device file or CUPS.")
@click.option("--wait-for-database", "database_wait", default=DEFAULT_WAIT_SECONDS, show_default=True,
              type=click.IntRange(0, 86_400), envvar="WAITWELL_WAIT_FOR_DATABASE", show_envvar=True,
              metavar="SECONDS",
              help="How long to wait, trying again with growing pauses, for a database that is not up yet "
                   "(booting together with PostgreSQL) before giving up; 0 tries once.")
def serve(host: str, port: int, workers: int, threads: int, proxies: int, use_gevent: bool,
          separate_print_worker: bool, database_wait: int) -> None:
    """Run Waitwell in production with gunicorn.

    \b
    One process (the default) serves the API, the pages and Socket.IO with a threaded gunicorn
    worker, and prints the tickets (not with WAITWELL_PRINT_WORKER=off, when a `waitwell
    print-worker` runs elsewhere; in a process of its own with --separate-print-worker). Socket.IO
    keeps each connection's state in the process that accepted it, so several processes need sticky
    sessions: `--workers N` starts N processes on ports PORT..PORT+N-1, to be listed in an nginx
    upstream with ip_hash, and one print worker for them all, and requires REDIS_URL so that an
    event raised in one process reaches the screens connected to the others (docs/deployment.md).

    `--gevent` runs each process with gunicorn's gevent worker (docs/deployment.md, "Threading or
    gevent"): one thread serves every connection, for large offices and servers shared by many kiosks.
    A printer it reaches over USB, a device file or CUPS would block that thread while it waits, so
    then the print worker runs in a process of its own.

    Waits up to --wait-for-database seconds for a database that cannot be reached yet, saying why at each
    attempt, then refuses to start when it is not at the newest migration: run `waitwell db upgrade`.
    Settings: DATABASE_URL, REDIS_URL, SECRET_KEY, WAITWELL_PUBLIC_URL, WAITWELL_INSTANCE.
    """
    check_environment()  # here, not once per started process, each failing on its own
    MailSettings.from_env()
    redis_url = os.environ.get("REDIS_URL", "")
    if workers > 1 and not redis_url:
        raise click.UsageError(
            f"--workers {workers} runs {workers} processes, and a Socket.IO event raised in one of them must reach "
            "the screens connected to the others: set REDIS_URL (e.g. redis://127.0.0.1:6379/0), "
            "or run one process with more --threads"
        )
    if redis_url:
        _require_redis_client()
    if use_gevent:
        _require_gevent()
    database_url = configured_database_url()
    wait_for_database(database_url, database_wait)
    require_current_schema(database_url)
    if not os.environ.get("WAITWELL_PUBLIC_URL"):
        click.echo("Warning: WAITWELL_PUBLIC_URL is not set, so ticket QR codes point at http://127.0.0.1:5000; "
                   "set it to the address citizens' phones can open.", err=True)
    if not (os.environ.get("WAITWELL_METRICS_TOKEN") or os.environ.get("WAITWELL_METRICS_ALLOW")):
        click.echo("Note: /metrics answers 403 until WAITWELL_METRICS_TOKEN or WAITWELL_METRICS_ALLOW is set "
                   "(docs/deployment.md).", err=True)
    worker_threads = None if use_gevent else threads
    print_worker = worker_switched_on()
    if use_gevent and workers == 1 and print_worker and not separate_print_worker:
        separate_print_worker = _printers_would_block_gevent(database_url)
    if workers == 1 and not (print_worker and separate_print_worker):
        # One web process, printing itself unless a print worker runs elsewhere: gunicorn, nothing around it.
        exec_gunicorn(host=host, port=port, proxies=proxies, threads=worker_threads)
    exec_supervisor(host=host, first_port=port, count=workers, threads=worker_threads, proxies=proxies,
                    print_worker=print_worker)


def _printers_would_block_gevent(database_url: str) -> bool:
    """A printer the server sends to over USB, a device file or CUPS would stop a gevent web process that
    printed to it while it is stuck: then the print worker runs in a process of its own (threads, unpatched)."""
    from waitwell.printing import printers_that_block_gevent
    from waitwell.runtime import Runtime

    runtime = Runtime(database_url)
    try:
        blocking = printers_that_block_gevent(runtime)
    finally:
        runtime.dispose()
    if blocking:
        click.echo(f"Printing from a process of its own: with --gevent, {', '.join(blocking)} would stop the web "
                   "process while it waits.", err=True)
    return bool(blocking)


def _require_redis_client() -> None:
    try:
        import redis  # noqa: F401
    except ImportError:
        raise click.ClickException("REDIS_URL is set but the redis client is missing: "
                                   "pip install 'waitwell[redis]'") from None


def _require_gevent() -> None:
    try:
        import gevent  # noqa: F401
    except ImportError:
        raise click.ClickException("--gevent needs gevent: pip install 'waitwell[gevent]'") from None
