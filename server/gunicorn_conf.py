"""Gunicorn settings for Waitwell, with either worker: `waitwell serve` runs `gunicorn -c python:waitwell.gunicorn_conf
...`, and so can an operator.

It imports nothing but the standard library: gunicorn loads it before its gevent worker monkey-patches,
and anything imported earlier (ssl through HTTP or Redis clients) would escape the patching.

Full garbage collections pause a process; with thousands of connections they were the slowest calls
in the benchmarks (60-110 ms). Everything built while starting (Flask, SQLAlchemy, the app) lives as
long as the process, so it is moved out of the collector's way once the worker is ready.
"""

from __future__ import annotations

import gc
from typing import Any

# gunicorn 25+ opens a control socket at one path per user; several processes on a host would fight over
# it. Older releases do not know the setting and skip it.
control_socket_disable = True

# gunicorn serves at most this many connections at once per worker and leaves the rest unaccepted: its default
# of 1,000 was reached by a big office's lobby screens and phones alone, and then no clerk's call or kiosk tap
# got an answer (bench/office: 1,000 displays connected, every request timing out). Each connection needs a file
# descriptor: keep `ulimit -n` above this (systemd: LimitNOFILE=, docs/deployment.md).
worker_connections = 10_000


def post_worker_init(worker: Any) -> None:
    """Freeze what the worker built while starting: later full collections scan only newer objects."""
    gc.collect()
    gc.freeze()
