"""/api/v1/docs renders from the vendored Swagger UI in real Chromium, with no request leaving the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.cli.conftest import DemoServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_api_docs_render_offline(demo_server: DemoServer, chromium: Any, artifacts_dir: Path) -> None:
    outside: list[str] = []

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.route("**/*", only_loopback)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{demo_server.base_url}/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=False)

        assert "Waitwell" in page.inner_text(".swagger-ui .info .title")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/v1/tickets" in text for text in paths)
        assert any("call-next" in text for text in paths)
    finally:
        page.close()
    assert outside == [], f"the docs page asked for outside resources: {outside}"
    assert failed == []
