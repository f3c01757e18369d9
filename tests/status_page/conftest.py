"""Status page fixtures: the display tests' office and signed-in clerk."""

from __future__ import annotations

from tests.display.conftest import clerk_http, office  # noqa: F401 - shared fixtures
