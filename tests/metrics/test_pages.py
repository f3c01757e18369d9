"""The pages over HTTP: the public /waits page, the dashboard and reports for supervisors, Prometheus /metrics."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import issue, make_office, make_staff, sign_in
from waitwell.persistence import Role
from waitwell.services import counters


@pytest.fixture
def office(runtime, clock):
    office = make_office(runtime, opening_hours={"tue": [["08:00", "17:00"]]}, counters={"Counter 1": ["A", "B"]})
    issue(runtime, office.services["A"], 2)
    clock.advance(minutes=12)
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
    return office


def test_waits_page_lists_each_service_with_its_figure_and_update_time(client, office, clock):
    page = client.get("/waits").get_data(as_text=True)
    assert "Hartford DMV" in page and "Open" in page
    assert re.search(r"Licence renewal</th>\s*<td class=\"figure\">\s*12 min", page)
    assert "10:12" in page  # last call, on the office's clock
    assert "No customers called yet" in page  # Title: no call, no figure (never a 0)
    assert "Time at the counter is not included" in page
    clock.advance(minutes=61)
    stale = client.get("/waits").get_data(as_text=True)
    assert "not current" in stale and "No one called for over 60 min" in stale


def test_the_site_s_address_leads_to_the_waits_with_booking_and_staff_sign_in(client, office):
    """Typing the office's address used to give a bare 'Not Found'."""
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/waits")
    page = client.get("/waits?lang=es").get_data(as_text=True)
    assert re.search(r'href="/book/[^"]*">Reservar una cita</a>', page)
    assert re.search(r'href="/sign-in[^"]*">Acceso del personal</a>', page)


def test_waits_page_says_closed_outside_opening_hours(client, office, clock):
    clock.advance(hours=8)  # 18:12, after 17:00
    page = client.get("/waits").get_data(as_text=True)
    assert "Closed now" in page and "12 min" not in page


def test_dashboard_page_for_a_supervisor(runtime, client, office):
    assert client.get(f"/dashboard/{office.office_id}").status_code in (302, 401)  # signed out
    sign_in(client, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR))
    assert client.get("/dashboard/").headers["Location"].endswith(f"/dashboard/{office.office_id}")
    page = client.get(f"/dashboard/{office.office_id}").get_data(as_text=True)
    data = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))
    assert data["waiting_now"] == 1 and data["last_ten"]["average_wait_min"] == 12.0
    assert "/static/vendor/chart.js/chart.umd.min.js" in page


def test_dashboard_is_for_supervisors_only(runtime, client, office):
    sign_in(client, make_staff(runtime, [office.office_id], role=Role.CLERK))
    assert client.get(f"/dashboard/{office.office_id}").status_code == 403


def test_reports_page_with_csv_links(runtime, client, office):
    sign_in(client, make_staff(runtime, [office.office_id], role=Role.SUPERVISOR))
    page = client.get(f"/dashboard/{office.office_id}/reports?from=2026-03-10&to=2026-03-10&group_by=counter")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Counter 1" in text and "Utilisation" in text
    assert "reports.csv?" in text and "rows=legs" in text


def test_prometheus_metrics(app, client, office):
    app.config["WAITWELL_METRICS_ALLOW"] = "127.0.0.1"  # the test client's address (closed otherwise)
    response = client.get("/metrics")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    labels = 'office="Hartford DMV",office_id="1",service="Licence renewal",service_id="1"'
    assert f"waitwell_waiting_tickets{{{labels}}} 1.0" in text
    assert f"waitwell_last_ten_wait_seconds{{{labels}}} 720.0" in text
    assert f"waitwell_longest_wait_seconds{{{labels}}} 720.0" in text
    assert f"waitwell_tickets_issued_total{{{labels}}} 2.0" in text
    assert 'waitwell_counters{office="Hartford DMV",office_id="1",state="open"} 1.0' in text


def test_prometheus_token_when_configured(app, client, office):
    app.config["WAITWELL_METRICS_TOKEN"] = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_prometheus_reports_printers_online(runtime, app, client, office):
    app.config["WAITWELL_METRICS_ALLOW"] = "127.0.0.1"
    from waitwell.persistence import Printer
    from waitwell.persistence.devices import PrinterStatus

    with runtime.uow() as uow:
        uow.session.add(Printer(office_id=office.office_id, name="Kiosk printer", connection="network",
                                status=PrinterStatus.PAPER_OUT))
        uow.commit()
    text = client.get("/metrics").get_data(as_text=True)
    labels = 'office="Hartford DMV",office_id="1",printer="Kiosk printer",printer_id="1"'
    assert f"waitwell_printer_online{{{labels}}} 0.0" in text
    assert f'waitwell_printer_status{{{labels},status="paper_out"}} 1.0' in text
