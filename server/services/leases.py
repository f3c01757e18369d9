"""Database leases: when several processes serve the app, the one holding a job's lease runs it.

Works the same on SQLite (the write lock serialises takers) and PostgreSQL (a row lock, and the
primary key settles two first takers). A holder renews its lease on every run; if it dies, the
lease lapses after its time to live and another process takes over.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from waitwell.persistence import JobLease
from waitwell.services.unit_of_work import UnitOfWork


def acquire(uow: UnitOfWork, *, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder`; False while someone else holds it."""
    try:
        with uow:
            now = uow.clock.now()
            lease = uow.session.scalar(select(JobLease).where(JobLease.name == name).with_for_update())
            if lease is None:
                uow.session.add(JobLease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
            elif lease.holder == holder or lease.expires_at <= now:
                if lease.holder != holder:
                    lease.holder, lease.acquired_at = holder, now
                lease.expires_at = now + ttl
            else:
                return False
            uow.commit()
            return True
    except IntegrityError:
        return False  # another process inserted the lease a moment before us


def release(uow: UnitOfWork, *, name: str, holder: str) -> None:
    """Give the lease up (on shutdown), so another process need not wait for it to lapse."""
    with uow:
        uow.session.execute(delete(JobLease).where(JobLease.name == name, JobLease.holder == holder))
        uow.commit()


def holder_of(uow: UnitOfWork, *, name: str) -> str | None:
    with uow:
        lease = uow.session.get(JobLease, name)
        return lease.holder if lease is not None and lease.expires_at > uow.clock.now() else None
