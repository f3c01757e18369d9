"""`waitwell user create`: the account it makes can sign in through the API, and its token works."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.cli.conftest import Cli
from waitwell.app import create_app
from waitwell.config import Config
from waitwell.services import offices


@pytest.fixture
def migrated(waitwell: Cli, instance: Path) -> Iterator[Flask]:
    """The default instance database, migrated by the CLI, with one office; the app serving it."""
    code, output = waitwell("db", "upgrade")
    assert code == 0, output
    app = create_app(Config(instance_path=instance, testing=True))
    runtime = app.extensions["waitwell.runtime"]
    offices.create_office(runtime.uow(), name="Hartford DMV", timezone="America/New_York")
    yield app
    runtime.dispose()


def test_created_clerk_signs_in_and_the_printed_token_authenticates(waitwell: Cli, migrated: Flask) -> None:
    code, output = waitwell("user", "create", "maria", "--role", "clerk", "--office", "1",
                            "--password", "counter-three-pc", "--token", "counter 3 PC")
    assert code == 0, output
    assert "Created clerk 'maria'" in output
    token = re.search(r"^(ww_\S+)$", output, re.MULTILINE)
    assert token, output

    client = migrated.test_client()
    signed_in = client.post("/api/v1/auth/sign-in", json={"username": "maria", "password": "counter-three-pc"})
    assert signed_in.status_code == 200
    assert signed_in.get_json() == {"id": 1, "username": "maria", "display_name": "maria", "role": "clerk",
                                    "office_ids": [1]}
    me = migrated.test_client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.get_json()["username"] == "maria"


def test_password_is_asked_twice_without_echo_when_not_given(waitwell: Cli, migrated: Flask) -> None:
    code, output = waitwell("user", "create", "root", "--role", "admin", input="long-enough-now\nlong-enough-now\n")
    assert code == 0, output
    assert "long-enough-now" not in output
    signed_in = migrated.test_client().post("/api/v1/auth/sign-in",
                                            json={"username": "root", "password": "long-enough-now"})
    assert signed_in.get_json()["role"] == "admin"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ann", "--role", "clerk", "--password", "long-enough-now"], "a clerk works in an office: add --office ID"),
        (["ann", "--office", "1", "--password", "eleven-char"], "a password needs at least 12 characters"),
        (["ann", "--office", "1", "--password", "Password1234"], "on the list of common passwords"),
        (["\u0430nn", "--office", "1", "--password", "long-enough-now"], "mixes Cyrillic and Latin letters"),
        (["a\u200bnn", "--office", "1", "--password", "long-enough-now"], "U+200B zero width space"),
        (["ann", "--office", "9", "--password", "long-enough-now"], "there is no office 9"),
        (["ann", "--role", "boss", "--password", "long-enough-now"],
         "'boss' is not one of 'clerk', 'supervisor', 'admin'"),
    ],
)
def test_mistakes_are_explained_and_nothing_is_created(
    waitwell: Cli, migrated: Flask, arguments: list[str], message: str
) -> None:
    code, output = waitwell("user", "create", *arguments)
    assert code != 0
    assert message in output
    refused = migrated.test_client().post("/api/v1/auth/sign-in",
                                          json={"username": "ann", "password": "long-enough-now"})
    assert refused.status_code == 401


def test_a_taken_username_is_refused_whatever_its_case(waitwell: Cli, migrated: Flask) -> None:
    waitwell("user", "create", "maria", "--office", "1", "--password", "long-enough-now")
    code, output = waitwell("user", "create", "maria", "--office", "1", "--password", "long-enough-now")
    assert code == 1
    assert "the username 'maria' is taken" in output
    code, output = waitwell("user", "create", "MARIA", "--office", "1", "--password", "long-enough-now")
    assert code == 1
    assert "the username 'maria' is taken (as 'MARIA': usernames are the same whatever the case)" in output


def test_refused_on_a_database_that_is_not_migrated(waitwell: Cli) -> None:
    code, output = waitwell("user", "create", "maria", "--role", "admin", "--password", "long-enough-now")
    assert code == 1
    assert "run `waitwell db upgrade` first" in output
