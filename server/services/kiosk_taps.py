"""Issuing tickets from kiosk taps: each tap exactly once, and taps that arrive together in one transaction.

A tap is the busiest write there is. Taken one by one, each tap pays for a transaction, the database's
write lock and a dozen statements; taken together (see `waitwell.services.group_commit`), a burst pays
for one transaction and one statement per table, while each tap keeps its own answer or error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from waitwell.domain.errors import Conflict, InvalidInput, NotFound, WaitwellError
from waitwell.domain.states import TicketState
from waitwell.estimates.estimate import WaitEstimate
from waitwell.persistence import IdempotencyKey, Kiosk, Office, Printer, PrintJob, Service
from waitwell.persistence.devices import PrintDelivery, PrinterStatus, kiosk_services
from waitwell.services.languages import DEFAULT_LANGUAGE, available_languages
from waitwell.services.lookups import could_exist, get_ticket, people_ahead_of_ticket
from waitwell.services.print_jobs import NewPrintJob, PrintJobView, add_print_jobs
from waitwell.services.results import TicketView
from waitwell.services.tickets import add_tickets, issuable_services
from waitwell.services.unit_of_work import UnitOfWork

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Tap:
    """A visitor's tap on a kiosk's service button; its key is reused by every retry of the same tap.

    `estimate` is the wait the kiosk shows and prints; it is kept as the ticket's estimate at issue, so
    accuracy is scored against the figure the visitor was given (and nothing recomputes it later)."""

    kiosk_id: int
    service_id: int
    idempotency_key: str
    language: str | None = None
    estimate: WaitEstimate | None = None

    @property
    def scope(self) -> str:
        return f"kiosk:{self.kiosk_id}"


@dataclass(frozen=True)
class TapKiosk:
    """What issuing from a kiosk needs to know of it, its office and its printer (read once per batch)."""

    id: int
    office_id: int
    office_name: str
    office_timezone: str
    language: str
    active: bool
    printer_id: int | None
    printer_status: PrinterStatus | None  # as last seen; None when the kiosk has no printer
    printer_delivery: PrintDelivery | None

    @classmethod
    def of(cls, kiosk: Kiosk) -> TapKiosk:
        printer = kiosk.printer
        return cls(kiosk.id, kiosk.office_id, kiosk.office.name, kiosk.office.timezone, kiosk.language, kiosk.active,
                   printer.id if printer else None, printer.status if printer else None,
                   printer.delivery if printer else None)


@dataclass(frozen=True)
class KioskTicket:
    """What a tap produced; `replayed` when the same key came again (a retry) and got the same ticket."""

    ticket: TicketView
    print_job: PrintJobView | None
    replayed: bool
    printer_status: PrinterStatus | None = None  # as last seen; None when the kiosk has no printer


def issue_from_kiosk(
    uow: UnitOfWork,
    *,
    kiosk_id: int,
    service_id: int,
    idempotency_key: str,
    public_base_url: str,
    language: str | None = None,
    estimate: WaitEstimate | None = None,
) -> KioskTicket:
    """Issue a ticket for one tap; the same key always returns the same ticket, and its print job is stored with it."""
    [answer] = issue_taps(uow, [Tap(kiosk_id, service_id, idempotency_key, language, estimate)],
                          public_base_url=public_base_url)
    if isinstance(answer, WaitwellError):
        raise answer
    return answer


def issue_taps(uow: UnitOfWork, taps: Sequence[Tap], *, public_base_url: str) -> list[KioskTicket | WaitwellError]:
    """Issue the taps' tickets in one transaction: for each tap, in order, its ticket, or why it got none
    (that tap changed nothing). Two taps with one key get one ticket, the second as a replay."""
    answers: list[KioskTicket | WaitwellError | None] = [None] * len(taps)
    with uow:
        session, now = uow.session, uow.clock.now()
        kiosks = _kiosks(session, {tap.kiosk_id for tap in taps})
        offered = _services_offered(session, set(kiosks))
        first_with_key: dict[tuple[str, str], int] = {}
        for index, tap in enumerate(taps):
            try:
                _check_tap(tap, kiosks.get(tap.kiosk_id), offered.get(tap.kiosk_id, set()))
            except WaitwellError as error:
                answers[index] = error
                continue
            first_with_key.setdefault((tap.scope, tap.idempotency_key), index)
        claimed = _claim_keys(session, [taps[index] for index in first_with_key.values()], now)
        services = issuable_services(uow, {taps[first_with_key[key]].service_id for key in claimed})
        to_issue: list[int] = []
        refused: list[tuple[str, str]] = []
        for key, index in first_with_key.items():
            tap = taps[index]
            if key not in claimed:
                answers[index] = _replay_or_error(uow, kiosks[tap.kiosk_id], tap)
                continue
            service = services[tap.service_id]
            if isinstance(service, WaitwellError):
                answers[index] = service
                refused.append(key)
            else:
                to_issue.append(index)
        _forget_keys(session, refused)
        for index, issued in zip(to_issue, _issue(uow, [taps[i] for i in to_issue], kiosks, services,
                                                  public_base_url), strict=True):
            answers[index] = issued
        for index, tap in enumerate(taps):
            if answers[index] is None:  # the same key as an earlier tap of this batch: a retry
                answers[index] = _as_retry(answers[first_with_key[(tap.scope, tap.idempotency_key)]], tap)
        uow.commit()
    return [answer for answer in answers if answer is not None]


def _issue(uow: UnitOfWork, taps: Sequence[Tap], kiosks: dict[int, TapKiosk],
           services: dict[int, Service | WaitwellError], public_base_url: str) -> list[KioskTicket]:
    if not taps:
        return []
    session = uow.session
    tickets = add_tickets(uow, [services[tap.service_id] for tap in taps], origin="kiosk",  # type: ignore[misc]
                          estimates=[tap.estimate for tap in taps])
    session.execute(_LINK_KEYS, [{"scope_": tap.scope, "key_": tap.idempotency_key, "ticket_id_": ticket.id}
                                 for tap, ticket in zip(taps, tickets, strict=True)])
    printed = [(index, NewPrintJob(ticket, kiosk.id, kiosk.office_id, kiosk.printer_id, kiosk.printer_delivery,
                                   print_content(kiosk, ticket, public_base_url, tap.language or kiosk.language,
                                                 tap.estimate, services[tap.service_id].names)))
               for index, (tap, ticket) in enumerate(zip(taps, tickets, strict=True))
               if (kiosk := kiosks[tap.kiosk_id]).printer_id is not None and kiosk.printer_delivery is not None]
    jobs: dict[int, PrintJobView] = dict(zip((index for index, _ in printed),
                                             add_print_jobs(uow, [job for _, job in printed]) if printed else [],
                                             strict=True))
    return [KioskTicket(ticket, jobs.get(index), replayed=False, printer_status=kiosks[tap.kiosk_id].printer_status)
            for index, (tap, ticket) in enumerate(zip(taps, tickets, strict=True))]


def forget_old_tap_keys(uow: UnitOfWork, *, older_than: timedelta = timedelta(days=1)) -> int:
    """Drop idempotency keys no page can still be retrying (a tap is retried for two minutes at most)."""
    with uow:
        cutoff = uow.clock.now() - older_than
        result = uow.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        uow.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def status_url(public_base_url: str, token: str, language: str | None = None) -> str:
    """The absolute address on the paper's QR code and the kiosk's screen. A visitor who took the ticket
    in another language than English gets the status page in it, whatever their phone's language."""
    url = f"{public_base_url.rstrip('/')}/t/{token}"
    return f"{url}?lang={language}" if language_to_carry(language) else url


