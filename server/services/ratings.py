"""The one question a citizen may answer after service: how was it, from 1 to 5 stars."""

from __future__ import annotations

from waitwell.domain.errors import IllegalTransition, InvalidInput
from waitwell.domain.states import TicketState
from waitwell.services.lookups import get_ticket_by_token
from waitwell.services.unit_of_work import UnitOfWork

STARS = range(1, 6)


def rate_ticket(uow: UnitOfWork, *, token: str, stars: int) -> int:
    """Store the citizen's rating with their ticket; answering again replaces the earlier answer."""
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise InvalidInput("a rating is a whole number of stars from 1 to 5")
    with uow:
        ticket = get_ticket_by_token(uow.session, token)
        if ticket.state != TicketState.DONE:
            raise IllegalTransition(f"ticket {ticket.number} can be rated once it has been served")
        ticket.rating = stars
        ticket.rated_at = uow.clock.now()
        uow.commit()
        return stars
