"""The kiosk's page and endpoints through Flask: board, tap, replay, print outcome, check-in, rate limit."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, has_request_context
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import make_office
from tests.kiosk.support import make_kiosk, preview_printer
from tests.support.waiting import DEADLINE_SECONDS
from waitwell.estimates.rolling import RollForward
from waitwell.persistence import IssueEstimate, PrintJob, Service
from waitwell.realtime import PUBLISHER_KEY
from waitwell.realtime.namespaces import SNAPSHOTS_KEY
from waitwell.runtime import Runtime
from waitwell.services import tickets

# Work behind the changes slows down to a tenth of a core when its runs get slow: on a machine busy with other
# work, the screens' next refresh can come many seconds after a change.
SETTLE_SECONDS = 4 * DEADLINE_SECONDS


def tap(client: FlaskClient, kiosk_id: int, service_id: int, key: str, **extra: object) -> dict:
    response = client.post(f"/api/v1/kiosks/{kiosk_id}/tickets",
                           json={"service_id": service_id, "idempotency_key": key, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_page_renders_in_the_kiosk_language_with_every_language_embedded(runtime: Runtime, client: FlaskClient) -> None:
    setup = make_kiosk(runtime, printer=preview_printer(), language="es")
    page = client.get(f"/kiosk/{setup.kiosk.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Tengo una cita" in html  # "I have an appointment" from the Spanish catalogue
    assert '"en": {' in html or '"en":{' in html
    assert 'aria-live="polite"' in html


def screens_have_estimates(app: Flask, office_id: int, waiting: int) -> None:
    """Once every publication and estimate refresh asked for so far has run (behind the changes, spaced out
    more when the machine is slow), the lobby screens' estimates count `waiting` tickets."""
    assert app.extensions[PUBLISHER_KEY].wait_until_idle(SETTLE_SECONDS), "the screens' feed never settled"
    latest = app.extensions[SNAPSHOTS_KEY].waits.latest(office_id)
    assert len(latest.per_ticket) == waiting and latest.new_ticket, latest


