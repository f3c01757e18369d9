"""One gunicorn process serving the Waitwell app: a threaded worker (Flask-SocketIO threading mode), or
gunicorn's gevent worker in a fresh interpreter (`--gevent`)."""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

from flask import Flask
from gunicorn.app.base import BaseApplication
from werkzeug.middleware.proxy_fix import ProxyFix

# Settings older gunicorn releases do not know; they are skipped there.
NEWER_SETTINGS = {"control_socket_disable"}


class WaitwellGunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from code, so `waitwell serve` needs no config file."""

    def __init__(self, options: dict[str, Any], proxies: int) -> None:
        self.options = options
        self.proxies = proxies
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings or key not in NEWER_SETTINGS:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker, after the fork, so no database connection is shared between processes.
        return proxied_app(self.proxies)


def proxied_app(proxies: int = 0) -> Flask:
    """The app from the environment, trusting `proxies` reverse proxies' forwarded headers."""
    from waitwell.app import app_from_env

    app = app_from_env()
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    return app


# The same for either worker. graceful_timeout: open WebSockets would otherwise hold a restart for 30 s.
TIMEOUTS = {"timeout": 60, "graceful_timeout": 10, "keepalive": 5}


def gunicorn_options(*, host: str, port: int, threads: int) -> dict[str, Any]:
    """One worker per process: Socket.IO sessions live in the process that accepted them."""
    return {
        "bind": [_address(host, port)],
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        **TIMEOUTS,
        "proc_name": f"waitwell:{port}",
        # gunicorn 25+ opens a control socket at one path per user; several processes would fight over it.
        "control_socket_disable": True,
    }


def run_gunicorn(*, host: str, port: int, threads: int, proxies: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl+C)."""
    WaitwellGunicorn(gunicorn_options(host=host, port=port, threads=threads), proxies).run()


def gevent_command(*, host: str, port: int, proxies: int) -> list[str]:
    """gunicorn's own command line with its gevent worker, as docs/deployment.md gives it."""
    flags = {"timeout": "--timeout", "graceful_timeout": "--graceful-timeout", "keepalive": "--keep-alive"}
    return [sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", "1",
            "--config", "python:waitwell.gunicorn_conf", "--bind", _address(host, port), "--name", f"waitwell:{port}",
            *(part for name, value in TIMEOUTS.items() for part in (flags[name], str(value))),
            f"waitwell.commands.gunicorn_server:proxied_app({proxies})"]


def run_gevent_gunicorn(*, host: str, port: int, proxies: int) -> NoReturn:
    """Become gunicorn with the gevent worker. A fresh interpreter, because gevent must patch the standard
    library before anything uses it, and this one has already imported and connected (the schema check)."""
    command = gevent_command(host=host, port=port, proxies=proxies)
    os.execve(sys.executable, command, {**os.environ, "WAITWELL_ASYNC_MODE": "gevent"})


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
