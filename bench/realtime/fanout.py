"""One call fanned out to many display clients spread over several server processes sharing Redis.

The call is made through process A's staff API; process A publishes it once to Redis, and every
process delivers it to its own clients. Latency per delivery = arrival at a client minus the moment
the API request was sent. Target (issue 4): p99 <= 1 s for 5,000 clients over 2 processes.

    python bench/realtime/fanout.py [--clients 5000] [--servers 2] [--calls 3] [--async-mode gevent|threading]
                                    [--redis-url redis://127.0.0.1:6379/0]

Loopback only; bounded in calls and --deadline seconds; uses a Redis channel of its own.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import requests
from common import ClientProcesses, latencies_ms, per_call, report, scratch_office, servers, stop_after


def run(clients: int, server_count: int, calls: int, async_mode: str, redis_url: str, pause: float,
        client_processes: int, lean: bool) -> None:
    office = scratch_office(Path(tempfile.mkdtemp(prefix="waitwell-bench-")), counters=calls)
    channel = f"waitwell-bench-{uuid.uuid4().hex[:8]}"
    with servers(office.database_url, server_count, async_mode=async_mode, redis_url=redis_url,
                 channel=channel) as urls:
        started = time.perf_counter()
        screens = ClientProcesses(urls, clients, office.display_id, client_processes, lean=lean)
        try:
            connected, failed = screens.wait_connected()
            print(f"{connected} display clients connected to {server_count} processes in "
                  f"{time.perf_counter() - started:.1f} s ({failed} failed); async_mode={async_mode}, "
                  f"{client_processes} client processes")
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {office.api_token}"
            sent = []
            for counter_id in office.counter_ids[:calls]:
                time.sleep(pause)
                sent.append(time.perf_counter())
                response = http.post(f"{urls[0]}/api/v1/counters/{counter_id}/call-next", timeout=30)
                if response.status_code != 200:
                    raise SystemExit(f"call failed: {response.status_code} {response.text}")
            time.sleep(3)
            arrivals = screens.arrivals()
            if screens.dropped:
                print(f"  {len(screens.dropped)} connections dropped on their own, the first "
                      f"{min(screens.dropped) - started:.1f} s after connecting began, the last "
                      f"{max(screens.dropped) - started:.1f} s; calls were sent from {sent[0] - started:.1f} s")
        finally:
            screens.stop()
    report(f"call -> display fan-out, {connected} clients on {server_count} processes ({async_mode}) + Redis, "
           f"{calls} calls", latencies_ms(arrivals, sent), expected=connected * calls, arrivals=arrivals)
    print(per_call(arrivals, sent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between calls")
    parser.add_argument("--async-mode", default="gevent", choices=["threading", "gevent"])
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--python-socketio", action="store_true",
                        help="clients built on python-socketio (decode every message) instead of the lean ones")
    parser.add_argument("--deadline", type=float, default=600, help="give up after this many seconds")
    arguments = parser.parse_args()
    stop_after(arguments.deadline)
    run(arguments.clients, arguments.servers, arguments.calls, arguments.async_mode, arguments.redis_url,
        arguments.pause, arguments.client_processes, not arguments.python_socketio)


if __name__ == "__main__":
    main()
