"""When a last-10 figure is stale: WAITWELL_STALE_AFTER_MINUTES, read the same way by the API, the dashboard and
the live screens' publisher."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask, current_app

from waitwell.config import positive_number

STALE_SETTING = "WAITWELL_STALE_AFTER_MINUTES"
DEFAULT_STALE_MINUTES = 60


def stale_after() -> timedelta:
    """How long without a call before a last-10 figure is marked stale (default 60 minutes)."""
    return configured_stale_after(current_app)


def configured_stale_after(app: Flask) -> timedelta:
    """WAITWELL_STALE_AFTER_MINUTES from the app's config, else the environment (read at start-up by the
    live screens' publisher, so a bad value stops the server there rather than failing requests)."""
    minutes = app.config.get(STALE_SETTING)
    if minutes is None:
        minutes = os.environ.get(STALE_SETTING)
    return timedelta(minutes=positive_number(STALE_SETTING, minutes, DEFAULT_STALE_MINUTES))
