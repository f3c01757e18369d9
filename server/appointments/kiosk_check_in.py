"""The kiosk's check-in answer: a ticket like a tap's, or when check-in opens, or the walk-in ticket it can offer.

Times come worded in every language the kiosk offers, so switching language needs no request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from waitwell.appointments.wording import local_time, month_day
from waitwell.domain.numbering import service_day
from waitwell.i18n import available_languages
from waitwell.services import kiosks
from waitwell.services.appointments import check_in
from waitwell.services.appointments.check_in import CheckInTooEarly
from waitwell.services.kiosk_taps import KioskTicket
from waitwell.web import runtime, uow

TicketBody = Callable[[int, KioskTicket, Any, "str | None"], dict[str, Any]]


def answer(kiosk_id: int, code: str, language: str | None, public_base_url: str,
           ticket_body: TicketBody) -> dict[str, Any]:
    try:
        result = check_in.check_in_at_kiosk(uow(), kiosk_id=kiosk_id, code=code, public_base_url=public_base_url,
                                            language=language)
    except CheckInTooEarly as early:
        # A visitor on the wrong day must not wait for a time that comes days later: say the day too.
        other_day = service_day(early.opens_at, early.timezone) != service_day(runtime().clock.now(), early.timezone)
        return {"outcome": "too_early", "message": early.message,
                "opens_at": _in_every_language(early.opens_at, early.timezone),
                "opens_on": {language: month_day(early.opens_at, early.timezone, language)
                             for language in available_languages()} if other_day else None}
    booking = result.appointment
    if result.too_late:
        offered = result.walk_in_service_id in kiosks.get_kiosk(uow(read_only=True), kiosk_id).service_ids
        return {"outcome": "too_late", "appointment_at": _in_every_language(booking.starts_at, booking.timezone),
                "walk_in": {"offered": offered, "service_id": result.walk_in_service_id,
                            "service_name": result.walk_in_service_name}}
    assert result.kiosk_ticket is not None
    return {"outcome": "checked_in", **ticket_body(kiosk_id, result.kiosk_ticket, None, language),
            "appointment_at": _in_every_language(booking.starts_at, booking.timezone)}


def _in_every_language(moment: datetime, timezone: str) -> dict[str, str]:
    return {language: local_time(moment, timezone, language) for language in available_languages()}
