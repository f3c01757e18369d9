"""Turn a stored print job into the printer library's TicketPrint, worded in the job's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import force_locale, gettext

from waitwell.printers.ticket import TicketLabels, TicketPrint
from waitwell.printing.wording import wait_from_content, wait_text


def ticket_print(content: Mapping[str, Any]) -> TicketPrint:
    """Everything on the paper: the office's local time, labels and footer in the visitor's language.

    Runs inside an app context (the worker and the agent namespace have one) so the catalogues are found.
    """
    language = str(content.get("language") or "en")
    issued = datetime.fromisoformat(str(content["issued_at"])).astimezone(ZoneInfo(str(content["timezone"])))
    with force_locale(language):
        labels = TicketLabels(people_ahead=gettext("People ahead"), estimated_wait=gettext("Estimated wait"))
        footer = gettext("Scan to follow your place in line")
    return TicketPrint(
        office_name=str(content["office_name"]),
        service_name=str(content["service_name"]),
        number=str(content["number"]),
        issued_at_local=format_datetime(issued, "d MMM y, HH:mm", locale=language),
        people_ahead=int(content.get("people_ahead") or 0),
        status_url=str(content["status_url"]),
        estimated_wait=wait_text(wait_from_content(content.get("wait")), language),
        footer_line=footer,
        language=language,
        labels=labels,
    )
