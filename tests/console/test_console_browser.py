"""A clerk's day in real headless Chromium: sign in, pick a counter, call, recall, transfer, serve, complete,
with keyboard shortcuts; a second clerk's call shows up at once; screenshots in test-artifacts/console/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PASSWORD, issue, make_office, make_staff
from tests.support.live import LiveServer
from waitwell.persistence import Role
from waitwell.services import queries

pytestmark = pytest.mark.browser

COUNTER_PC = {"width": 1366, "height": 768}  # the usual screen at a counter


@pytest.fixture
def office(runtime):
    return make_office(runtime, services=(("Licence renewal", "A"), ("Title and registration", "B")),
                       counters={"Counter 1": ["A", "B"], "Counter 2": ["B"]}, open_counters=False)


def sign_in_at_counter(chromium: Any, live: LiveServer, username: str, counter: str) -> Any:
    page = chromium.new_context(viewport=COUNTER_PC).new_page()
    page.goto(f"{live.url}/console/")
    assert "/sign-in" in page.url  # not signed in yet: sent to the sign-in page
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live.url}/console/")
    page.locator(".counter-card", has_text=counter).get_by_role("button", name="Sign in here").click()
    page.wait_for_selector("#current")
    page.wait_for_function("document.getElementById('live').dataset.live === 'live'", timeout=10000)
    return page


def current_number(page: Any) -> str:
    return page.locator("#current-number").inner_text() if page.locator("#current-number").count() else ""


def waiting_numbers(page: Any) -> list[str]:
    return page.locator("#waiting tr").evaluate_all("rows => rows.map(r => r.dataset.number)")


def test_a_clerk_calls_recalls_transfers_and_completes_with_the_keyboard(chromium, live, runtime, office, clock,
                                                                         artifacts_dir):
    make_staff(runtime, [office.office_id], username="maria")
    issue(runtime, office.services["A"], 2, minutes_apart=1)  # A001 10:00, A002 10:01
    clock.advance(minutes=1)
    issue(runtime, office.services["B"])  # B001 10:02
    clock.advance(minutes=3)

    page = sign_in_at_counter(chromium, live, "maria", "Counter 1")
    assert waiting_numbers(page) == ["A001", "A002", "B001"]
    assert page.locator("#waiting tr").first.locator(".waited").inner_text() == "5:00"
    page.screenshot(path=artifacts_dir / "01-console-ready.png")

    page.keyboard.press("n")  # call next
    page.wait_for_function("document.getElementById('message').textContent === 'Called A001'")
    assert current_number(page) == "A001"
    assert waiting_numbers(page) == ["A002", "B001"]
    timer = page.locator("#current-timer").inner_text()
    page.wait_for_function(f"document.getElementById('current-timer').textContent !== '{timer}'", timeout=10_000)
    page.screenshot(path=artifacts_dir / "02-called.png")

    page.keyboard.press("r")  # recall
    page.wait_for_function("document.getElementById('message').textContent === 'Recalled A001'")
    assert "Call 2" in page.locator(".current-meta").inner_text()

    page.keyboard.press("t")  # transfer: a dialog lists the other services with a number each
    page.wait_for_selector("#transfer-dialog[open]")
    page.screenshot(path=artifacts_dir / "03-transfer-dialog.png")
    page.keyboard.press("1")
    page.wait_for_function("document.getElementById('message').textContent.includes('moved to Title')")
    assert current_number(page) == ""
    assert waiting_numbers(page) == ["A002", "B001", "A001"]  # its wait in the new line starts now
    assert queries.ticket_view(runtime.uow(), ticket_id=1).service_name == "Title and registration"

    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('current-number')?.textContent === 'A002'")
    page.keyboard.press("s")  # start: the citizen is at the counter
    page.wait_for_function("document.querySelector('#current .pill')?.textContent === 'Serving'")
    page.screenshot(path=artifacts_dir / "04-serving.png")
    page.keyboard.press("c")  # complete
    page.wait_for_function("document.getElementById('message').textContent === 'A002 completed'")
    assert current_number(page) == ""
    assert "A002" in page.locator("#recent").inner_text()
    page.screenshot(path=artifacts_dir / "05-completed.png")


def test_a_call_at_another_counter_leaves_my_list_at_once(chromium, live, runtime, office, artifacts_dir):
    make_staff(runtime, [office.office_id], username="maria")
    make_staff(runtime, [office.office_id], username="james")
    issue(runtime, office.services["B"], 3)
    mine = sign_in_at_counter(chromium, live, "maria", "Counter 1")
    theirs = sign_in_at_counter(chromium, live, "james", "Counter 2")
    assert waiting_numbers(mine) == ["B001", "B002", "B003"]

    theirs.keyboard.press("n")
    theirs.wait_for_function("document.getElementById('current-number')?.textContent === 'B001'")
    # No reload and no 30 s poll: the staff room's message makes Counter 1 fetch its list again.
    mine.wait_for_function("!Array.from(document.querySelectorAll('#waiting tr')).some(r => r.dataset.number === "
                           "'B001')", timeout=15_000)
    assert "B001" in mine.locator("#others").inner_text()
    mine.screenshot(path=artifacts_dir / "06-other-counter-called.png")


def test_out_of_turn_no_show_and_a_break(chromium, live, runtime, office, artifacts_dir):
    make_staff(runtime, [office.office_id], username="maria")
    issue(runtime, office.services["A"], 3)
    page = sign_in_at_counter(chromium, live, "maria", "Counter 1")

    page.keyboard.press("o")  # call out of turn: the dialog starts on the first waiting ticket
    page.wait_for_selector("#call-dialog[open]")
    assert page.locator("#call-ticket").input_value() == str(queries.tickets_of(runtime.uow(),
                                                                                office_id=office.office_id)[0].id)
    page.keyboard.press("Escape")
    page.wait_for_selector("#call-dialog:not([open])", state="attached")
    page.locator("#waiting tr[data-number='A003'] button").click()  # or press Call on the ticket's row
    page.wait_for_selector("#call-dialog[open]")
    assert page.locator("#call-ticket option:checked").inner_text().startswith("A003")
    page.keyboard.press("Enter")  # no reason yet: refused in the dialog
    assert page.locator("#call-error").inner_text() == "Pick or write a reason."
    page.get_by_role("button", name="Appointment", exact=True).click()
    page.screenshot(path=artifacts_dir / "07-out-of-turn.png")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('message').textContent === 'Called A003 out of turn'")

    page.keyboard.press("x")  # no-show asks first
    page.wait_for_selector("#confirm-dialog[open]")
    assert page.locator("#confirm-title").inner_text() == "Mark A003 as a no-show?"
    page.screenshot(path=artifacts_dir / "08-confirm-no-show.png")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('message').textContent === 'A003 marked as a no-show'")

    page.keyboard.press("p")  # a break: nobody new is called
    page.wait_for_function("document.getElementById('counter-state').dataset.state === 'paused'")
    assert page.locator("button[data-action='call-next']").is_disabled()
    page.keyboard.press("n")  # ignored while on a break
    page.screenshot(path=artifacts_dir / "09-on-a-break.png")
    page.keyboard.press("p")
    page.wait_for_function("document.getElementById('counter-state').dataset.state === 'open'")
    assert not page.locator("button[data-action='call-next']").is_disabled()


def test_signing_in_at_a_counter_someone_holds_says_who(chromium, live, runtime, office, artifacts_dir):
    make_staff(runtime, [office.office_id], username="maria")
    make_staff(runtime, [office.office_id], role=Role.SUPERVISOR, username="sam")
    sign_in_at_counter(chromium, live, "maria", "Counter 1")
    page = chromium.new_context(viewport=COUNTER_PC).new_page()
    page.goto(f"{live.url}/sign-in")
    page.fill("#username", "sam")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live.url}/console/")
    card = page.locator(".counter-card", has_text="Counter 1")
    assert "Taken by maria (maria)" in card.inner_text()
    page.screenshot(path=artifacts_dir / "10-counter-picker.png")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Take over (supervisor)").click()
    page.wait_for_selector("#current")
    assert "You took Counter 1 over from maria." in page.inner_text("main")
