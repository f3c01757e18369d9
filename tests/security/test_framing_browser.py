"""Framing in real headless Chromium: an office's intranet page on another origin may show the lobby display in an
iframe only when WAITWELL_FRAME_ANCESTORS names it; no other page, and by default not the display either."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.security.site import Site, app_with_frame_ancestors, seed_site
from tests.support.live import LiveServer
from tests.support.ports import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser
DEADLINE_S = 30  # generous: two cores shared with other test runs


@pytest.fixture
def site(runtime) -> Site:
    return seed_site(runtime)


class Intranet:
    """An office's own web page on another origin, showing the address in its ?src= in an iframe."""

    def __init__(self) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"

    def __enter__(self) -> Intranet:
        class Embedding(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                source = parse_qs(urlsplit(self.path).query).get("src", [""])[0]
                body = f'<!doctype html><title>Intranet</title><iframe src="{source}"></iframe>'.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", int(self.url.rsplit(":", 1)[1])), Embedding)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def framed(chromium: Any, intranet: Intranet, address: str) -> tuple[Any, list[str]]:
    """The intranet page showing `address` in its frame, and what the browser said about framing."""
    tab = chromium.new_page(bypass_csp=False)
    refusals: list[str] = []
    tab.on("console", lambda message: refusals.append(message.text) if "frame" in message.text else None)
    tab.goto(f"{intranet.url}/?src={address}")
    return tab, refusals


def test_the_lobby_display_shows_in_a_frame_only_where_waitwell_frame_ancestors_allows_it(
        chromium, app, runtime, site, tmp_path: Path):
    display, waits = f"/display/{site.ids['display_id']}", "/waits"
    with Intranet() as intranet:
        with LiveServer(app_with_frame_ancestors(runtime, tmp_path, intranet.url)) as allowed:
            tab, refusals = framed(chromium, intranet, allowed.url + display)
            in_frame = allowed.url + display
            board = wait_until(lambda: next((frame for frame in tab.frames if frame.url == in_frame), None),
                               timeout=DEADLINE_S, message="the display's frame")
            wait_until(lambda: board.evaluate("document.body.dataset.connection === 'live'"), timeout=DEADLINE_S,
                       message="the framed display to go live")
            assert refusals == []
            tab, refusals = framed(chromium, intranet, allowed.url + waits)  # only the display may be embedded
            wait_until(lambda: refusals, timeout=DEADLINE_S, message="the browser to refuse the frame")
            assert "frame-ancestors 'none'" in refusals[0]
        with LiveServer(app) as default:  # no WAITWELL_FRAME_ANCESTORS: nobody may frame the display
            tab, refusals = framed(chromium, intranet, default.url + display)
            wait_until(lambda: refusals, timeout=DEADLINE_S, message="the browser to refuse the frame")
            assert "frame-ancestors 'none'" in refusals[0]