class EstimatorRuns:
    """Counts every run of the estimator (the roll-forward's replays, whoever asks), as made inside a request
    or behind the requests."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.in_requests = 0
        self.behind = 0
        self._lock = threading.Lock()
        real = RollForward.estimate_with_new_tickets

        def counted(predictor: RollForward, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                if has_request_context():
                    self.in_requests += 1
                else:
                    self.behind += 1
            return real(predictor, *args, **kwargs)

        monkeypatch.setattr(RollForward, "estimate_with_new_tickets", counted)


def test_board_lists_the_kiosk_services_with_waiting_and_wait(runtime: Runtime, app: Flask, client: FlaskClient
                                                              ) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    tap(client, setup.kiosk.id, setup.office.services["A"], "tap-board-00001")
    screens_have_estimates(app, setup.office.office_id, 1)
    board = client.get(f"/api/v1/kiosks/{setup.kiosk.id}/board").get_json()
    assert board["office_name"] == "Hartford DMV" and board["languages"][:1] == ["en"] and "es" in board["languages"]
    first = board["services"][0]
    assert (first["name"], first["people_waiting"]) == ("Licence renewal", 1)
    assert set(first["wait"]) == set(board["languages"]) and first["wait"]["en"].endswith(("min", "h"))


def test_tap_returns_number_qr_and_print_job_and_a_retry_the_same(runtime: Runtime, client: FlaskClient) -> None:
    setup = make_kiosk(runtime, printer=preview_printer())
    first = tap(client, setup.kiosk.id, setup.office.services["B"], "tap-endpoint-001", language="es")
    again = tap(client, setup.kiosk.id, setup.office.services["B"], "tap-endpoint-001", language="es")
    assert first["number"] == again["number"] == "B001"
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert first["print"]["state"] == "queued" and first["print"]["job_id"] == again["print"]["job_id"]
    assert first["status_url"].startswith("http://127.0.0.1:5000/t/")
    svg = client.get(first["qr_svg_url"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<path" in svg.data
    outcome = client.get(f"/api/v1/kiosks/{setup.kiosk.id}/print-jobs/{first['print']['job_id']}").get_json()
    assert outcome["state"] == "queued"


def test_appointments_say_they_are_not_enabled(runtime: Runtime, client: FlaskClient) -> None:
    setup = make_kiosk(runtime, printer=None)
    response = client.post(f"/api/v1/kiosks/{setup.kiosk.id}/appointments/check-in", json={"code": "ABC-123"})
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == "appointments are not enabled for Hartford DMV"


def test_a_burst_of_taps_from_one_kiosk_is_refused_with_a_message(runtime: Runtime, app: Flask,
                                                                   client: FlaskClient) -> None:
    setup = make_kiosk(runtime, printer=None)
    app.config["KIOSK_TAP_LIMIT"] = "5 per minute"
    codes = [client.post(f"/api/v1/kiosks/{setup.kiosk.id}/tickets",
                         json={"service_id": setup.office.services["A"], "idempotency_key": f"tap-burst-{i:04d}"}
                         ).status_code for i in range(7)]
    assert codes == [201] * 5 + [429, 429]
    refused = client.post(f"/api/v1/kiosks/{setup.kiosk.id}/tickets",
                          json={"service_id": setup.office.services["A"], "idempotency_key": "tap-burst-9999"})
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert "wait a moment" in refused.get_json()["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # when the minute's limit lets taps through (rounded up)


def test_the_wait_printed_on_the_ticket_is_the_estimate_kept_for_scoring(runtime: Runtime, app: Flask,
                                                                         client: FlaskClient) -> None:
    """Accuracy is scored against the figure the visitor was given: the one on the paper and the screen."""
    setup = make_kiosk(runtime, printer=preview_printer())
    service_id = setup.office.services["A"]
    client.get(f"/api/v1/kiosks/{setup.kiosk.id}/board")  # the start screen asks for the estimates
    screens_have_estimates(app, setup.office.office_id, 0)
    for index in range(3):
        tap(client, setup.kiosk.id, service_id, f"tap-estimate-{index:04d}")
    runtime.clock.advance(minutes=5)  # a later look at the office would give other figures
    with runtime.uow(read_only=True) as uow:
        jobs = {job.ticket_id: job.content["wait"] for job in uow.session.scalars(select(PrintJob))}
        kept = {row.ticket_id: {"expected": row.expected_minutes, "low": row.low_minutes, "high": row.high_minutes}
                for row in uow.session.scalars(select(IssueEstimate))}
    assert len(jobs) == 3 and all(jobs.values())
    assert kept == jobs


def test_each_button_gets_its_own_lines_wait_when_one_look_at_the_office_serves_them_all(
    runtime: Runtime, app: Flask, client: FlaskClient
) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["B"]})
    setup = make_kiosk(runtime, printer=preview_printer(), office=office)
    for _ in range(6):
        tickets.issue_ticket(runtime.uow(), service_id=office.services["A"], origin="api")
    screens_have_estimates(app, office.office_id, 6)
    long_line = tap(client, setup.kiosk.id, office.services["A"], "tap-own-line-01")
    short_line = tap(client, setup.kiosk.id, office.services["B"], "tap-own-line-02")  # from the same look
    with runtime.uow(read_only=True) as uow:
        kept = {row.ticket_id: row.expected_minutes for row in uow.session.scalars(select(IssueEstimate))}
    assert (long_line["people_ahead"], short_line["people_ahead"]) == (6, 0)
    assert kept[short_line["ticket_id"]] < kept[long_line["ticket_id"]]


def test_the_kiosk_gives_the_lobby_screens_estimate_and_never_waits_for_the_estimator(
    runtime: Runtime, app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Button, paper and lobby screens say the same, and under load the estimator runs once for all of them,
    behind the requests: with no recent estimate the ticket is issued at once, without a wait on its paper,
    and the screens' estimates are refreshed behind it (the ticket's own estimate is kept by the recorder).
    Counted, not timed: no run of the estimator inside a request, however slow the machine."""
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["B"]})
    setup = make_kiosk(runtime, printer=preview_printer(), office=office)
    runs = EstimatorRuns(monkeypatch)
    for _ in range(6):
        tickets.issue_ticket(runtime.uow(), service_id=office.services["A"], origin="api")
    screens_have_estimates(app, office.office_id, 6)
    assert runs.behind >= 1  # the count sees the screens' refreshes
    screens = app.extensions[SNAPSHOTS_KEY].waits
    on_screens = screens.latest(office.office_id).new_ticket[office.services["A"]]

    issued = tap(client, setup.kiosk.id, office.services["A"], "tap-screens-0001")
    assert runs.in_requests == 0  # the tap took the screens' figure
    with runtime.uow(read_only=True) as uow:
        kept = uow.session.get(IssueEstimate, issued["ticket_id"]).expected_minutes
    assert on_screens is not None and kept == on_screens.expected_minutes
    refreshes_before = runs.behind
    screens_have_estimates(app, office.office_id, 7)
    assert runs.behind > refreshes_before  # refreshed behind the tap

    runtime.clock.advance(seconds=61)  # the screens' figures are now too old to print
    late = tap(client, setup.kiosk.id, office.services["B"], "tap-screens-0002")
    assert late["wait"]["en"] == ""  # no figure rather than a wait for one
    assert runs.in_requests == 0
    screens_have_estimates(app, office.office_id, 8)
    assert screens.latest(office.office_id).as_of == runtime.clock.now()  # refreshed behind the late tap
    assert runs.in_requests == 0


