"""On/off and number settings from the environment: one reading everywhere, and a typo is refused by name
(it used to be read as off for some settings and as on for others)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.support.ports import free_port
from tests.support.processes import waitwell_command
from waitwell.app import create_app
from waitwell.config import Config, ConfigError, port_number, positive_number, switch
from waitwell.printing import worker_switched_on


@pytest.mark.parametrize("word", ["1", "on", "ON", "true", "True", "yes", " yes "])
def test_words_for_on(word: str) -> None:
    assert switch("WAITWELL_SCHEDULER", word, False) is True


@pytest.mark.parametrize("word", ["0", "off", "Off", "false", "FALSE", "no"])
def test_words_for_off(word: str) -> None:
    assert switch("WAITWELL_SCHEDULER", word, True) is False


def test_unset_or_empty_is_the_default() -> None:
    assert switch("WAITWELL_SCHEDULER", None, True) is True
    assert switch("WAITWELL_SCHEDULER", "", False) is False


def test_anything_else_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match=r"WAITWELL_PRINT_WORKER must be on or off .*not 'of'"):
        switch("WAITWELL_PRINT_WORKER", "of", True)


def test_secure_cookies_on_is_on(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """WAITWELL_SECURE_COOKIES=on used to leave cookies sendable over plain HTTP (only 1/true/yes counted)."""
    monkeypatch.setenv("WAITWELL_SECURE_COOKIES", "on")
    assert Config.from_env(instance_path=tmp_path).session_cookie_secure is True


def test_the_print_worker_switch_reads_the_same_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAITWELL_PRINT_WORKER", "No")
    assert worker_switched_on() is False
    monkeypatch.setenv("WAITWELL_PRINT_WORKER", "maybe")
    with pytest.raises(ConfigError, match="WAITWELL_PRINT_WORKER"):
        worker_switched_on()


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "inf"])
def test_a_number_setting_must_be_a_number_above_zero(value: str) -> None:
    with pytest.raises(ConfigError, match=f"WAITWELL_STALE_AFTER_MINUTES must be a number above 0, not '{value}'"):
        positive_number("WAITWELL_STALE_AFTER_MINUTES", value, 60)
    assert positive_number("WAITWELL_STALE_AFTER_MINUTES", "90", 60) == 90
    assert positive_number("WAITWELL_STALE_AFTER_MINUTES", None, 60) == 60


def test_serve_refuses_an_unreadable_setting_before_starting_anything(
    waitwell: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    waitwell("db", "upgrade")
    monkeypatch.setenv("WAITWELL_SCHEDULER", "sometimes")
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "Error: WAITWELL_SCHEDULER must be on or off (or true/false, yes/no, 1/0), not 'sometimes'" in output


def test_a_command_that_builds_the_app_reports_an_unreadable_setting_in_one_line(
    waitwell: Cli, instance: Path
) -> None:
    """In a process of its own: `print-worker` lowers its own CPU priority first."""
    waitwell("db", "upgrade")
    env = {**os.environ, "WAITWELL_INSTANCE": str(instance), "WAITWELL_STALE_AFTER_MINUTES": "an hour"}
    done = subprocess.run([*waitwell_command(), "print-worker"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: WAITWELL_STALE_AFTER_MINUTES must be a number above 0, not 'an hour'"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WAITWELL_SMTP_PORT", "smtp", "WAITWELL_SMTP_PORT must be a port number from 1 to 65535, not 'smtp'"),
    ("WAITWELL_SMTP_PORT", "70000", "WAITWELL_SMTP_PORT must be a port number from 1 to 65535, not '70000'"),
    ("WAITWELL_SMTP_TLS", "tls", "WAITWELL_SMTP_TLS must be one of starttls, ssl, none, not 'tls'"),
])
def test_mail_settings_are_checked_when_the_server_starts_not_when_a_citizen_books(
    waitwell: Cli, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    waitwell("db", "upgrade")
    monkeypatch.setenv(name, value)
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert f"Error: {message}" in output


def test_an_app_served_by_hand_refuses_a_bad_mail_setting_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """gunicorn 'waitwell.app:app_from_env()' without `waitwell serve`: the app itself refuses to start."""
    monkeypatch.setenv("WAITWELL_SMTP_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="WAITWELL_SMTP_PORT must be a port number"):
        create_app(Config(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}", testing=True,
                          secret_key="test-secret"))


def test_a_test_app_keeps_the_scheduler_off_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from waitwell.jobs.scheduler import SCHEDULER_KEY

    monkeypatch.setenv("WAITWELL_SCHEDULER", "on")
    app = create_app(Config(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}", testing=True,
                            secret_key="test-secret"))
    assert SCHEDULER_KEY not in app.extensions


@pytest.mark.parametrize("value", ["²", "5 8 7", True])
def test_odd_port_values_are_refused_by_name(value: object) -> None:
    with pytest.raises(ConfigError, match="WAITWELL_SMTP_PORT must be a port number"):
        port_number("WAITWELL_SMTP_PORT", value, 587)


def test_a_yes_is_not_a_number_of_minutes() -> None:
    with pytest.raises(ConfigError, match="WAITWELL_STALE_AFTER_MINUTES must be a number above 0"):
        positive_number("WAITWELL_STALE_AFTER_MINUTES", True, 60)


def test_the_kiosk_tap_limit_is_set_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WAITWELL_KIOSK_TAP_LIMIT", "20 per minute;5 per 10 seconds")
    app = create_app(Config.from_env(instance_path=tmp_path, testing=True))
    assert app.config["KIOSK_TAP_LIMIT"] == "20 per minute;5 per 10 seconds"


def test_an_unreadable_kiosk_tap_limit_stops_serve_by_name(waitwell: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """It used to be a 500 on every tap (or, counted past, no limit at all)."""
    waitwell("db", "upgrade")
    monkeypatch.setenv("WAITWELL_KIOSK_TAP_LIMIT", "30 a minute")
    code, output = waitwell("serve", "--port", str(free_port()))
    assert code == 1
    assert "Error: WAITWELL_KIOSK_TAP_LIMIT must be limits such as '30 per minute;10 per 10 seconds', " \
           "not '30 a minute'" in output


def test_an_app_configured_by_hand_with_an_unreadable_tap_limit_refuses_to_start(tmp_path: Path) -> None:
    config = Config(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}", testing=True,
                    extra={"KIOSK_TAP_LIMIT": "lots"})
    with pytest.raises(ConfigError, match="KIOSK_TAP_LIMIT must be limits"):
        create_app(config)
