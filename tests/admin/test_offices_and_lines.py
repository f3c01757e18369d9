"""Administration of offices, services and counters: validation messages, and removal that never orphans a ticket."""

from __future__ import annotations

from tests.admin.conftest import page
from tests.factories import issue
from waitwell.domain.states import TicketState
from waitwell.services import admin_views, counter_sessions, counters, kiosks, queries

HOURS = {"mon": "08:00-12:00, 13:00-16:30", "tue": "8:00-16:30", "wed": "", "thu": "", "fri": "", "sat": "",
         "sun": ""}


def office_form(**changes):
    data = {"name": "Norwich DMV", "public_name": "Norwich Motor Vehicles", "timezone": "America/New_York",
            "min_seconds_between_recalls": "30", "max_recalls": "3", "auto_no_show_after_recalls": "2", **HOURS}
    data.update(changes)
    return data


def test_an_office_is_created_with_hours_and_recall_rules(admin, runtime):
    response = admin.post_form("/admin/offices/new", office_form())
    assert response.status_code == 302
    created = next(o for o in admin_views.all_offices(runtime.uow()) if o.name == "Norwich DMV")
    assert created.public_name == "Norwich Motor Vehicles"
    assert created.opening_hours == {"mon": [["08:00", "12:00"], ["13:00", "16:30"]], "tue": [["08:00", "16:30"]]}
    assert (created.rules.min_seconds_between_recalls, created.rules.max_recalls,
            created.rules.auto_no_show_after_recalls) == (30, 3, 2)
    assert "Monday" in page(admin, f"/admin/offices/{created.id}")


def test_office_mistakes_get_clear_messages_and_nothing_is_saved(admin, runtime):
    cases = [
        ({"mon": "8-12"}, "Monday: &#39;8-12&#39; is not a period like 08:00-12:00."),
        ({"tue": "17:00-17:00"}, "Opening hours for tue: 17:00 is not before 17:00."),
        ({"tue": "20:00-09:00", "wed": "08:00-16:30"}, "tue 20:00-09:00 runs past midnight into wed 08:00-16:30"),
        ({"mon": "08:00-12:00, 11:00-13:00"}, "08:00-12:00 and 11:00-13:00 overlap"),
        ({"timezone": "Mars/Olympus"}, "&#39;Mars/Olympus&#39; is not an IANA timezone such as America/New_York."),
        ({"min_seconds_between_recalls": "0"}, "An automatic no-show needs a minimum time between recalls"),
        ({"max_recalls": "1"}, "An automatic no-show after 2 recalls can never happen when at most 1 recalls"),
        ({"name": ""}, "Some fields need attention"),
    ]
    for change, message in cases:
        response = admin.post_form("/admin/offices/new", office_form(**change))
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    assert [o.name for o in admin_views.all_offices(runtime.uow())] == ["Hartford DMV"]


def test_editing_an_office_keeps_its_id_and_applies_the_rules(admin, office, runtime):
    response = admin.post_form(f"/admin/offices/{office.office_id}", office_form(name="Hartford DMV (main)"))
    assert response.status_code == 302
    detail = admin_views.office_detail(runtime.uow(), office_id=office.office_id)
    assert detail.name == "Hartford DMV (main)" and detail.rules.max_recalls == 3


def test_an_office_that_served_people_cannot_be_removed(admin, office, runtime):
    issue(runtime, office.services["A"])
    response = admin.post_form(f"/admin/offices/{office.office_id}/remove")
    assert response.status_code == 409
    assert "Hartford DMV has 1 ticket(s) in its history" in response.get_data(as_text=True)


def service_form(**changes):
    data = {"name": "Road test", "prefix": "RT", "description": "", "names": "es = Examen práctico",
            "target_wait_minutes": "15", "priority_weight": "1.5", "colour": "#aa3300", "active": "y"}
    data.update(changes)
    return data


def test_a_service_is_added_with_names_per_language_and_a_colour(admin, office, runtime):
    response = admin.post_form(f"/admin/offices/{office.office_id}/services/new", service_form())
    assert response.status_code == 302
    added = next(s for s in admin_views.services_of(runtime.uow(), office_id=office.office_id) if s.prefix == "RT")
    assert (added.names, added.colour, added.priority_weight) == ({"es": "Examen práctico"}, "#aa3300", 1.5)


def test_service_mistakes_get_clear_messages(admin, office):
    cases = [
        ({"prefix": "A"}, "Prefix A is already used by Licence renewal"),
        ({"prefix": "rt"}, "1 to 3 capital letters, like A or TL"),
        ({"names": "Spanish"}, "Names, line 1: write it like  es = Renovación de licencia."),
        ({"names": "spanish language = Examen"}, "&#39;spanish language&#39; is not a language tag"),
        ({"priority_weight": "50"}, "Number must be between 0.1 and 10"),
        ({"colour": "red"}, "a colour like #1f5fa8"),
    ]
    for change, message in cases:
        response = admin.post_form(f"/admin/offices/{office.office_id}/services/new", service_form(**change))
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), (change, response.get_data(as_text=True)[-3000:])


