"""Public endpoints: what a kiosk, a phone or a lobby screen may ask without signing in (taking a ticket needs
staff credentials: api/tickets.py; a kiosk takes its tickets through api/kiosks.py)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from waitwell.api.refusals import TOO_MANY_GUESSES
from waitwell.api.schemas import OfficeSchema, ServiceSchema, TicketSchema, TicketStatusSchema
from waitwell.config import Config
from waitwell.services import offices, queries, tickets
from waitwell.web import uow
from waitwell.web_common.rate_limits import look_up_token

bp = Blueprint("public", __name__, url_prefix="/api/v1", description="Public: offices, services and tickets")


@bp.get("/offices")
@bp.response(200, OfficeSchema(many=True))
def list_offices() -> Any:
    """List the offices."""
    return offices.list_offices(uow(read_only=True))


@bp.get("/offices/<int:office_id>/services")
@bp.response(200, ServiceSchema(many=True))
def list_services(office_id: int) -> Any:
    """List an office's services with the number of people waiting in each line."""
    return [
        {**service.__dict__, "people_waiting": waiting}
        for service, waiting in queries.services_with_waiting(uow(read_only=True), office_id=office_id)
    ]


@bp.get("/ticket-status/<token>")
@bp.response(200, TicketStatusSchema)
@bp.alt_response(429, **TOO_MANY_GUESSES)
def ticket_status(token: str) -> Any:
    """A ticket's state, people ahead and the last number called in its line."""
    status = look_up_token(lambda: tickets.ticket_status(uow(read_only=True), token=token))
    return {**status.ticket.__dict__, "last_called_number": status.last_called_number}


@bp.post("/ticket-status/<token>/cancel")
@bp.response(200, TicketSchema)
@bp.alt_response(429, **TOO_MANY_GUESSES)
def cancel_ticket(token: str) -> Any:
    """The ticket holder gives up their place in line."""
    return look_up_token(lambda: tickets.cancel_ticket(uow(), token=token))


def status_url(token: str) -> str:
    """The absolute address the ticket's QR code opens."""
    config: Config = current_app.config["WAITWELL"]
    return f"{config.public_base_url.rstrip('/')}/t/{token}"
