"""Appointments on the web: the public booking pages, the booker's own link, staff pages, emails and jobs."""

from __future__ import annotations

from functools import partial

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and join the background scheduler (created by staff.init_app, if it runs here)."""
    from waitwell.appointments import booking_pages, manage_pages, staff_pages
    from waitwell.appointments.jobs import run_appointment_jobs
    from waitwell.jobs.scheduler import SCHEDULER_KEY

    app.register_blueprint(booking_pages.bp)
    app.register_blueprint(manage_pages.bp)
    app.register_blueprint(staff_pages.bp)
    scheduler = app.extensions.get(SCHEDULER_KEY)
    if scheduler is not None:
        scheduler.jobs.append(partial(run_appointment_jobs, app))
