"""Status page fixtures: the display tests' Chromium and live server, and an office with a few tickets."""

from __future__ import annotations

from tests.display.conftest import clerk_http, live, office  # noqa: F401 - shared fixtures
