"""Call-to-display latency: N display clients on one server process, calls made through the staff API.

Latency per delivery = the moment a display client has the change minus the moment the staff API
request was sent (same machine, one monotonic clock). Target (issue 4): p99 <= 100 ms, 1,000 clients.

    python bench/realtime/call_latency.py [--clients 1000] [--calls 20] [--async-mode threading|gevent]
                                          [--client-processes 2]

Loopback only; at most --calls calls and --deadline seconds; starts and stops its own server and clients.
The clients share the machine's cores with the server, so the figures include their own work.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import requests
from common import ClientProcesses, latencies_ms, per_call, report, scratch_office, servers, stop_after


def run(clients: int, calls: int, async_mode: str, pause: float, client_processes: int, lean: bool) -> None:
    office = scratch_office(Path(tempfile.mkdtemp(prefix="waitwell-bench-")), counters=calls)
    with servers(office.database_url, 1, async_mode=async_mode) as urls:
        started = time.perf_counter()
        screens = ClientProcesses(urls, clients, office.display_id, client_processes, lean=lean)
        try:
            connected, failed = screens.wait_connected()
            print(f"{connected} display clients connected in {time.perf_counter() - started:.1f} s ({failed} failed);"
                  f" server async_mode={async_mode}, {client_processes} client processes")
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {office.api_token}"
            sent = []
            for counter_id in office.counter_ids[:calls]:
                time.sleep(pause)
                sent.append(time.perf_counter())
                response = http.post(f"{urls[0]}/api/v1/counters/{counter_id}/call-next", timeout=30)
                if response.status_code != 200:
                    raise SystemExit(f"call failed: {response.status_code} {response.text}")
            time.sleep(2)  # the last deliveries
            arrivals = screens.arrivals()
        finally:
            screens.stop()
    report(f"call -> display, {connected} clients on 1 process ({async_mode}), {calls} calls",
           latencies_ms(arrivals, sent), expected=connected * calls, arrivals=arrivals)
    print(per_call(arrivals, sent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between calls")
    parser.add_argument("--async-mode", default="threading", choices=["threading", "gevent"])
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--python-socketio", action="store_true",
                        help="clients built on python-socketio (decode every message) instead of the lean ones")
    parser.add_argument("--deadline", type=float, default=300, help="give up after this many seconds")
    arguments = parser.parse_args()
    stop_after(arguments.deadline)
    run(arguments.clients, arguments.calls, arguments.async_mode, arguments.pause, arguments.client_processes,
        not arguments.python_socketio)


if __name__ == "__main__":
    main()