def test_removing_a_service_with_tickets_in_line_is_refused(admin, office, runtime):
    issue(runtime, office.services["B"], 3)
    response = admin.post_form(f"/admin/services/{office.services['B']}/remove")
    assert response.status_code == 409
    assert "3 ticket(s) are still in the Title line: transfer them" in response.get_data(as_text=True)


def test_a_service_with_history_is_archived_and_leaves_counters_and_kiosks(admin, office, runtime):
    ticket = issue(runtime, office.services["B"])[0]
    kiosk = kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                  service_ids=[office.services["B"]])
    counters.open_counter(runtime.uow(), counter_id=office.counters["Counter 2"])
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 2"])
    counters.complete(runtime.uow(), ticket_id=ticket.id)
    response = admin.post_form(f"/admin/services/{office.services['B']}/remove")
    assert response.status_code == 302
    assert "Title is archived" in page(admin, f"/admin/offices/{office.office_id}/services")
    assert [s.prefix for s in admin_views.services_of(runtime.uow(), office_id=office.office_id)] == ["A"]
    assert queries.ticket_view(runtime.uow(), ticket_id=ticket.id).service_name == "Title"  # history intact
    assert queries.counter_view(runtime.uow(), counter_id=office.counters["Counter 2"]).service_ids == ()
    assert kiosks.get_kiosk(runtime.uow(), kiosk.id).active is False
    assert queries.ticket_view(runtime.uow(), ticket_id=ticket.id).state == TicketState.DONE


def test_an_unused_service_is_deleted(admin, office, runtime):
    admin.post_form(f"/admin/offices/{office.office_id}/services/new", service_form())
    added = next(s for s in admin_views.services_of(runtime.uow(), office_id=office.office_id) if s.prefix == "RT")
    admin.post_form(f"/admin/services/{added.id}/remove")
    assert "RT" not in [s.prefix for s in admin_views.services_of(runtime.uow(), office_id=office.office_id,
                                                                  archived=True)]


def test_counters_are_added_edited_and_need_a_service(admin, office, runtime):
    response = admin.post_form(f"/admin/offices/{office.office_id}/counters/new", {"name": "Counter 3"})
    assert response.status_code == 422 and "pick at least one service" in response.get_data(as_text=True)
    response = admin.post_form(f"/admin/offices/{office.office_id}/counters/new",
                               {"name": "Counter 1", "service_ids": [str(office.services["A"])]})
    assert "already has a counter named &#39;Counter 1&#39;" in response.get_data(as_text=True)
    admin.post_form(f"/admin/offices/{office.office_id}/counters/new",
                    {"name": "Counter 3", "service_ids": [str(office.services["A"]), str(office.services["B"])]})
    added = next(c for c in admin_views.counters_of(runtime.uow(), office_id=office.office_id) if c.name == "Counter 3")
    assert added.service_names == ("Licence renewal", "Title")
    admin.post_form(f"/admin/counters/{added.id}", {"name": "Counter 3 (accessible)",
                                                    "service_ids": [str(office.services["B"])]})
    edited = next(c for c in admin_views.counters_of(runtime.uow(), office_id=office.office_id) if c.id == added.id)
    assert (edited.name, edited.service_names) == ("Counter 3 (accessible)", ("Title",))


def test_a_staffed_counter_cannot_be_removed_and_one_with_history_is_archived(admin, office, runtime):
    counter_id = office.counters["Counter 1"]
    counter_sessions.take_counter(runtime.uow(), counter_id=counter_id, user_id=admin.member.id)
    refused = admin.post_form(f"/admin/counters/{counter_id}/remove")
    assert refused.status_code == 409 and "Counter 1 is open: close it first" in refused.get_data(as_text=True)
    ticket = issue(runtime, office.services["A"])[0]
    counters.call_next(runtime.uow(), counter_id=counter_id)
    counters.complete(runtime.uow(), ticket_id=ticket.id)
    counter_sessions.leave_counter(runtime.uow(), counter_id=counter_id, user_id=admin.member.id)
    assert admin.post_form(f"/admin/counters/{counter_id}/remove").status_code == 302
    assert queries.ticket_view(runtime.uow(), ticket_id=ticket.id).counter_id == counter_id  # history keeps it
    names = [c.name for c in admin_views.counters_of(runtime.uow(), office_id=office.office_id)]
    assert names == ["Counter 2"]
    # The name is free again for a new counter.
    admin.post_form(f"/admin/offices/{office.office_id}/counters/new",
                    {"name": "Counter 1", "service_ids": [str(office.services["A"])]})
    assert "Counter 1" in [c.name for c in admin_views.counters_of(runtime.uow(), office_id=office.office_id)]
