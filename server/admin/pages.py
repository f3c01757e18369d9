"""The administration blueprint (`admin`); each kind of thing has its own module of views."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from waitwell.auth import staff_required
from waitwell.persistence import Role
from waitwell.services import offices
from waitwell.web import uow

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.get("/")
@staff_required(Role.ADMIN)
def index() -> Any:
    """Every office, with links to what can be set up in it."""
    return render_template("admin/index.html", offices=offices.list_offices(uow(read_only=True)))
