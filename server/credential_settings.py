"""The operator's settings for staff sessions and API tokens (docs/security.md, "Sessions and credentials").

Read once when the app starts, from the app's config, else the environment, so a bad value stops the server
with its name instead of failing requests later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from waitwell.config import positive_number, whole_number
from waitwell.domain.credentials import (
    DEFAULT_IDLE_MINUTES,
    DEFAULT_OWN_TOKEN_LIMIT,
    DEFAULT_SESSION_HOURS,
    SessionRules,
    TokenRules,
)

SESSION_HOURS_SETTING = "WAITWELL_SESSION_HOURS"  # longest a staff session lasts from signing in
IDLE_MINUTES_SETTING = "WAITWELL_SESSION_IDLE_MINUTES"  # a staff session ends after this long without activity
TOKEN_DAYS_SETTING = "WAITWELL_API_TOKEN_DAYS"  # lifetime of a new API token when none is asked (unset: none)
TOKEN_LIMIT_SETTING = "WAITWELL_STAFF_TOKEN_LIMIT"  # live tokens a clerk or supervisor may hold to create one
RECHECK_SETTING = "WAITWELL_CREDENTIAL_RECHECK_SECONDS"  # how often live connections' credentials are checked
DEFAULT_RECHECK_SECONDS = 5.0


def session_rules(config: Mapping[str, Any]) -> SessionRules:
    return SessionRules(longest=timedelta(hours=_number(config, SESSION_HOURS_SETTING, DEFAULT_SESSION_HOURS)),
                        idle=timedelta(minutes=_number(config, IDLE_MINUTES_SETTING, DEFAULT_IDLE_MINUTES)))


def token_rules(config: Mapping[str, Any]) -> TokenRules:
    """The token rules; pass `os.environ` where there is no app (the command line)."""
    days = _setting(config, TOKEN_DAYS_SETTING)
    return TokenRules(default_days=None if days in (None, "") else positive_number(TOKEN_DAYS_SETTING, days, 1.0),
                      own_token_limit=whole_number(TOKEN_LIMIT_SETTING, _setting(config, TOKEN_LIMIT_SETTING),
                                                   DEFAULT_OWN_TOKEN_LIMIT))


def recheck_seconds(config: Mapping[str, Any]) -> float:
    return _number(config, RECHECK_SETTING, DEFAULT_RECHECK_SECONDS)


def _number(config: Mapping[str, Any], name: str, default: float) -> float:
    return positive_number(name, _setting(config, name), default)


def _setting(config: Mapping[str, Any], name: str) -> Any:
    value = config.get(name)
    return os.environ.get(name) if value is None else value
