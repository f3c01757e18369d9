"""Every page of the app in real headless Chromium under its Content-Security-Policy: zero violations (the
`securitypolicyviolation` event and the console), no script error, and each page still works (its script ran,
its live feed connected over a WebSocket). The pages come from the url_map (tests/security/site.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.factories import PASSWORD
from tests.security.site import ROLES, Page, Site, every_page, seed_site
from tests.support.live import LiveServer
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser
WIDE = {"width": 1440, "height": 900}
DEADLINE_S = 30  # generous: two cores shared with other test runs

# Noted in the page itself (before any of its scripts) by an init script, which the policy does not cover.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
                           + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""

# Pages with a script of their own -> a condition that holds once it ran (a field it fills, its feed live).
SCRIPT_RAN = {
    "kiosk.show_kiosk": "document.querySelectorAll('#services button').length === 2",
    "display.show_display": "document.body.dataset.connection === 'live'"
                            " && !!document.getElementById('clock').textContent",
    "status_page.show_status": r"/ · \d+$/.test(document.title)",  # 'A001 · 0': the script's own title
    "console.counter": "document.getElementById('live').dataset.live === 'live'",
    "dashboard.today": "document.getElementById('live').dataset.state === 'live'",
    "admin.printer": "document.querySelector('[data-field=device_path]').hidden",  # a preview printer: none shown
    "admin.new_printer": "document.querySelector('[data-field=vendor_id]').hidden"
                         " && !document.querySelector('[data-field=host]').hidden",  # network: host and port
    "api-docs.openapi_swagger_ui": "document.querySelectorAll('.opblock-summary-path').length > 10",
}
# Pages whose script follows a live feed: a WebSocket to Socket.IO must open (connect-src ws:).
LIVE_PAGES = {"display.show_display", "status_page.show_status", "console.counter", "dashboard.today"}
# Scripts every staff page loads (data- attribute behaviours), which need no check of their own here.
SHARED_SCRIPTS = ("/staff/static/staff_page.js",)
OTHER_SCRIPTS = ("[...document.scripts].filter((s) => s.src && !" + repr(list(SHARED_SCRIPTS))
                 + ".some((shared) => s.src.endsWith(shared))).map((s) => s.src)")


@dataclass
class Visitor:
    """One browser context (signed in as a role, or not) with a page that records what went wrong."""

    page: Any
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.console.clear()
        self.errors.clear()
        self.sockets.clear()


@pytest.fixture
def site(runtime) -> Site:
    return seed_site(runtime)


def visitor(chromium: Any, live: LiveServer, role: str) -> Visitor:
    context = chromium.new_context(viewport=WIDE, bypass_csp=False)  # the pages' own policy, enforced
    context.add_init_script(WATCH_VIOLATIONS)
    seen = Visitor(context.new_page())
    seen.page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}")
                 if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    seen.page.on("pageerror", lambda error: seen.errors.append(str(error)))
    seen.page.on("websocket", lambda socket: seen.sockets.append(socket.url))
    if role != "anonymous":
        seen.page.goto(f"{live.url}/sign-in")
        seen.page.fill("#username", {"clerk": "clerk-a", "supervisor": "supervisor-a", "admin": "admin"}[role])
        seen.page.fill("#password", PASSWORD)
        seen.page.press("#password", "Enter")
        seen.page.wait_for_url(lambda url: "/sign-in" not in url, timeout=DEADLINE_S * 1000)
    return seen


def problems_on(seen: Visitor, live: LiveServer, page: Page) -> list[str]:
    """Open one page and say everything wrong with it (nothing: it passed its policy and works)."""
    seen.clear()
    tab = seen.page
    found: list[str] = []
    policy = tab.goto(live.url + page.url).headers.get("content-security-policy", "")
    if "script-src 'self'" not in policy or "style-src 'self'" not in policy or "unsafe" in policy:
        found.append(f"not under the policy: Content-Security-Policy is {policy!r}")
    if page.endpoint in SCRIPT_RAN:  # polled from here: Playwright's wait_for_function evals, which the CSP refuses
        try:
            wait_until(lambda: tab.evaluate(SCRIPT_RAN[page.endpoint]), timeout=DEADLINE_S)
        except AssertionError:
            found.append(f"its script did not run: {SCRIPT_RAN[page.endpoint]}")
    else:
        tab.wait_for_load_state("load")
        if not tab.locator("h1").count():
            found.append("no heading: the page did not render")
        if scripts := tab.evaluate(OTHER_SCRIPTS):
            found.append(f"it loads {scripts}: add a check that its script ran to SCRIPT_RAN")
    if page.endpoint in LIVE_PAGES and not any("/socket.io/" in url for url in seen.sockets):
        found.append("no WebSocket to Socket.IO opened")
    found += tab.evaluate("window.__violations || []") + seen.console + seen.errors
    return [f"{page.url} ({page.endpoint}, as {page.role}): {problem}" for problem in found]


@pytest.mark.slow
def test_every_page_passes_its_content_security_policy_and_works(chromium, app, live, site):
    pages = every_page(app, site)
    assert {page.role for page in pages} == set(ROLES)
    assert {"kiosk.show_kiosk", "status_page.show_status", "display.show_display", "waits.waits",
            "booking.details", "manage.show_booking", "auth_pages.sign_in", "console.counter", "dashboard.today",
            "admin.tokens", "api-docs.openapi_swagger_ui"} <= {page.endpoint for page in pages}
    visitors = {role: visitor(chromium, live, role) for role in ROLES}
    problems = [problem for page in pages for problem in problems_on(visitors[page.role], live, page)]
    unknown = Page("error page", "/no-such-page", "anonymous")  # the error page a mistyped address gets
    problems += problems_on(visitors["anonymous"], live, unknown)
    assert not problems, "\n".join(problems)
    assert_violations_are_seen(visitors["anonymous"].page)


def assert_violations_are_seen(tab: Any) -> None:
    """The control: inline script that a page tried to run is refused, and the watch above reports it."""
    tab.evaluate("""() => { const inline = document.createElement("script");
                             inline.textContent = "window.__inlineRan = true"; document.body.append(inline); }""")
    wait_until(lambda: tab.evaluate("window.__violations.length"), message="the violation to be reported")
    assert tab.evaluate("window.__inlineRan") is None
    assert "script-src-elem blocked inline" in tab.evaluate("window.__violations[0]")


def test_what_inline_handlers_did_still_works(chromium, live, site):
    """Confirmations, the dashboard's office switch and the printer form, now run from static scripts."""
    admin = visitor(chromium, live, "admin").page
    posts: list[str] = []
    admin.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    admin.goto(f"{live.url}/admin/tokens")
    revoke = admin.locator("tr", has_text="counter PC").get_by_role("button", name="Revoke")
    questions: list[str] = []
    admin.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    revoke.click()
    wait_until(lambda: questions, message="the question")
    assert questions == ["Revoke counter PC? The machine using it stops working at once."]
    admin.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    admin.locator("tr", has_text="counter PC").locator(".tag", has_text="revoked").wait_for()
    assert [url for url in posts if url.endswith("/revoke")] == [f"{live.url}/admin/tokens/1/revoke"]  # once

    admin.goto(f"{live.url}/admin/offices/{site.ids['office_id']}/printers/new")
    assert admin.locator("[data-field=host]").is_visible() and not admin.locator("[data-field=vendor_id]").is_visible()
    admin.select_option("#connection", "usb")
    admin.locator("[data-field=vendor_id]").wait_for()
    assert not admin.locator("[data-field=host]").is_visible()

    supervisor = visitor(chromium, live, "supervisor").page
    supervisor.goto(f"{live.url}/dashboard/{site.ids['office_id']}")
    supervisor.select_option("select[data-navigate]", label="Norwich DMV")
    supervisor.wait_for_url(f"{live.url}/dashboard/{site.ids['other_office_id']}")
