"""Turn a stored print job into the printer library's TicketPrint, worded in the job's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import force_locale, gettext

from waitwell.printers.ticket import TicketLabels, TicketPrint
from waitwell.printing.wording import wait_from_content, wait_text


def ticket_print(content: Mapping[str, Any]) -> TicketPrint:
    """Everything on the paper: the office's local time, labels and footer in the visitor's language.

    A test print (`"test_print": true`, no number) says TEST PRINT at both ends and TEST where the number goes,
    so nobody queues with it. Runs inside an app context (the worker and the agent namespace have one) so the
    catalogues are found.
    """
    language = str(content.get("language") or "en")
    words = _wording(language)
    test_print = bool(content.get("test_print"))
    banner = words.test_print if test_print else words.reprint if content.get("reprint") else ""
    issued = datetime.fromisoformat(str(content["issued_at"])).replace(second=0, microsecond=0)  # printed to the minute
    return TicketPrint(
        office_name=str(content["office_name"]),
        service_name=str(content["service_name"]),
        number=words.test_number if test_print else str(content["number"]),
        issued_at_local=_local_time(issued, str(content["timezone"]), language),
        people_ahead=int(content.get("people_ahead") or 0),
        status_url=str(content["status_url"]),
        estimated_wait=wait_text(wait_from_content(content.get("wait")), language),
        footer_line=words.test_footer if test_print else words.footer,
        language=language,
        labels=words.labels,
        banner=banner,
    )


@dataclass(frozen=True)
class PaperWords:
    """The paper's fixed words in one language."""

    labels: TicketLabels
    footer: str
    reprint: str
    test_print: str
    test_number: str
    test_footer: str


# The words below repeat from ticket to ticket, and looking them up in the catalogues cost a print
# worker as much as encoding a ticket: each is worked out once per language (and minute).

@lru_cache(maxsize=64)
def _wording(language: str) -> PaperWords:
    with force_locale(language):
        return PaperWords(
            labels=TicketLabels(people_ahead=gettext("People ahead"), estimated_wait=gettext("Estimated wait")),
            footer=gettext("Scan to follow your place in line"), reprint=gettext("REPRINT"),
            test_print=gettext("TEST PRINT"), test_number=gettext("TEST"),
            test_footer=gettext("Not a ticket. The code opens this office's current waits."),
        )


@lru_cache(maxsize=256)
def _local_time(minute: datetime, timezone: str, language: str) -> str:
    return format_datetime(minute.astimezone(ZoneInfo(timezone)), "d MMM y, HH:mm", locale=language)
