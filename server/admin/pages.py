"""The administration pages, gathered on one blueprint (`admin`): each module adds its own views."""

from __future__ import annotations

from waitwell.admin import devices, lines, offices, people
from waitwell.admin.blueprint import bp

__all__ = ["bp", "devices", "lines", "offices", "people"]
