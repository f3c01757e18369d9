"""This server's printer allowlist (waitwell.printers.allowlist), from its settings: which device files and
serial ports (WAITWELL_PRINTER_DEVICES), which networks (WAITWELL_PRINTER_NETWORKS) its printers may reach, and
its instance folder for a preview printer's picture. Each is the app config's value, else the environment's."""

from __future__ import annotations

import os

from flask import Flask, current_app, has_app_context

from waitwell.config import PRINTER_DEVICES_SETTING, PRINTER_NETWORKS_SETTING, address_ranges, path_patterns
from waitwell.printers.allowlist import DEFAULT_DEVICE_PATTERNS, DEFAULT_NETWORKS, PrinterAllowlist


def printer_allowlist() -> PrinterAllowlist:
    """The current app's allowlist; outside an app (a command, a test of the engine) the defaults, which keep
    no preview picture."""
    return allowlist_of(current_app) if has_app_context() else PrinterAllowlist()


def allowlist_of(app: Flask) -> PrinterAllowlist:
    """The app's allowlist, read from its settings each time (they are a few words to parse); an unset or empty
    setting is the default, "none" allows nothing of that kind."""
    devices = _setting(app, PRINTER_DEVICES_SETTING)
    networks = _setting(app, PRINTER_NETWORKS_SETTING)
    return PrinterAllowlist(
        device_patterns=path_patterns(PRINTER_DEVICES_SETTING, devices) if devices else DEFAULT_DEVICE_PATTERNS,
        networks=address_ranges(PRINTER_NETWORKS_SETTING, networks) if networks else DEFAULT_NETWORKS,
        preview_folder=app.config["WAITWELL"].instance_path,
    )


def _setting(app: Flask, name: str) -> object:
    value = app.config.get(name)
    return value if value not in (None, "") else os.environ.get(name, "").strip()
