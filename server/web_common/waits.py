"""Wait estimates as screens show them: a rounded range of minutes, worded in the viewer's language.

Payloads carry the numbers ({"kind", "low", "high"}); pages word them with the templates below,
rendered by the server in the page's language so the browser never needs its own translations.
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import lazy_gettext

from waitwell.estimates.estimate import WaitEstimate

STEP_MINUTES = 5
LONGEST_MINUTES = 120

# kind -> wording; %(low)s and %(high)s are whole minutes.
TEMPLATES = {
    "under": lazy_gettext("under %(high)s min"),
    "up_to": lazy_gettext("up to %(high)s min"),
    "between": lazy_gettext("%(low)s–%(high)s min"),
    "over": lazy_gettext("over %(low)s min"),
}


def wait_range(estimate: WaitEstimate | None) -> dict[str, Any] | None:
    """Round an estimate's ~80% range outwards to whole steps of 5 minutes, capped at 2 hours."""
    if estimate is None:
        return None
    low = math.floor(estimate.low_minutes / STEP_MINUTES) * STEP_MINUTES
    high = math.ceil(estimate.high_minutes / STEP_MINUTES) * STEP_MINUTES
    if high <= STEP_MINUTES:
        return {"kind": "under", "low": 0, "high": STEP_MINUTES}
    if low >= LONGEST_MINUTES:
        return {"kind": "over", "low": LONGEST_MINUTES, "high": None}
    high = min(max(high, low + STEP_MINUTES), LONGEST_MINUTES)
    if low == 0:
        return {"kind": "up_to", "low": 0, "high": high}
    return {"kind": "between", "low": low, "high": high}


def describe_wait(described: dict[str, Any] | None) -> str:
    """The range in words, in the current request's language ("" when there is no estimate)."""
    if not described:
        return ""
    return str(TEMPLATES[described["kind"]]) % {"low": described["low"], "high": described["high"]}


def wait_templates() -> dict[str, str]:
    """The wordings in the current language, for a page's script to fill in live."""
    return {kind: str(template) for kind, template in TEMPLATES.items()}
