"""Recording a counter's state changes in its append-only history (utilisation needs its open time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from waitwell.persistence import Counter, CounterEvent


def record_counter_state(session: Session, counter: Counter, at: datetime, *, user_id: int | None = None) -> None:
    """Append "counter entered its current state at `at`", in the caller's transaction."""
    session.add(CounterEvent(counter_id=counter.id, office_id=counter.office_id, state=counter.state,
                             occurred_at=at, user_id=user_id))