def test_a_ticket_taken_in_spanish_opens_its_status_page_in_spanish(runtime: Runtime, client: FlaskClient) -> None:
    """The paper's QR code and the screen's carry the language the visitor chose; English needs nothing."""
    setup = make_kiosk(runtime, printer=preview_printer())
    spanish = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-spanish-0001", language="es")
    english = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-english-0001", language="en")
    assert spanish["status_url"].endswith("?lang=es") and "?" not in english["status_url"]
    with runtime.uow(read_only=True) as uow:
        printed = {job.ticket_id: job.content["status_url"] for job in uow.session.scalars(select(PrintJob))}
    assert printed == {spanish["ticket_id"]: spanish["status_url"], english["ticket_id"]: english["status_url"]}
    qr = client.get(spanish["qr_svg_url"])
    assert qr.status_code == 200 and spanish["qr_svg_url"].endswith("?lang=es")
    address = urlsplit(spanish["status_url"])
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200 and 'lang="es"' in page.get_data(as_text=True)


def test_a_service_s_name_in_another_language_is_on_the_board_and_the_paper(runtime: Runtime,
                                                                            client: FlaskClient) -> None:
    """The kiosk ignored the names an office gives its services per language (found by exploratory testing)."""
    setup = make_kiosk(runtime, printer=preview_printer())
    with runtime.uow() as uow:
        uow.session.get(Service, setup.office.services["A"]).names = {"es": "Renovación de licencia"}
        uow.commit()
    board = client.get(f"/api/v1/kiosks/{setup.kiosk.id}/board").get_json()
    button = next(b for b in board["services"] if b["service_id"] == setup.office.services["A"])
    assert button["names"] == {"en": "Licence renewal", "es": "Renovación de licencia"}
    spanish = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-names-es-01", language="es")
    english = tap(client, setup.kiosk.id, setup.office.services["A"], "tap-names-en-01", language="en")
    with runtime.uow(read_only=True) as uow:
        printed = {job.ticket_id: job.content["service_name"] for job in uow.session.scalars(select(PrintJob))}
    assert printed == {spanish["ticket_id"]: "Renovación de licencia", english["ticket_id"]: "Licence renewal"}
