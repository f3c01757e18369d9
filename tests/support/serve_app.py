"""Serve Waitwell on one port, for tests and benchmarks that need a separate, killable server process.

    python tests/support/serve_app.py --port 5001 --database-url sqlite:///... --instance /tmp/x \
        [--redis-url redis://127.0.0.1:6379/0 --channel test-123] [--async-mode gevent]
"""

from __future__ import annotations

import argparse
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--database-url", required=True)
parser.add_argument("--instance", required=True)
parser.add_argument("--redis-url", default="")
parser.add_argument("--channel", default="flask-socketio")
parser.add_argument("--async-mode", default="threading", choices=["threading", "gevent"])
arguments = parser.parse_args()

if arguments.async_mode == "gevent":
    from gevent import monkey

    monkey.patch_all()

import logging  # noqa: E402 - after monkey-patching
from pathlib import Path  # noqa: E402

from waitwell.app import create_app  # noqa: E402
from waitwell.config import Config  # noqa: E402
from waitwell.extensions import socketio  # noqa: E402
from waitwell.gunicorn_conf import post_worker_init  # noqa: E402

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
config = Config(
    database_url=arguments.database_url,
    redis_url=arguments.redis_url,
    instance_path=Path(arguments.instance),
    secret_key="test-secret",
    # The channel also names the rate limits' counts, so runs sharing one Redis never count each other's taps.
    extra={"WAITWELL_ASYNC_MODE": arguments.async_mode, "WAITWELL_SOCKETIO_CHANNEL": arguments.channel,
           "RATELIMIT_KEY_PREFIX": f"waitwell-limits-{arguments.channel}"},
)
app = create_app(config)
post_worker_init(None)  # what gunicorn does with -c python:waitwell.gunicorn_conf
socketio.run(app, host="127.0.0.1", port=arguments.port, allow_unsafe_werkzeug=True, log_output=False)
