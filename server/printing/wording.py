"""Words on the paper and the kiosk screen in a chosen language, the same wording the lobby screens use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import force_locale

from waitwell.estimates.estimate import WaitEstimate
from waitwell.realtime.waits import describe_wait, wait_range


def wait_from_content(wait: Mapping[str, Any] | None) -> WaitEstimate | None:
    """The estimate stored in a print job's content."""
    if not wait:
        return None
    return WaitEstimate(float(wait["expected"]), float(wait["low"]), float(wait["high"]))


def wait_text(estimate: WaitEstimate | None, language: str) -> str:
    """The estimate as a rounded range in `language` ("10–20 min"); needs an app context for the catalogues."""
    with force_locale(language):
        return describe_wait(wait_range(estimate))
