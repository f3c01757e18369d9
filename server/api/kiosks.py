"""Kiosk endpoints: the start screen's figures, a tap that issues exactly once, the print outcome, check-in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, url_for
from flask_smorest import Blueprint
from marshmallow import fields, validate

from waitwell import realtime
from waitwell.api.schemas import StrictSchema
from waitwell.appointments import kiosk_check_in
from waitwell.config import Config
from waitwell.domain.errors import NotFound, WaitwellError
from waitwell.estimates.estimate import WaitEstimate
from waitwell.i18n import available_languages
from waitwell.printing.wording import wait_text
from waitwell.services import kiosk_taps, kiosks, print_jobs
from waitwell.services.group_commit import GroupCommit
from waitwell.services.kiosk_taps import KioskTicket, Tap
from waitwell.services.print_jobs import PrintJobView
from waitwell.web import runtime, uow
from waitwell.web_common.rate_limits import check_kiosk_limit

bp = Blueprint("kiosks", __name__, url_prefix="/api/v1/kiosks", description="Kiosk: start screen, taps, printing")


class TapRequest(StrictSchema):
    service_id = fields.Int(required=True, strict=True)
    idempotency_key = fields.Str(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"),
                                 metadata={"description": "One per tap, reused by every retry of that tap"})
    language = fields.Str(load_default=None, validate=validate.Length(max=8))


class CheckInRequest(StrictSchema):
    code = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    language = fields.Str(load_default=None, validate=validate.Length(max=8))


class PrintOutcomeSchema(StrictSchema):
    job_id = fields.Int()
    state = fields.Str(metadata={"enum": ["queued", "printing", "retrying", "printed", "failed"]})
    attempts = fields.Int()
    last_error = fields.Str()


class ButtonSchema(StrictSchema):
    service_id = fields.Int()
    name = fields.Str()
    names = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={"description": "Name by language"})
    description = fields.Str()
    people_waiting = fields.Int()
    active = fields.Bool()
    wait = fields.Dict(keys=fields.Str(), values=fields.Str(), metadata={"description": "Estimated wait by language"})


class BoardSchema(StrictSchema):
    kiosk_id = fields.Int()
    kiosk_name = fields.Str()
    office_name = fields.Str()
    language = fields.Str()
    languages = fields.List(fields.Str())
    printer_status = fields.Str(allow_none=True)
    services = fields.List(fields.Nested(ButtonSchema))


class KioskTicketSchema(StrictSchema):
    ticket_id = fields.Int()
    service_id = fields.Int()
    number = fields.Str()
    service_name = fields.Str()
    people_ahead = fields.Int(allow_none=True)
    wait = fields.Dict(keys=fields.Str(), values=fields.Str())
    status_url = fields.Str()
    qr_svg_url = fields.Str()
    replayed = fields.Bool(metadata={"description": "True when this was a retry of a tap already issued"})
    print = fields.Nested(PrintOutcomeSchema, allow_none=True)
    printer_status = fields.Str(allow_none=True)


@bp.get("/<int:kiosk_id>/board")
@bp.response(200, BoardSchema)
def board(kiosk_id: int) -> Any:
    """The start screen: each service with people waiting now and the wait of a ticket taken now."""
    shown = kiosks.kiosk_board(uow(read_only=True), kiosk_id, _estimates_for)
    return {
        "kiosk_id": shown.kiosk.id, "kiosk_name": shown.kiosk.name, "office_name": shown.kiosk.office_name,
        "language": shown.kiosk.language, "languages": available_languages(),
        "printer_status": shown.printer_status.value if shown.printer_status else None,
        "services": [
            {"service_id": b.service_id, "name": b.name, "description": b.description,
             "names": {language: b.names.get(language, b.name) for language in available_languages()},
             "people_waiting": b.people_waiting, "active": b.active, "wait": wait_in_every_language(b.estimate)}
            for b in shown.buttons
        ],
    }


@bp.post("/<int:kiosk_id>/tickets")
@bp.arguments(TapRequest())
@bp.response(201, KioskTicketSchema)
def tap(body: dict[str, Any], kiosk_id: int) -> Any:
    """Issue a ticket for a tap. Retrying with the same idempotency key returns the same ticket, never a second."""
    check_kiosk_limit()
    estimate = _estimates_for(body["service_id"]).get(body["service_id"])
    issued = _tap_batches().submit(
        Tap(kiosk_id, body["service_id"], body["idempotency_key"], body["language"], estimate))
    return _ticket_body(kiosk_id, issued, estimate, body["language"])


@bp.get("/<int:kiosk_id>/print-jobs/<int:job_id>")
@bp.response(200, PrintOutcomeSchema)
def print_outcome(kiosk_id: int, job_id: int) -> Any:
    """Whether the tapped ticket came out of the printer (the page asks for a few seconds after a tap)."""
    job = print_jobs.get_print_job(uow(read_only=True), job_id)
    if job.kiosk_id != kiosk_id:
        raise NotFound(f"kiosk {kiosk_id} has no print job {job_id}")
    return _outcome(job)


@bp.post("/<int:kiosk_id>/appointments/check-in")
@bp.arguments(CheckInRequest())
@bp.response(200)
def check_in(body: dict[str, Any], kiosk_id: int) -> Any:
    """Check in for an appointment with the booking code (typed, or scanned from the confirmation's QR code).

    `outcome` is "checked_in" (with the ticket, like a tap), "too_early" (with when check-in opens) or
    "too_late" (with the service of the walk-in ticket the kiosk can offer instead).
    """
    check_kiosk_limit()
    return kiosk_check_in.answer(kiosk_id, body["code"], body["language"], _config().public_base_url, _ticket_body)


def wait_in_every_language(estimate: WaitEstimate | None) -> dict[str, str]:
    """The estimate worded in each language the kiosk offers, so switching language needs no request."""
    return {language: wait_text(estimate, language) for language in available_languages()}


# The lobby screens' estimates are refreshed behind every change (within 2 s; later when the line is so long
# that the estimator takes a while): the kiosk gives theirs while they are this recent, so button, paper and
# screens say the same and the estimator runs once for all of them. None that recent: the ticket is issued
# without a wait on its paper (its estimate is kept behind it), and a refresh is asked for.
SCREENS_ESTIMATE_MAX_AGE_SECONDS = 60.0


def _estimates_for(service_id: int, office_id: int | None = None) -> dict[int, WaitEstimate | None]:
    """The wait of a ticket taken now, per active service of the office of `service_id`; never computed here: a
    request must not wait for a replay of the office, which takes long when the line is long."""
    on_screens = realtime.new_ticket_estimates(service_id, runtime().clock.now(), SCREENS_ESTIMATE_MAX_AGE_SECONDS)
    if not on_screens:
        office_id = office_id if office_id is not None else kiosks.office_of_service(uow(read_only=True), service_id)
        if office_id is not None:
            realtime.refresh_estimates(office_id)
    return on_screens


TAP_BATCHES_KEY = "waitwell.tap_batches"


def _tap_batches() -> GroupCommit[Tap, KioskTicket]:
    """Taps arriving together (many kiosks, many offices on one server) share one transaction."""
    batches = current_app.extensions.get(TAP_BATCHES_KEY)
    if batches is None:
        batches = current_app.extensions.setdefault(
            TAP_BATCHES_KEY, GroupCommit(_issue_taps, settle=realtime.until_idle()))
    return batches


def _issue_taps(taps: Sequence[Tap]) -> list[KioskTicket | WaitwellError]:
    return kiosk_taps.issue_taps(uow(), taps, public_base_url=_config().public_base_url)


def _ticket_body(kiosk_id: int, issued: KioskTicket, estimate: WaitEstimate | None,
                 language: str | None) -> dict[str, Any]:
    """`language`: the page's, which it also printed in; the status address carries it (kiosk_taps.status_url)."""
    ticket, job = issued.ticket, issued.print_job
    carried = language if kiosk_taps.language_to_carry(language) else None
    return {
        "ticket_id": ticket.id, "service_id": ticket.service_id, "number": ticket.number,
        "service_name": ticket.service_name,
        "people_ahead": ticket.people_ahead, "wait": wait_in_every_language(estimate),
        "status_url": kiosk_taps.status_url(_config().public_base_url, ticket.token, carried),
        "qr_svg_url": url_for("kiosk.qr_code", token=ticket.token, lang=carried),
        "replayed": issued.replayed, "print": _outcome(job) if job else None,
        "printer_status": issued.printer_status.value if issued.printer_status else None,
    }


def _outcome(job: PrintJobView) -> dict[str, Any]:
    return {"job_id": job.id, "state": job.state.value, "attempts": job.attempts, "last_error": job.last_error}


def _config() -> Config:
    return current_app.config["WAITWELL"]
