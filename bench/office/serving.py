"""The real server as an operator runs it for one office: `waitwell serve --gevent` (supervisor, gunicorn arbiter
and gevent worker, print worker), its processes' memory (PSS) and the errors in its log."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reuse import die_with_parent, free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def serve(database_url: str, instance: Path, *, label: str) -> Iterator[Server]:
    """`waitwell serve --gevent` on a free port, the kiosk tap limit lifted (8 clients tap from one address);
    stopped (its whole tree) on the way out."""
    port = free_port()
    log = instance / f"server-{label}.log"
    env = {**os.environ, "DATABASE_URL": database_url, "WAITWELL_INSTANCE": str(instance),
           "WAITWELL_KIOSK_TAP_LIMIT": "1000000 per second", "WAITWELL_ISSUE_LIMIT_PER_ADDRESS": "1000000 per second",
           "WAITWELL_ISSUE_LIMIT_PER_OFFICE": "1000000 per second", "WAITWELL_DAILY_TICKET_CAP": "10000000",
           "WAITWELL_TOKEN_GUESS_LIMIT": "1000000 per second", "WAITWELL_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "PYTHONUNBUFFERED": "1"}
    env.pop("REDIS_URL", None)  # one process: no Redis, as a one-office install runs
    command = [sys.executable, "-m", "waitwell.cli", "serve", "--gevent", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   preexec_fn=die_with_parent)
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    try:
        wait_until_up(server.url, server.process, 90, log=server.log)
        yield server
    finally:
        stop(server)


def stop(server: Server) -> None:
    """SIGTERM to `waitwell serve` (it stops its children), then SIGKILL to whatever of the tree is left."""
    tree = process_tree(server.process.pid)
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    for pid in tree[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (Linux /proc), parents first."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop(0)
        found.append(pid)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
    return found


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    command: str
    pss_mb: float
    rss_mb: float


def memory(root: int) -> list[ProcessMemory]:
    """PSS (shared pages split between the processes sharing them) and RSS of every process of the tree."""
    measured = []
    for pid in process_tree(root):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                name, _, value = line.partition(":")
                fields[name] = int(value.split()[0])
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            measured.append(ProcessMemory(pid, command, fields.get("Pss", 0) / 1024, fields.get("Rss", 0) / 1024))
    return measured


def log_problems(log: Path, offset: int = 0) -> tuple[int, list[str]]:
    """Tracebacks in the server's log from `offset` on, and the first lines of the first few."""
    text = log.read_text(errors="replace")[offset:]
    lines = text.splitlines()
    firsts = []
    for index, line in enumerate(lines):
        if line.startswith("Traceback") and len(firsts) < 5:
            tail = next((lines[j] for j in range(index + 1, min(index + 200, len(lines)))
                         if lines[j] and not lines[j].startswith((" ", "Traceback"))), "")
            firsts.append(tail[:300])
    return text.count("Traceback (most recent call last)"), firsts
