"""The citizen's status page, opened from the ticket's QR code: /t/<token>."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the status page."""
    from waitwell.status_page.views import bp

    app.register_blueprint(bp)
