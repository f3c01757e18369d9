"""Work behind the changes: a lone change runs at once, a burst folds into one more run, slow runs space out."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.waiting import DEADLINE_SECONDS
from waitwell.services.coalescing import PerOfficeRuns


def start_thread(work) -> None:
    threading.Thread(target=work, daemon=True).start()


class SteppedClock:
    """A monotonic clock that only the work moves, one per thread (offices run side by side): a run takes
    exactly what it says, however busy the machine."""

    def __init__(self) -> None:
        self._thread = threading.local()

    def __call__(self) -> float:
        return getattr(self._thread, "now", 100.0)

    def advance(self, seconds: float) -> None:
        self._thread.now = self() + seconds


class Recorder:
    def __init__(self, takes: float = 0.0, fail_first: bool = False, clock: SteppedClock | None = None) -> None:
        self.runs: list[int] = []
        self.takes = takes
        self.fail_first = fail_first
        self.clock = clock
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()

    def __call__(self, office_id: int) -> None:
        self.started.set()
        self.release.wait(5)
        if self.clock is not None:
            self.clock.advance(self.takes)
        else:
            time.sleep(self.takes)
        self.runs.append(office_id)
        if self.fail_first and len(self.runs) == 1:
            raise RuntimeError("the database went away")


def test_a_lone_request_runs_at_once_without_waiting_for_the_interval() -> None:
    work = Recorder()
    runs = PerOfficeRuns(work, start_thread, min_interval=60)
    started = time.monotonic()
    runs.request(1)
    assert runs.wait_until_idle(5)
    assert work.runs == [1] and time.monotonic() - started < 5


def test_requests_made_during_a_run_fold_into_one_more_run() -> None:
    work = Recorder()
    work.release.clear()  # hold the first run
    sleeps: list[float] = []
    runs = PerOfficeRuns(work, start_thread, sleep=sleeps.append, min_interval=0.5)
    runs.request(7)
    for _ in range(50):
        runs.request(7)
    work.release.set()
    assert runs.wait_until_idle(5)
    assert work.runs == [7, 7]
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.5


def test_offices_do_not_wait_for_each_other() -> None:
    work = Recorder()
    work.release.clear()
    runs = PerOfficeRuns(work, start_thread)
    runs.request(1)
    runs.request(2)
    work.release.set()
    assert runs.wait_until_idle(5)
    assert sorted(work.runs) == [1, 2]


def test_slow_runs_are_spaced_so_they_take_at_most_their_share_of_a_core() -> None:
    clock = SteppedClock()
    work = Recorder(takes=0.05, clock=clock)
    work.release.clear()
    sleeps: list[float] = []
    runs = PerOfficeRuns(work, start_thread, sleep=sleeps.append, clock=clock, min_interval=0.0, max_share=0.1)
    runs.request(3)
    runs.request(3)
    work.release.set()
    assert runs.wait_until_idle(5)
    assert len(sleeps) == 1 and sleeps[0] == pytest.approx(0.45)  # 0.05 s of work, then 0.45 s idle


def test_a_failing_run_is_logged_and_the_next_request_runs_again(caplog: pytest.LogCaptureFixture) -> None:
    work = Recorder(fail_first=True)
    runs = PerOfficeRuns(work, start_thread)
    runs.request(4)
    assert runs.wait_until_idle(5)
    runs.request(4)
    assert runs.wait_until_idle(5)
    assert work.runs == [4, 4]
    assert "failed for office 4" in caplog.text


def test_without_background_tasks_the_work_runs_in_the_caller() -> None:
    work = Recorder()
    runs = PerOfficeRuns(work, None, min_interval=60)
    runs.request(5)
    runs.request(5)
    assert work.runs == [5, 5]


def test_a_share_outside_one_core_is_refused() -> None:
    with pytest.raises(ValueError, match="share of one core"):
        PerOfficeRuns(Recorder(), None, max_share=0)


def test_busy_offices_share_one_budget() -> None:
    """Two offices in a burst: each waits twice as long, so together they stay within the share."""
    clock = SteppedClock()
    work = Recorder(takes=0.05, clock=clock)
    work.release.clear()
    sleeps: list[float] = []
    both_waiting = threading.Barrier(2)

    def sleep(seconds: float) -> None:  # neither office ends before the other has counted it busy
        sleeps.append(seconds)
        both_waiting.wait(5)

    runs = PerOfficeRuns(work, start_thread, sleep=sleep, clock=clock, min_interval=0.0, max_share=0.1)
    for office_id in (1, 2, 1, 2):
        runs.request(office_id)
    work.release.set()
    assert runs.wait_until_idle(5)
    assert len(sleeps) == 2 and all(s == pytest.approx(0.95) for s in sleeps)  # 0.05 x 2 / 0.1 - 0.05


def test_closing_waits_for_the_run_under_way_and_starts_no_other() -> None:
    """What closes the database after `close` must find nothing still reading it, nor about to."""
    work = Recorder(takes=0.2)
    runs = PerOfficeRuns(work, start_thread, sleep=time.sleep, min_interval=0.3)
    runs.request(1)
    runs.request(1)  # folded: one more run after the interval
    assert work.started.wait(5)  # the first run is under way
    assert runs.close(5)
    assert work.runs == [1]  # the run under way finished before close returned
    runs.request(1)
    # Idle: the office's loop has ended, past the interval when the folded run would have come, and no loop
    # runs for the request made after closing. Nothing can run after this.
    assert runs.wait_until_idle(DEADLINE_SECONDS)
    assert work.runs == [1]
