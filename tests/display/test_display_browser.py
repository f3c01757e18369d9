"""The lobby display in real headless Chromium: calls, announcements, and the connection indicator."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.display.conftest import FULL_HD, ULTRA_HD
from tests.factories import issue, make_office
from tests.support.processes import app_server
from waitwell.runtime import Runtime
from waitwell.services import counters, displays

pytestmark = pytest.mark.browser


def open_display(chromium: Any, url: str, display_id: int, viewport: dict[str, int] = FULL_HD) -> Any:
    page = chromium.new_page(viewport=viewport)
    page.goto(f"{url}/display/{display_id}")
    page.wait_for_selector("body[data-connection=live]", timeout=10_000)
    return page


def announcements(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.waitwellDisplay.announcements")


def earlier_calls(runtime: Runtime, office) -> None:
    """A morning's worth of calls, a minute apart, so the board has history to show."""
    issue(runtime, office.services["A"], 8, minutes_apart=2)
    issue(runtime, office.services["B"], 4, minutes_apart=3)
    for name in ["Counter 1", "Counter 2", "Counter 3", "Counter 2", "Counter 1", "Counter 3"]:
        runtime.clock.advance(minutes=1)
        ticket = counters.call_next(runtime.uow(), counter_id=office.counters[name])
        counters.complete(runtime.uow(), ticket_id=ticket.id)
    runtime.clock.advance(minutes=1)


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def assert_last_ten_shown(page: Any) -> None:
    """The last-10 column, the office figure and its definition are on screen; the sound button covers none."""
    page.wait_for_function("document.querySelector('#lines tr td.last-ten').textContent.includes('min')")
    cells = page.locator("#lines td.last-ten").all_text_contents()
    assert cells[0].endswith(" min") and cells[0].split()[0].isdigit()  # lines A and B have had calls
    assert cells[1].endswith(" min")
    assert cells[2] == "—"  # nobody called to a road test yet
    assert page.text_content("#office-last-ten").endswith(" min")
    assert page.is_visible("text=Last 10: average wait from ticket to call of the last 10 people called")
    page.evaluate("document.getElementById('sound-gate').hidden = false")
    try:
        button = page.locator("#sound-gate").bounding_box()
        assert "\N{SPEAKER}" not in page.text_content("#sound-gate")  # an SVG icon, not an emoji
        for selector in [".lines", ".definition", ".now", ".recent", ".office", ".clock"]:
            assert not overlaps(button, page.locator(selector).bounding_box()), f"sound button covers {selector}"
    finally:
        page.evaluate("document.getElementById('sound-gate').hidden = true")


def test_display_shows_and_announces_a_call_made_through_the_staff_api(
    chromium, live, office, display, runtime, request, artifacts_dir: Path
):
    earlier_calls(runtime, office)
    # Signed in after the morning's calls: the clock moved past a session's idle limit meanwhile.
    clerk_http = request.getfixturevalue("clerk_http")
    page = open_display(chromium, live.url, display.id)
    try:
        response = clerk_http.post(f"{live.url}/api/v1/counters/{office.counters['Counter 1']}/call-next")
        assert response.status_code == 200, response.text
        number = response.json()["number"]

        page.wait_for_function(f"document.getElementById('now-number').textContent === '{number}'")
        assert page.text_content("#now-counter") == "Counter 1"
        assert "fresh" in page.get_attribute("#now", "class")
        assert page.locator("#recent li").count() == 6
        assert_last_ten_shown(page)
        assert_lines_readable(page)
        page.screenshot(path=str(artifacts_dir / "display-1920x1080-call.png"))

        page.wait_for_function("window.waitwellDisplay.announcements.length === 1 && "
                               "window.waitwellDisplay.announcements[0].ended", timeout=20_000)
        spoken = announcements(page)[0]["spoken"]
        spelled = " ".join(number)
        assert [voice["lang"] for voice in spoken] == ["en-US", "es-US"]
        assert spoken[0]["text"] == f"Ticket {spelled}, please go to Counter 1"
        assert spoken[1]["text"] == f"Turno {spelled}, diríjase a Counter 1"  # the Spanish catalogue

        page.set_viewport_size(ULTRA_HD)
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / "display-3840x2160-call.png"))
        # Readable from 10 m: about 6.5 mm of letter height per metre, i.e. 65 mm, under a tenth of a 55" TV's
        # 68 cm screen height. The number's line box (capitals are ~0.7 of it) must be over 15% of the screen.
        height = page.evaluate("document.getElementById('now-number').getBoundingClientRect().height")
        assert height >= 0.15 * ULTRA_HD["height"]
    finally:
        page.close()


