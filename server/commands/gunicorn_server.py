"""One gunicorn process serving the Waitwell app: gunicorn's own command line, with a threaded worker
(Flask-SocketIO in threading mode) or its gevent worker, in a fresh interpreter.

Only the standard library is imported here at first: `waitwell serve` and its supervisor build the
command line without loading Flask, and gunicorn's arbiter, which only waits for its worker, never loads
the app. The worker imports `proxied_app` after the fork and builds the app there (docs/deployment.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from flask import Flask

# The same for either worker. graceful_timeout: open WebSockets would otherwise hold a restart for 30 s.
TIMEOUTS = {"timeout": 60, "graceful_timeout": 10, "keepalive": 5}
TIMEOUT_FLAGS = {"timeout": "--timeout", "graceful_timeout": "--graceful-timeout", "keepalive": "--keep-alive"}
# glibc gives each thread that allocates its own malloc arena, up to 8 per core, and keeps their freed
# pages: a threaded worker grew by about 9 MB more under load with them (bench/memory). Python runs one
# thread at a time, so two arenas cost no waiting. An operator's own setting wins.
MALLOC_ARENAS = "2"


def proxied_app(proxies: int = 0) -> Flask:
    """The app from the environment, trusting `proxies` reverse proxies' forwarded headers."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from waitwell.app import app_from_env

    app = app_from_env()
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    return app


def gunicorn_command(*, host: str, port: int, proxies: int, threads: int | None) -> list[str]:
    """gunicorn's command line for one process on one port, as docs/deployment.md gives it: one worker (Socket.IO
    sessions live in the process that accepted them), threaded with `threads`, or gevent's when None."""
    worker = ["--worker-class", "gthread", "--threads", str(threads)] if threads else ["--worker-class", "gevent"]
    return [sys.executable, "-m", "gunicorn", *worker, "--workers", "1",
            "--config", "python:waitwell.gunicorn_conf", "--bind", _address(host, port), "--name", f"waitwell:{port}",
            *(part for name, value in TIMEOUTS.items() for part in (TIMEOUT_FLAGS[name], str(value))),
            f"waitwell.commands.gunicorn_server:proxied_app({proxies})"]


def gunicorn_environment(environment: Mapping[str, str], *, use_gevent: bool) -> dict[str, str]:
    """The environment for that command: Socket.IO's mode matching the worker, and few malloc arenas."""
    return {"MALLOC_ARENA_MAX": MALLOC_ARENAS, **environment,
            "WAITWELL_ASYNC_MODE": "gevent" if use_gevent else "threading"}


def exec_gunicorn(*, host: str, port: int, proxies: int, threads: int | None,
                  environment: Mapping[str, str] | None = None) -> NoReturn:
    """Become gunicorn (the same process id): a fresh interpreter, because gevent must patch the standard
    library before anything uses it, and because this one has loaded the database and migration code for
    the schema check, which gunicorn's arbiter would otherwise hold while it only waits."""
    command = gunicorn_command(host=host, port=port, proxies=proxies, threads=threads)
    environment = gunicorn_environment(os.environ if environment is None else environment, use_gevent=threads is None)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