def language_to_carry(language: str | None) -> bool:
    """Whether the status address names `language`: one the pages offer, other than the default."""
    return bool(language) and language != DEFAULT_LANGUAGE and language in available_languages()


def print_content(kiosk: TapKiosk, ticket: TicketView, public_base_url: str, language: str,
                  estimate: WaitEstimate | None, service_names: Mapping[str, str] | None = None) -> dict[str, object]:
    """What the paper says, frozen at issue time so the paper matches the screen even if printed later.
    `service_names`: the service's name by language, where the office gave one (Service.names)."""
    return {
        "office_name": kiosk.office_name,
        "service_name": (service_names or {}).get(language, ticket.service_name),
        "number": ticket.number,
        "issued_at": ticket.issued_at.isoformat(),
        "timezone": kiosk.office_timezone,
        "people_ahead": ticket.people_ahead or 0,
        "wait": None if estimate is None else {
            "expected": estimate.expected_minutes, "low": estimate.low_minutes, "high": estimate.high_minutes},
        "status_url": status_url(public_base_url, ticket.token, language),
        "language": language,
    }


def _check_tap(tap: Tap, kiosk: TapKiosk | None, offered: set[int]) -> None:
    if not KEY_PATTERN.match(tap.idempotency_key or ""):
        raise InvalidInput("the tap needs an idempotency key of 8 to 64 letters, digits, '-' or '_'")
    if kiosk is None:
        raise NotFound(f"there is no kiosk {tap.kiosk_id}")
    if not kiosk.active:
        raise Conflict("this kiosk is switched off; please use another one or ask at the desk")
    if tap.service_id not in offered:
        raise NotFound(f"this kiosk does not issue tickets for service {tap.service_id}")