def test_announcements_queue_one_at_a_time_and_a_recall_is_announced_again(
    chromium, live, office, display, runtime
):
    first, second = issue(runtime, office.services["A"], 2)
    page = open_display(chromium, live.url, display.id)
    try:
        called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
        runtime.clock.advance(seconds=5)
        counters.call_next(runtime.uow(), counter_id=office.counters["Counter 3"])
        runtime.clock.advance(seconds=5)
        counters.recall(runtime.uow(), ticket_id=called.id)

        # Order and no overlap are the point, not speed: where headless Chromium's speech never reports
        # its end, each announcement waits out its fallback timers (chime 4 s, speech about 9 s).
        page.wait_for_function("window.waitwellDisplay.announcements.filter(a => a.ended).length === 3",
                               timeout=60_000)
        heard = announcements(page)
        assert [(a["number"], a["counter"]) for a in heard] == [
            (first.number, "Counter 1"), (second.number, "Counter 3"), (first.number, "Counter 1")]
        for earlier, later in pairwise(heard):
            assert later["at"] >= earlier["ended"], "announcements overlapped"
    finally:
        page.close()


@pytest.mark.slow
def test_display_shows_reconnecting_while_the_server_is_down_and_recovers_after_restart(
    chromium, sqlite_url, tmp_path: Path, artifacts_dir: Path
):
    runtime = Runtime(sqlite_url)  # wall clock, like the server process
    office = make_office(runtime, name="Hartford DMV")
    display = displays.register_display(runtime.uow(), office_id=office.office_id, name="Hall")
    issue(runtime, office.services["A"], 3)
    server = app_server(sqlite_url, tmp_path).start()
    page = open_display(chromium, server.url, display.id)
    try:
        assert page.is_hidden("#connection")
        assert page.is_hidden("#now-call")

        server.kill()
        page.wait_for_selector("body[data-connection=reconnecting]", timeout=10_000)
        assert page.is_visible("#connection")
        assert "Reconnecting" in page.text_content("#connection")
        page.screenshot(path=str(artifacts_dir / "display-1920x1080-reconnecting.png"))

        called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])  # while it is down
        server.start()  # same port
        back = time.monotonic()
        page.wait_for_selector("body[data-connection=live]", timeout=15_000)
        page.wait_for_function(f"document.getElementById('now-number').textContent === '{called.number}'",
                               timeout=5_000)
        # Reconnection tries at most 2 s apart (3 s with Socket.IO's jitter), then the handshake and the
        # first snapshot of a freshly started process on a machine that may be busy.
        assert time.monotonic() - back <= 8
        assert page.is_hidden("#connection")
        page.screenshot(path=str(artifacts_dir / "display-1920x1080-after-restart.png"))
    finally:
        page.close()
        server.kill()
        runtime.dispose()


def test_unknown_display_is_a_404(live):
    assert requests.get(f"{live.url}/display/999", timeout=5).status_code == 404


