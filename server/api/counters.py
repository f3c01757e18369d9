"""Staff endpoints on counters: open, pause, close, call next, call a given ticket."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from waitwell.api.schemas import CallTicketRequest, CounterSchema, TicketSchema
from waitwell.api.tickets import STAFF
from waitwell.auth import require_office, staff, staff_required
from waitwell.services import counter_sessions, counters, queries
from waitwell.web import uow

bp = Blueprint("counters", __name__, url_prefix="/api/v1", description="Staff: counters")


@bp.get("/offices/<int:office_id>/counters")
@bp.response(200, CounterSchema(many=True))
@bp.doc(security=STAFF)
@staff_required()
def list_counters(office_id: int) -> Any:
    """An office's counters, their state and the ticket each one has now."""
    require_office(office_id)
    return queries.counters_of(uow(read_only=True), office_id=office_id)


@bp.get("/counters/<int:counter_id>")
@bp.response(200, CounterSchema)
@bp.doc(security=STAFF)
@staff_required()
def get_counter(counter_id: int) -> Any:
    """One counter."""
    return _counter_in_my_office(counter_id)


def _counter_in_my_office(counter_id: int) -> Any:
    counter = queries.counter_view(uow(read_only=True), counter_id=counter_id)
    require_office(counter.office_id)
    return counter


def _counter_i_may_act_at(counter_id: int) -> None:
    """In my office, and nobody else signed in at it (409 counter_taken names who is)."""
    _counter_in_my_office(counter_id)
    counter_sessions.refuse_another_holder(uow(read_only=True), counter_id=counter_id, user_id=staff().member.id)


def _counter_state_action(name: str, operation: Any, summary: str) -> None:
    @bp.post(f"/counters/<int:counter_id>/{name}", endpoint=f"{name}_counter")
    @bp.response(200, CounterSchema)
    @bp.doc(security=STAFF, summary=summary)
    @staff_required()
    def action(counter_id: int) -> Any:
        _counter_i_may_act_at(counter_id)
        return operation(uow(), counter_id=counter_id, user_id=staff().member.id)


_counter_state_action("open", counters.open_counter, "Open the counter (or resume after a pause)")
_counter_state_action("pause", counters.pause_counter, "Pause for a break: no new calls")
_counter_state_action("close", counters.close_counter, "Close the counter")


@bp.post("/counters/<int:counter_id>/call-next")
@bp.response(200, TicketSchema)
@bp.doc(security=STAFF)
@staff_required()
def call_next(counter_id: int) -> Any:
    """Call the next ticket for this counter's services."""
    _counter_i_may_act_at(counter_id)
    return counters.call_next(uow(), counter_id=counter_id, user_id=staff().member.id)


@bp.post("/counters/<int:counter_id>/call")
@bp.arguments(CallTicketRequest())
@bp.response(200, TicketSchema)
@bp.doc(security=STAFF)
@staff_required()
def call_ticket(body: dict[str, Any], counter_id: int) -> Any:
    """Call a specific waiting ticket out of turn, with a reason kept in its history."""
    _counter_i_may_act_at(counter_id)
    return counters.call_ticket(uow(), counter_id=counter_id, ticket_id=body["ticket_id"],
                                user_id=staff().member.id, reason=body["reason"])
