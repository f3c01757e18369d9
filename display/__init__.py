"""The lobby display: a full-screen board per registered display, fed by the /display Socket.IO namespace."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the display pages (/display/<id>) and the chime."""
    from waitwell.display.views import bp

    app.register_blueprint(bp)
