"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from waitwell import (
    appointments,
    auth,
    dashboard,
    display,
    i18n,
    kiosk,
    printing,
    realtime,
    security_headers,
    staff,
    status_page,
)
from waitwell.api.openapi import OPENAPI_SETTINGS
from waitwell.appointments.settings import mail_settings
from waitwell.config import Config
from waitwell.extensions import api
from waitwell.request_bodies import init_app as init_request_bodies
from waitwell.runtime import Runtime
from waitwell.web import RUNTIME_KEY, IdConverter
from waitwell.web_common import errors as web_errors


def create_app(config: Config | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Build a Waitwell app; `runtime` lets tests and simulations inject a clock or a shared engine."""
    config = config or Config.from_env()
    app = Flask(__name__, instance_path=str(config.instance_path), static_folder="static")
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.update(
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        WAITWELL=config,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.session_cookie_secure,
        REMEMBER_COOKIE_SECURE=config.session_cookie_secure,
        JSON_SORT_KEYS=False,
        **OPENAPI_SETTINGS,
    )
    app.config.update(config.extra)
    mail_settings(app)  # first: a bad SMTP setting stops the app before any worker thread has started
    app.extensions[RUNTIME_KEY] = runtime or Runtime(config.database_url)
    logging.getLogger("waitwell").setLevel(logging.INFO)

    security_headers.init_app(app)  # first: a bad WAITWELL_FRAME_ANCESTORS stops the app; headers on every answer
    auth.init_app(app)
    i18n.init_app(app)
    web_errors.init_app(app)
    init_request_bodies(app)  # 413 past each endpoint class's body limit, 400 for JSON nested too deep
    api.init_app(app)
    _register_api(app)
    realtime.init_app(app, config)  # Socket.IO (async_mode set explicitly there) and the live feed
    display.init_app(app)  # lobby display pages (/display/<id>) and their chime
    status_page.init_app(app)  # the citizen's status page (/t/<token>)
    kiosk.init_app(app)  # the kiosk page and its rate limits
    printing.init_app(app)  # print worker (not when testing) and the print agents' namespace
    staff.init_app(app)  # sign-in pages, counter console, administration, audit log, end-of-day scheduler
    appointments.init_app(app)  # booking pages, the booker's link, staff pages; joins the scheduler (after staff)
    dashboard.init_app(app)  # supervisor dashboard and reports, public /waits, Prometheus /metrics
    return app


def _register_api(app: Flask) -> None:
    from waitwell.api import registry

    for blueprint in registry.BLUEPRINTS:
        api.register_blueprint(blueprint)
    _ = app  # blueprints are registered through flask-smorest's Api so they appear in OpenAPI


def app_from_env(**overrides: Any) -> Flask:
    """Entry point for WSGI servers: `gunicorn 'waitwell.app:app_from_env()'`."""
    return create_app(Config.from_env(**overrides))
