"""Staff pages: sign-in, the counter console, administration and the audit log, bound to the app in one call."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the staff blueprints, the audit recorder and the end-of-day scheduler."""
    from waitwell.admin import pages as admin_pages
    from waitwell.audit import pages as audit_pages
    from waitwell.console import pages as console_pages
    from waitwell.console import printer_alerts
    from waitwell.jobs import scheduler
    from waitwell.staff import sign_in, templating
    from waitwell.web_common import audit_recorder

    templating.init_app(app)
    audit_recorder.init_app(app)
    app.register_blueprint(sign_in.bp)
    app.register_blueprint(console_pages.bp)
    app.register_blueprint(printer_alerts.bp)
    app.register_blueprint(admin_pages.bp)
    app.register_blueprint(audit_pages.bp)
    scheduler.init_app(app)
