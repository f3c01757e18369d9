"""Lobby display clients: many Socket.IO connections to /display, each noting when it first saw each call.

As a script (one of several client processes started by `Fleet`): connects --count clients over WebSocket
(Engine.IO v4 / Socket.IO v5 spoken directly, as bench/realtime's lean clients do, so the clients weigh little on
the shared cores), prints {"connected": n, "failed": m}, waits for a line on stdin, then prints
{"seen": {key: [time, ...]}, "dropped": {why: n}, "lag_ms": [...]}: per call key ("A123.1", as the board names
a call) when each client first had it in a "change" (time.perf_counter(), comparable between processes on one
machine), why connections ended on their own, and how late the process's event loop ran.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time
from pathlib import Path

KEY = re.compile(r'"key":\s*"([^"]+)"')


class _Screen:
    def __init__(self) -> None:
        self.known: set[str] = set()  # keys on the board when it connected, or seen since
        self.first_seen: dict[str, float] = {}
        self.dropped = ""  # why the connection ended before the benchmark closed it


async def _screen(session: object, url: str, display_id: int, closing: asyncio.Event) -> _Screen:
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    ws = await session.ws_connect(url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
                                  autoping=False, timeout=aiohttp.ClientWSTimeout(ws_close=5), max_msg_size=0)
    opened = await asyncio.wait_for(ws.receive_str(), 30)
    if not opened.startswith("0"):
        raise RuntimeError(opened)
    await ws.send_str("40/display," + json.dumps({"display_id": display_id}))
    screen = _Screen()
    joined = asyncio.get_running_loop().create_future()

    async def listen() -> None:
        async for message in ws:
            data = message.data
            if not isinstance(data, str):
                continue
            if data == "2":
                await ws.send_str("3")
            elif data.startswith('42/display,["change"') or (joined.done() and data.startswith('42/display,[')):
                now, known_in_a_row = time.perf_counter(), 0
                for match in KEY.finditer(data):  # newest call first: stop where the known ones begin
                    key = match.group(1)
                    if key in screen.known:
                        known_in_a_row += 1
                        if known_in_a_row == 3:
                            break
                        continue
                    known_in_a_row = 0
                    screen.known.add(key)
                    screen.first_seen[key] = now
            elif data.startswith('42/display,["snapshot"'):
                screen.known.update(KEY.findall(data))
                if not joined.done():
                    joined.set_result(True)
            elif data.startswith("44/display") and not joined.done():
                joined.set_exception(RuntimeError(data))
        if not closing.is_set():
            screen.dropped = f"close code {ws.close_code}, {ws.exception() or 'no error'}"

    task = asyncio.create_task(listen())
    await asyncio.wait_for(joined, 30)
    screen.close = ws.close  # type: ignore[attr-defined]
    screen.task = task  # type: ignore[attr-defined]
    return screen


async def _run(url: str, count: int, display_ids: list[int], batch: int) -> None:
    import aiohttp

    closing = asyncio.Event()
    screens: list[_Screen] = []
    failed = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def connect(index: int) -> None:
            nonlocal failed
            try:
                screens.append(await _screen(session, url, display_ids[index % len(display_ids)], closing))
            except Exception:  # noqa: BLE001 - counted and reported
                failed += 1

        lag = asyncio.create_task(_loop_lag(closing))
        for start in range(0, count, batch):
            await asyncio.gather(*(connect(i) for i in range(start, min(start + batch, count))))
        print(json.dumps({"connected": len(screens), "failed": failed}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        closing.set()
        seen: dict[str, list[float]] = {}
        for screen in screens:
            for key, at in screen.first_seen.items():
                seen.setdefault(key, []).append(at)
        dropped: dict[str, int] = {}
        for screen in screens:
            if screen.dropped:
                dropped[screen.dropped] = dropped.get(screen.dropped, 0) + 1
        lags = await lag
        for start in range(0, len(screens), batch):
            await asyncio.gather(*(s.close() for s in screens[start:start + batch]),  # type: ignore[attr-defined]
                                 return_exceptions=True)
    print(json.dumps({"seen": seen, "dropped": dropped, "lag_ms": lags}), flush=True)


async def _loop_lag(closing: asyncio.Event, every: float = 0.05) -> list[float]:
    """How late this process's event loop woke up (ms), every 50 ms: a client process that falls behind delays
    what it records, and the figures would blame the server for it."""
    lags = []
    while not closing.is_set():
        started = time.perf_counter()
        await asyncio.sleep(every)
        lags.append((time.perf_counter() - started - every) * 1000)
    return lags


class Fleet:
    """`count` display clients over `processes` client processes, spread over the office's displays."""

    def __init__(self, url: str, count: int, display_ids: list[int], processes: int) -> None:
        from reuse import CONNECT_BATCH, die_with_parent

        self.processes: list[subprocess.Popen[str]] = []
        share, extra = divmod(count, processes)
        for index in range(processes):
            mine = share + (1 if index < extra else 0)
            if not mine:
                continue
            ids = ",".join(str(d) for d in display_ids[index:] + display_ids[:index])
            self.processes.append(subprocess.Popen(
                [sys.executable, str(Path(__file__)), "--url", url, "--count", str(mine), "--display-ids", ids,
                 "--batch", str(CONNECT_BATCH)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent))

    def wait_connected(self) -> tuple[int, int]:
        from reuse import wait_connected

        return wait_connected(self.processes)

    def collect(self) -> tuple[dict[str, list[float]], dict[str, int], list[float]]:
        """Ask every process for what it saw (they disconnect and end): when each call key was first seen by
        each client, the connections that ended on their own (by why), and the processes' event loop lag (ms)."""
        seen: dict[str, list[float]] = {}
        dropped: dict[str, int] = {}
        lags: list[float] = []
        for process in self.processes:
            if process.stdin:
                process.stdin.write("stop\n")
                process.stdin.flush()
        for process in self.processes:
            line = process.stdout.readline() if process.stdout else ""
            answer = json.loads(line) if line else {}
            for key, times in answer.get("seen", {}).items():
                seen.setdefault(key, []).extend(times)
            for why, count in answer.get("dropped", {}).items():
                dropped[why] = dropped.get(why, 0) + count
            lags += answer.get("lag_ms", [])
            process.wait(timeout=60)
        return seen, dropped, lags

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--display-ids", required=True)
    parser.add_argument("--batch", type=int, default=100, help="clients connecting at once")
    arguments = parser.parse_args()
    asyncio.run(_run(arguments.url, arguments.count, [int(d) for d in arguments.display_ids.split(",")],
                     arguments.batch))
