"""Template filters the staff pages share: local times and query-string helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import get_locale


def localtime(moment: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A UTC moment shown in an office's timezone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(fmt) if moment else ""


def reject_key(values: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != key}


def init_app(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(reject_key, "reject_key")

    @app.context_processor
    def page_language() -> dict[str, Any]:
        return {"page_language": str(get_locale() or "en")}
