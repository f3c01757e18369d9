"""One gunicorn process serving the Waitwell app with a threaded worker (Flask-SocketIO threading mode)."""

from __future__ import annotations

from typing import Any

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
        from waitwell.app import app_from_env

        app = app_from_env()
        if self.proxies:
            app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
                app.wsgi_app, x_for=self.proxies, x_proto=self.proxies, x_host=self.proxies
            )
        return app


def gunicorn_options(*, host: str, port: int, threads: int) -> dict[str, Any]:
    """One worker per process: Socket.IO sessions live in the process that accepted them."""
    address = f"[{host}]" if ":" in host else host
    return {
        "bind": [f"{address}:{port}"],
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,  # open WebSockets would otherwise hold a restart for the default 30 s
        "keepalive": 5,
        "proc_name": f"waitwell:{port}",
        # gunicorn 25+ opens a control socket at one path per user; several processes would fight over it.
        "control_socket_disable": True,
    }


def run_gunicorn(*, host: str, port: int, threads: int, proxies: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl+C)."""
    WaitwellGunicorn(gunicorn_options(host=host, port=port, threads=threads), proxies).run()
