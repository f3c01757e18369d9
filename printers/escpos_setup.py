"""Prepare python-escpos before its first import: a stable capabilities cache and no import-time noise."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
from pathlib import Path

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def capabilities_cache_dir() -> Path:
    """Where python-escpos keeps its parsed capabilities (else it leaves a new temp folder per process)."""
    configured = os.environ.get(PICKLE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    fallback = Path(tempfile.gettempdir()) / f"waitwell-escpos-{os.getuid()}"
    for candidate in (cache_home / "waitwell" / "escpos", fallback):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.gettempdir())


def configure_escpos() -> None:
    """Set the cache folder and import python-escpos once without its stdout prints or root-logger setup."""
    if "escpos.capabilities" in sys.modules:
        return
    os.environ.setdefault(PICKLE_DIR_VARIABLE, str(capabilities_cache_dir()))
    cache_dir = os.environ[PICKLE_DIR_VARIABLE]
    root = logging.getLogger()
    # escpos calls logging.basicConfig() on import; a handler already on the root logger makes that a no-op.
    placeholder = logging.NullHandler() if not root.handlers else None
    if placeholder is not None:
        root.addHandler(placeholder)
    # escpos evaluates `environ.get(VARIABLE, mkdtemp())`, creating an empty temp folder even when the variable
    # is set; during its import mkdtemp hands back the cache folder instead.
    real_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: cache_dir  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import escpos.capabilities
            import escpos.printer  # noqa: F401
    finally:
        tempfile.mkdtemp = real_mkdtemp
        if placeholder is not None:
            root.removeHandler(placeholder)
