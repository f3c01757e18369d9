"""The public /waits page: every office and service with its last-10 average wait, like the Connecticut DMV's;
the site's bare address leads there."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for

from waitwell.services.metrics import payloads
from waitwell.services.metrics.waits import public_waits
from waitwell.web import uow
from waitwell.web_common.stale_figures import stale_after

bp = Blueprint("waits", __name__, template_folder="templates", static_folder="static",
               static_url_path="/waits/static")

REFRESH_SECONDS = 60


@bp.get("/")
def home() -> Any:
    """Someone who types the office's address gets the current waits, with booking and staff sign-in below."""
    return redirect(url_for("waits.waits"))


@bp.get("/waits")
def waits() -> Any:
    """Current waits in every office; the page reloads itself every minute."""
    offices = [payloads.office_waits_payload(w) for w in public_waits(uow(read_only=True), stale_after=stale_after())]
    minutes = int(stale_after().total_seconds() // 60)
    return render_template("dashboard/waits.html", offices=offices, stale_minutes=minutes,
                           refresh_seconds=REFRESH_SECONDS, definition=payloads.DEFINITIONS["last_ten"])
