"""Staff endpoints on tickets: taking one for a visitor, the office's lists, recall, start, complete, no-show,
transfer."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields

from waitwell.api.public import status_url
from waitwell.api.refusals import NOT_AUTHORIZED, NOT_SIGNED_IN, TOO_MANY_TICKETS
from waitwell.api.schemas import IssuedTicketSchema, IssueTicketRequest, StrictSchema, TicketSchema, TransferRequest
from waitwell.auth import require_office, staff, staff_required
from waitwell.domain.errors import NotFound
from waitwell.domain.states import TicketState
from waitwell.services import counter_sessions, counters, kiosks, queries, tickets
from waitwell.web import uow
from waitwell.web_common.rate_limits import check_issue_limits

bp = Blueprint("tickets", __name__, url_prefix="/api/v1", description="Staff: tickets")
STAFF = [{"bearerToken": []}, {"staffSession": []}]


class TicketListQuery(StrictSchema):
    state = fields.List(
        fields.Enum(TicketState, by_value=True), load_default=[TicketState.WAITING],
        metadata={"description": "Repeat to list several states; default waiting"},
    )


@bp.post("/tickets")
@bp.arguments(IssueTicketRequest())
@bp.response(201, IssuedTicketSchema)
@bp.alt_response(401, **NOT_SIGNED_IN)
@bp.alt_response(403, **NOT_AUTHORIZED)
@bp.alt_response(429, **TOO_MANY_TICKETS)
@bp.doc(security=STAFF)
@staff_required()
def issue_ticket(body: dict[str, Any]) -> Any:
    """Take a ticket for a visitor (a desk, an integration): staff of the service's office only.

    Limited per client address and per office, and capped per office and day (docs/security.md); a kiosk
    takes its tickets through /kiosks/{kiosk_id}/tickets. Keep the token in the answer: it is the only way
    to follow or cancel the ticket.
    """
    service_id = body["service_id"]
    office_id = kiosks.office_of_service(uow(read_only=True), service_id)
    if office_id is None:
        raise NotFound(f"there is no service {service_id}")
    require_office(office_id)
    check_issue_limits(office_id)
    ticket = tickets.issue_ticket(uow(), service_id=service_id, origin="api",
                                  daily_cap=current_app.config["DAILY_TICKET_CAP"])
    return {**ticket.__dict__, "status_url": status_url(ticket.token)}


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
