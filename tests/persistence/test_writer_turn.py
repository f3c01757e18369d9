"""Writers of a SQLite file take turns across threads and processes, without SQLite's sleeping busy handler."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.waiting import wait_until
from waitwell.persistence import writer_turn
from waitwell.persistence.writer_turn import WriterTurn

HOLDER = """
import fcntl, sys
lock = open(sys.argv[1], "ab")
fcntl.flock(lock, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def other_process_writing(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process (a print worker, say) in the middle of a write: it holds the turn until told."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "queue.db-writer.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    yield holder
    if holder.poll() is None:
        holder.kill()
    holder.wait(5)
    holder.stdin.close()  # type: ignore[union-attr]
    holder.stdout.close()


def test_a_writer_waits_for_another_process_and_goes_as_soon_as_it_is_done(
    tmp_path: Path, other_process_writing, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused: list[int] = []  # the waiter's tries while the other process holds the lock
    locking = writer_turn.fcntl.flock

    def counted_flock(file: object, operation: int) -> None:
        try:
            locking(file, operation)
        except BlockingIOError:
            refused.append(operation)
            raise

    monkeypatch.setattr(writer_turn.fcntl, "flock", counted_flock)
    turn = WriterTurn(str(tmp_path / "queue.db"), timeout=30)
    got_it = threading.Event()
    waiter = threading.Thread(target=lambda: (turn.take(), got_it.set()), daemon=True)
    waiter.start()
    wait_until(lambda: got_it.is_set() or len(refused) >= 3, message="the waiter refused the lock three times")
    assert not got_it.is_set()  # still the other process's turn
    other_process_writing.stdin.write("done\n")
    other_process_writing.stdin.flush()
    assert got_it.wait(5)
    turn.give_back()


def test_a_process_that_keeps_the_turn_too_long_gets_a_clear_error(tmp_path: Path, other_process_writing) -> None:
    turn = WriterTurn(str(tmp_path / "queue.db"), timeout=0.2)
    with pytest.raises(TimeoutError, match="another process kept the database for writing"):
        turn.take()
    other_process_writing.stdin.write("done\n")
    other_process_writing.stdin.flush()
    assert other_process_writing.wait(15) == 0  # its turn is over once it has gone
    turn.take()  # the failed attempt left nothing held
    turn.give_back()


def test_threads_take_turns_one_at_a_time(tmp_path: Path) -> None:
    turn = WriterTurn(str(tmp_path / "queue.db"), timeout=30)
    inside, most_inside = 0, 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most_inside
        for _ in range(200):
            turn.take()
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.0001)  # a write takes a while: another writer would get in here
            with guard:
                inside -= 1
            turn.give_back()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most_inside == 1
