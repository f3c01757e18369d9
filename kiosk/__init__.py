"""The touchscreen kiosk: a full-screen page per registered kiosk device, over the kiosk API."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the kiosk page and the rate limits of the kiosk endpoints."""
    from waitwell.kiosk.views import bp
    from waitwell.web_common import rate_limits

    rate_limits.init_app(app)
    app.register_blueprint(bp)
