"""The word a web process sends `waitwell print-worker` when it queues a job (a datagram on this machine)."""

from __future__ import annotations

from waitwell.printing.wakeup import WakeupListener, WakeupSender, address_for


def test_the_listener_hears_which_printers_have_new_jobs(sqlite_url: str) -> None:
    listener = WakeupListener.open(sqlite_url)
    sender = WakeupSender.open(sqlite_url)
    assert listener is not None and sender is not None
    try:
        for printer_id in (3, 3, 8):  # a burst: heard together
            sender.send(printer_id)
        assert listener.wait(5.0) == {3, 8}
        assert listener.wait(0.05) == set()  # nothing more: the wait ends at its timeout
    finally:
        listener.close()
        sender.close()


def test_a_second_worker_on_the_same_database_finds_jobs_by_looking(sqlite_url: str) -> None:
    first = WakeupListener.open(sqlite_url)
    assert first is not None
    try:
        assert WakeupListener.open(sqlite_url) is None
    finally:
        first.close()


def test_sending_with_nobody_listening_is_harmless(sqlite_url: str) -> None:
    sender = WakeupSender.open(sqlite_url)
    assert sender is not None
    sender.send(1)  # no worker: the job waits for one, nothing is raised
    sender.close()


def test_only_a_database_file_on_this_machine_has_an_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert address_for("postgresql://postgres@127.0.0.1:5432/test") is None
    assert address_for("sqlite://") is None
    assert address_for(f"sqlite:///{tmp_path}/a.db") != address_for(f"sqlite:///{tmp_path}/b.db")
    assert address_for(f"sqlite:///{tmp_path}/a.db") == address_for(f"sqlite:///{tmp_path}/./a.db")
