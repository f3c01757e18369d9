"""`waitwell serve`: the production server (gunicorn, threaded worker, Flask-SocketIO in threading mode)."""

from __future__ import annotations

import os

import click

from waitwell.appointments.settings import MailSettings
from waitwell.commands.common import configured_database_url, require_current_schema
from waitwell.commands.processes import SUPERVISED, run_processes
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
def serve(host: str, port: int, workers: int, threads: int, proxies: int, use_gevent: bool) -> None:
    """Run Waitwell in production with gunicorn.

    \b
    One process (the default) serves the API, the pages and Socket.IO with a threaded gunicorn
    worker, and a second one prints the tickets (none with WAITWELL_PRINT_WORKER=off, when a
    `waitwell print-worker` runs elsewhere). Socket.IO keeps each connection's state in the
    process that accepted it, so several processes need sticky sessions: `--workers N` starts N
    processes on ports PORT..PORT+N-1, to be listed in an nginx upstream with ip_hash, and requires
    REDIS_URL so that an event raised in one process reaches the screens connected to the others
    (docs/deployment.md).

    `--gevent` runs each process with gunicorn's gevent worker (docs/deployment.md, "Threading or
    gevent"): one thread serves every connection, for large offices and servers shared by many kiosks.

    Refuses to start when the database is not at the newest migration: run `waitwell db upgrade`.
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
    require_current_schema(configured_database_url())
    if not os.environ.get("WAITWELL_PUBLIC_URL") and not os.environ.get(SUPERVISED):
        click.echo("Warning: WAITWELL_PUBLIC_URL is not set, so ticket QR codes point at http://127.0.0.1:5000; "
                   "set it to the address citizens' phones can open.", err=True)
    if workers == 1 and not worker_switched_on():  # this is the web process (ours, or the operator's unit)
        from waitwell.commands.gunicorn_server import run_gevent_gunicorn, run_gunicorn

        if use_gevent:
            run_gevent_gunicorn(host=host, port=port, proxies=proxies)
        run_gunicorn(host=host, port=port, threads=threads, proxies=proxies)
        return
    raise SystemExit(run_processes(host=host, first_port=port, count=workers, threads=threads, proxies=proxies,
                                   use_gevent=use_gevent))


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
