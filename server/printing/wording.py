"""Words on the paper and the kiosk screen in a chosen language, the same wording the lobby screens use."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask_babel import force_locale

from waitwell.estimates.estimate import WaitEstimate
from waitwell.web_common.waits import describe_wait, wait_range


def wait_from_content(wait: Mapping[str, Any] | None) -> WaitEstimate | None:
    """The estimate stored in a print job's content."""
    if not wait:
        return None
    return WaitEstimate(float(wait["expected"]), float(wait["low"]), float(wait["high"]))


# Kiosk answers and printed tickets word the same few estimates over and over (a burst of taps shares one
# per line): looking the words up in the catalogues took a tenth of a tap, and as long as encoding the paper.
@lru_cache(maxsize=1024)
def wait_text(estimate: WaitEstimate | None, language: str) -> str:
    """The estimate as a rounded range in `language` ("10–20 min"); needs an app context for the catalogues."""
    with force_locale(language):
        return describe_wait(wait_range(estimate))
