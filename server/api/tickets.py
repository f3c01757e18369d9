"""Staff endpoints on one ticket: recall, start, complete, no-show, transfer."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields

from waitwell.api.schemas import StrictSchema, TicketSchema, TransferRequest
from waitwell.auth import require_office, staff, staff_required
from waitwell.domain.states import TicketState
from waitwell.services import counter_sessions, counters, queries
from waitwell.web import uow

bp = Blueprint("tickets", __name__, url_prefix="/api/v1", description="Staff: tickets")
STAFF = [{"bearerToken": []}, {"staffSession": []}]


class TicketListQuery(StrictSchema):
    state = fields.List(
        fields.Enum(TicketState, by_value=True), load_default=[TicketState.WAITING],
        metadata={"description": "Repeat to list several states; default waiting"},
    )


@bp.get("/offices/<int:office_id>/tickets")
@bp.arguments(TicketListQuery(), location="query")
@bp.response(200, TicketSchema(many=True))
@bp.doc(security=STAFF)
@staff_required()
def list_tickets(query: dict[str, Any], office_id: int) -> Any:
    """An office's tickets by state (any day); waiting ones in the order they will be called."""
    require_office(office_id)
    return queries.tickets_of(uow(read_only=True), office_id=office_id, states=query["state"])


@bp.get("/tickets/<int:ticket_id>")
@bp.response(200, TicketSchema)
@bp.doc(security=STAFF)
@staff_required()
def get_ticket(ticket_id: int) -> Any:
    """One ticket, as staff see it."""
    return _ticket_in_my_office(ticket_id)


def _ticket_in_my_office(ticket_id: int) -> Any:
    ticket = queries.ticket_view(uow(read_only=True), ticket_id=ticket_id)
    require_office(ticket.office_id)
    return ticket


def _ticket_i_may_act_on(ticket_id: int) -> None:
    """In my office, and not at a counter someone else is signed in at (409 counter_taken names who is)."""
    ticket = _ticket_in_my_office(ticket_id)
    if ticket.counter_id is not None:
        counter_sessions.refuse_another_holder(uow(read_only=True), counter_id=ticket.counter_id,
                                               user_id=staff().member.id)


def _ticket_action(name: str, operation: Any, summary: str) -> None:
    @bp.post(f"/tickets/<int:ticket_id>/{name}", endpoint=f"{name.replace('-', '_')}_ticket")
    @bp.response(200, TicketSchema)
    @bp.doc(security=STAFF, summary=summary)
    @staff_required()
    def action(ticket_id: int) -> Any:
        _ticket_i_may_act_on(ticket_id)
        return operation(uow(), ticket_id=ticket_id, user_id=staff().member.id)


_ticket_action("recall", counters.recall, "Call the ticket again to the same counter")
_ticket_action("start", counters.start_service, "The citizen has arrived at the counter")
_ticket_action("complete", counters.complete, "Service is finished")
_ticket_action("no-show", counters.mark_no_show, "The citizen did not come after being called")


@bp.post("/tickets/<int:ticket_id>/transfer")
@bp.arguments(TransferRequest())
@bp.response(200, TicketSchema)
@bp.doc(security=STAFF)
@staff_required()
def transfer_ticket(body: dict[str, Any], ticket_id: int) -> Any:
    """Move the ticket to another service's line; it keeps its number."""
    _ticket_i_may_act_on(ticket_id)
    return counters.transfer(uow(), ticket_id=ticket_id, to_service_id=body["service_id"], user_id=staff().member.id)
