"""Office recall rules in the engine: refusing early or extra recalls, and the automatic no-show.

The rules themselves are plain functions in domain/recalls.py; this module reads them from the
office, applies them to tickets, and sweeps for calls that went unanswered.
"""

from __future__ import annotations

from sqlalchemy import select

from waitwell.domain import events
from waitwell.domain.recalls import RecallRules, auto_no_show_due
from waitwell.domain.states import TicketState
from waitwell.persistence import Office, Ticket
from waitwell.services.history import record_history, ticket_fields
from waitwell.services.lookups import get_office
from waitwell.services.results import TicketView
from waitwell.services.unit_of_work import UnitOfWork


def office_rules(office: Office) -> RecallRules:
    return RecallRules(
        min_seconds_between_recalls=office.min_seconds_between_recalls or 0,
        max_recalls=office.max_recalls,
        auto_no_show_after_recalls=office.auto_no_show_after_recalls,
    )


def recall_rules(uow: UnitOfWork, *, office_id: int) -> RecallRules:
    """An office's recall rules (for the console's countdowns and the admin page)."""
    with uow:
        return office_rules(get_office(uow.session, office_id))


def set_recall_rules(uow: UnitOfWork, *, office_id: int, rules: RecallRules) -> RecallRules:
    """Change an office's recall rules; refused with a clear message when they cannot work together."""
    rules.validate()
    with uow:
        office = get_office(uow.session, office_id)
        office.min_seconds_between_recalls = rules.min_seconds_between_recalls
        office.max_recalls = rules.max_recalls
        office.auto_no_show_after_recalls = rules.auto_no_show_after_recalls
        uow.commit()
        return rules


def mark_missed(uow: UnitOfWork, ticket: Ticket, *, user_id: int | None = None, **detail: object) -> None:
    """Make a called ticket a no-show: state, history row and event, in the caller's transaction."""
    now = uow.clock.now()
    counter_id = ticket.counter_id
    assert counter_id is not None, "a called ticket always has a counter"
    ticket.state = TicketState.NO_SHOW
    ticket.finished_at = now
    record_history(uow, ticket, "no_show", now, user_id=user_id, **detail)
    uow.record(events.TicketMarkedNoShow(**ticket_fields(ticket, now), counter_id=counter_id))


def expire_if_due(uow: UnitOfWork, ticket: Ticket) -> bool:
    """Apply the automatic no-show to one called ticket if its time has come; whether it did."""
    if ticket.state != TicketState.CALLED or ticket.called_at is None:
        return False
    rules = office_rules(ticket.office)
    if not auto_no_show_due(rules, call_count=ticket.call_count, last_called_at=ticket.called_at,
                            now=uow.clock.now()):
        return False
    mark_missed(uow, ticket, automatic=True, after_recalls=rules.auto_no_show_after_recalls)
    return True


def expire_unanswered_calls(uow: UnitOfWork, *, office_id: int | None = None) -> list[TicketView]:
    """The sweep: every called ticket whose automatic no-show is due becomes a no-show now."""
    with uow:
        query = (
            select(Ticket).join(Office, Office.id == Ticket.office_id)
            .where(Ticket.state == TicketState.CALLED, Office.auto_no_show_after_recalls.is_not(None))
            .with_for_update(of=Ticket, skip_locked=True)
        )
        if office_id is not None:
            query = query.where(Ticket.office_id == office_id)
        expired = [ticket for ticket in uow.session.scalars(query).all() if expire_if_due(uow, ticket)]
        views = [TicketView.of(ticket) for ticket in expired]
        uow.commit()
        return views
