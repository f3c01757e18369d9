""""How good were today's estimates?" on the supervisor dashboard, in headless Chromium: every figure is over
the same tickets (those called so far) and says how many; tickets not called yet are counted apart.

A supervisor once read "0% within range, width 86 min": coverage over the few tickets with a known outcome next
to the range width of every estimate given, most of them wide ranges of people still waiting.
"""

from __future__ import annotations

import pytest

from tests.factories import issue, make_office
from tests.metrics.test_browser import LAPTOP, signed_in_page
from waitwell.estimates.estimate import WaitEstimate
from waitwell.services import counters
from waitwell.services.metrics.stored_estimates import record_issue_estimate

pytestmark = pytest.mark.browser

NARROW = WaitEstimate(expected_minutes=5, low_minutes=2, high_minutes=10)
WIDE = WaitEstimate(expected_minutes=60, low_minutes=20, high_minutes=150)


@pytest.fixture
def morning(runtime, clock):
    """10:00: two tickets told 2-10 min, then four told 20-150 min; at 10:06 a seventh told 2-10 min. The one
    counter calls the first two after 6 and 25 minutes. At 10:40 the four wide ones are still waiting within
    their range, and the seventh has waited 34 minutes, past the top of its range."""
    office = make_office(runtime, services=(("Licence renewal", "A"),), counters={"Counter 1": ["A"]})
    told = {ticket.id: NARROW for ticket in issue(runtime, office.services["A"], 2)}
    told |= {ticket.id: WIDE for ticket in issue(runtime, office.services["A"], 4)}
    clock.advance(minutes=6)
    first = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])  # waited 6: inside 2-10
    counters.complete(runtime.uow(), ticket_id=first.id)
    late, = issue(runtime, office.services["A"])
    told[late.id] = NARROW
    clock.advance(minutes=19)
    second = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])  # waited 25: 20 more than told
    counters.pause_counter(runtime.uow(), counter_id=office.counters["Counter 1"])
    for ticket_id, estimate in told.items():
        record_issue_estimate(runtime.uow(), ticket_id=ticket_id, estimate=estimate, predictor="test")
    clock.advance(minutes=15)  # 10:40: the late ticket has waited 34 min, past the top of its range
    assert second.id != late.id
    return office


def test_the_estimate_panel_scores_every_figure_over_the_tickets_called(chromium, runtime, morning, live,
                                                                        artifacts_dir):
    page = signed_in_page(chromium, runtime, live.url, [morning.office_id], LAPTOP)
    page.goto(f"{live.url}/dashboard/{morning.office_id}")
    panel = page.locator("#accuracy")
    page.wait_for_function("() => document.querySelectorAll('#accuracy dt').length > 1", timeout=20000)
    facts = dict(zip(panel.locator("dt").all_inner_texts(), panel.locator("dd").all_inner_texts(), strict=True))
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "estimate-panel.png"), full_page=True)
    page.context.close()

    assert facts["Average range width"] == "8.0 min"  # of the two called, not of the four wide ones still waiting
    assert facts["Actual wait within the range given"] == "50% (1 of 2)"
    assert facts["Estimates given at issue"] == "7 (2 called so far)"
    assert facts["Figures below are over"] == "the 2 tickets called"
    assert facts["Mean absolute error"] == "10.5 min"  # |6 - 5| and |25 - 5|
    assert facts["Waited over 10 min longer than told"] == "50% (1 of 2)"
    assert facts["Not called yet"] == "5 (1 already waited past the top of their range)"