def test_chime_is_a_short_wav_made_by_the_server(live):
    response = requests.get(f"{live.url}/display/chime.wav", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"


def test_a_display_needs_no_sign_in(live, display):
    assert requests.get(f"{live.url}/display/{display.id}", timeout=5).status_code == 200


def assert_lines_readable(page) -> None:
    """The waiting-now figures stay large enough to read across a lobby: people, wait and last-10 at least
    2.8 % of the screen height, whatever the wait's wording (they had shrunk to 1.7 % so that "Title and
    registration" could wrap onto three lines), and every service name whole on screen."""
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('#lines td')).map(
        cell => [cell.textContent, parseFloat(getComputedStyle(cell).fontSize) / window.innerHeight])""")
    assert sizes and min(size for _, size in sizes) >= 0.028, sizes
    names = page.evaluate("""() => Array.from(document.querySelectorAll('#lines th')).map(
        name => [name.textContent, name.scrollWidth <= name.clientWidth + 1 || name.classList.contains('wraps')])""")
    assert [name for name, whole in names if not whole] == []


def test_eight_lines_and_a_very_long_name_fit_the_panel_whole(chromium, live, runtime, artifacts_dir: Path):
    """A big office: every line in the panel, nothing cut off or spilling out (the footnote gives way); the
    long name shrinks a little on its own, then wraps, and the others keep their size."""
    names = ["Licence renewal", "Title and registration", "Road test", "Commercial driver licence renewal "
             "with hazardous materials endorsement", "Plates", "Disability placards", "ID cards", "Reinstatement"]
    big = make_office(runtime, name="Wethersfield DMV", services=tuple(zip(names, "ABCDEFGH", strict=True)),
                      counters={"Counter 1": list("ABCDEFGH")})
    for prefix in "ABCD":
        issue(runtime, big.services[prefix], 2)
    board = displays.register_display(runtime.uow(), office_id=big.office_id, name="Hall")
    page = open_display(chromium, live.url, board.id)
    try:
        page.wait_for_function("document.querySelectorAll('#lines tr').length === 8")
        page.screenshot(path=str(artifacts_dir / "display-1920x1080-eight-lines.png"))
        fits = page.evaluate("(() => { const l = document.querySelector('.lines'); "
                             "return l.scrollHeight <= l.clientHeight + 1; })()")
        assert fits, "the waiting-now panel spills over"
        names_shown = page.evaluate("""() => Array.from(document.querySelectorAll('#lines th')).map(
            name => [name.textContent, name.scrollWidth <= name.clientWidth + 1 || name.classList.contains('wraps'),
                     parseFloat(getComputedStyle(name).fontSize)])""")
        assert [name for name, whole, _ in names_shown if not whole] == []
        sizes = {name.strip()[2:]: size for name, _, size in names_shown}
        long_name = sizes["Commercial driver licence renewal with hazardous materials endorsement"]
        assert long_name >= 0.55 * sizes["Plates"]  # shrunk a little at most, then wrapped: still readable
        assert sizes["Plates"] == sizes["Road test"] == sizes["Licence renewal"]  # short names keep their size
    finally:
        page.close()


def test_recent_calls_to_a_long_counter_name_shrink_to_fit_whole(chromium, live, runtime, artifacts_dir: Path):
    """The call and every recent call, not just the first, show the whole counter name (shrunk, then
    wrapped); and the waiting-now figures stay inside their columns at the panel's largest size."""
    office = make_office(runtime, name="Hartford DMV", services=(("Licence renewal", "A"),),
                         counters={"Window 12 – Commercial licences": ["A"]})
    window = office.counters["Window 12 – Commercial licences"]
    issue(runtime, office.services["A"], 5)
    for _ in range(5):
        ticket = counters.call_next(runtime.uow(), counter_id=window)
        counters.complete(runtime.uow(), ticket_id=ticket.id)
    board = displays.register_display(runtime.uow(), office_id=office.office_id, name="Hall")
    page = open_display(chromium, live.url, board.id)
    try:
        page.wait_for_function("document.querySelectorAll('#recent li').length === 4")
        page.screenshot(path=str(artifacts_dir / "display-1920x1080-long-counter-name.png"))
        cut = page.evaluate("""() => Array.from(document.querySelectorAll('#recent li, #now-call')).filter(
            item => item.scrollWidth > item.clientWidth + 1).map(item => item.textContent)""")
        assert cut == []
        spilled = page.evaluate("""() => Array.from(document.querySelectorAll('.lines td')).filter(
            cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.textContent)""")
        assert spilled == []
    finally:
        page.close()