def _claim_keys(session: Session, taps: Sequence[Tap], now: datetime) -> set[tuple[str, str]]:
    """Insert the keys first, and answer the (scope, key) pairs this transaction claimed: a concurrent retry
    waits on the key (PostgreSQL) or on the write lock (SQLite), then finds it taken and replays."""
    if not taps:
        return set()
    rows = [{"scope": tap.scope, "key": tap.idempotency_key, "service_id": tap.service_id, "created_at": now}
            for tap in sorted(taps, key=lambda tap: (tap.scope, tap.idempotency_key))]  # one lock order for all
    return {(scope, key) for scope, key in session.execute(_CLAIM_KEY[session.get_bind().dialect.name], rows)}


def _claim_key_statement(insert: Callable[..., Any]) -> Any:
    keys = IdempotencyKey.__table__
    return (insert(keys).on_conflict_do_nothing(index_elements=[keys.c.scope, keys.c.key])
            .returning(keys.c.scope, keys.c.key))


# Built once: building a statement costs more than running it on SQLite, and these run on every tap.
_CLAIM_KEY = {"postgresql": _claim_key_statement(postgresql_insert), "sqlite": _claim_key_statement(sqlite_insert)}
_KEYS = IdempotencyKey.__table__
_LINK_KEYS = (_KEYS.update().where(_KEYS.c.scope == bindparam("scope_"), _KEYS.c.key == bindparam("key_"))
              .values(ticket_id=bindparam("ticket_id_")))


def _forget_keys(session: Session, keys: Sequence[tuple[str, str]]) -> None:
    """Give back the keys of taps that got no ticket, so a retry is tried afresh (as if nothing happened)."""
    if keys:
        session.execute(delete(IdempotencyKey).where(tuple_(IdempotencyKey.scope, IdempotencyKey.key).in_(keys)))


def _replay_or_error(uow: UnitOfWork, kiosk: TapKiosk, tap: Tap) -> KioskTicket | WaitwellError:
    """The ticket an earlier request with this key issued, as it is now."""
    claimed = uow.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == tap.scope, IdempotencyKey.key == tap.idempotency_key)
        .execution_options(populate_existing=True)
    )
    if claimed is None or claimed.ticket_id is None:
        return Conflict("this tap is still being handled; try again in a moment")
    if claimed.service_id != tap.service_id:
        return Conflict("this tap's key was already used for another service")
    ticket = get_ticket(uow.session, claimed.ticket_id)
    ahead = None
    if ticket.state == TicketState.WAITING:
        ahead = people_ahead_of_ticket(uow.session, ticket, uow.clock.now())
    job = uow.session.scalar(select(PrintJob).where(PrintJob.ticket_id == ticket.id).order_by(PrintJob.id.desc()))
    return KioskTicket(TicketView.of(ticket, people_ahead=ahead), PrintJobView.of(job) if job else None,
                       replayed=True, printer_status=kiosk.printer_status)


def _as_retry(first: KioskTicket | WaitwellError | None, tap: Tap) -> KioskTicket | WaitwellError:
    """The answer to a tap whose key came earlier in the same batch."""
    if not isinstance(first, KioskTicket):
        return first or Conflict("this tap is still being handled; try again in a moment")
    if first.ticket.service_id != tap.service_id:
        return Conflict("this tap's key was already used for another service")
    return replace(first, replayed=True)


def _kiosks(session: Session, kiosk_ids: set[int]) -> dict[int, TapKiosk]:
    wanted = {kiosk_id for kiosk_id in kiosk_ids if could_exist(kiosk_id)}
    if not wanted:
        return {}
    return {row.id: TapKiosk(*row) for row in session.execute(_READ_KIOSKS, {"ids": list(wanted)})}


_READ_KIOSKS = (
    select(Kiosk.id, Kiosk.office_id, Office.name, Office.timezone, Kiosk.language, Kiosk.active, Printer.id,
           Printer.status, Printer.delivery)
    .join(Office, Office.id == Kiosk.office_id).outerjoin(Printer, Printer.id == Kiosk.printer_id)
    .where(Kiosk.id.in_(bindparam("ids", expanding=True)))
)


def _services_offered(session: Session, kiosk_ids: set[int]) -> dict[int, set[int]]:
    offered: dict[int, set[int]] = {}
    if kiosk_ids:
        for kiosk_id, service_id in session.execute(_READ_OFFERED, {"ids": list(kiosk_ids)}):
            offered.setdefault(kiosk_id, set()).add(service_id)
    return offered


_READ_OFFERED = (select(kiosk_services.c.kiosk_id, kiosk_services.c.service_id)
                 .where(kiosk_services.c.kiosk_id.in_(bindparam("ids", expanding=True))))
