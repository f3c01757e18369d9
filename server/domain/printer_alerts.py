"""Which printer states staff must be told about, and when a ticket's paper may be printed again.

Plain rules over plain values: the services read printers and print jobs, the pages word the problems.
"""

from __future__ import annotations

from enum import StrEnum

from waitwell.domain.errors import Conflict
from waitwell.domain.states import TicketState

# The status detail recorded while no print agent is connected for an agent-delivered printer.
AGENT_DISCONNECTED_DETAIL = "print agent disconnected"
# Print job states (persistence.devices.PrintJobState) after which staff may send a ticket's paper again:
# it failed and is being retried, or it was given up.
REPRINTABLE_JOB_STATES = frozenset({"retrying", "failed"})


class PrinterProblem(StrEnum):
    """What keeps a printer from printing tickets, or soon will; "offline" covers a refused connection, an
    open cover and a printer error alike (the status detail says which)."""

    PAPER_OUT = "paper_out"
    PAPER_NEAR_END = "paper_near_end"
    OFFLINE = "offline"
    AGENT_DISCONNECTED = "agent_disconnected"


def printer_problem(status: str, detail: str) -> PrinterProblem | None:
    """The problem a printer's last status shows, or None while it prints.

    "unknown" (a printer that cannot report its status, or did not answer in time) is no alert by itself:
    many printers never answer, and one that really fails shows up through its failing tickets.
    """
    if status == "offline":
        return PrinterProblem.AGENT_DISCONNECTED if detail == AGENT_DISCONNECTED_DETAIL else PrinterProblem.OFFLINE
    if status in (PrinterProblem.PAPER_OUT, PrinterProblem.PAPER_NEAR_END):
        return PrinterProblem(status)
    return None


def check_reprint(number: str, ticket_state: TicketState, job_state: str | None) -> None:
    """Refuse a reprint that would print nothing useful; a reprint is for a waiting ticket whose paper failed."""
    if job_state is None:
        raise Conflict(f"{number} was not issued at a kiosk with a printer: there is no paper to print again")
    if ticket_state != TicketState.WAITING:
        raise Conflict(f"{number} is no longer waiting ({ticket_state.value.replace('_', '-')}): "
                       "its paper is not needed any more")
    if job_state == "printing":
        raise Conflict(f"{number} is being sent to the printer right now; wait a moment")
    if job_state not in REPRINTABLE_JOB_STATES:
        raise Conflict(f"{number}'s paper has not failed ({job_state}): it printed, or is about to")
