"""A benchmark client process: holds many display connections and reports when each call arrived.

Started by call_latency.py / fanout.py (never on its own). Protocol on stdin/stdout, one JSON per line:
prints {"connected": n, "failed": m}, waits for any line on stdin, then prints {"arrivals": [[t, ...], ...]}
with time.perf_counter() values (CLOCK_MONOTONIC: comparable between processes on the same machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

import aiohttp
from common import connect_screens, disconnect_all


async def run(urls: list[str], count: int, display_id: int, lean: bool) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        screens, failures = await connect_screens(session, urls, count, display_id, lean=lean)
        print(json.dumps({"connected": len(screens), "failed": failures}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        arrivals = [screen.arrivals for screen in screens]
        dropped = [screen.dropped_at for screen in screens if screen.dropped_at is not None]
        await disconnect_all(screens)
    print(json.dumps({"arrivals": arrivals, "dropped": dropped}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--display-id", type=int, required=True)
    parser.add_argument("--python-socketio", action="store_true", help="full client instead of the lean one")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.url, arguments.count, arguments.display_id, not arguments.python_socketio))
