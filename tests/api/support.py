"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse


def assert_error(response: TestResponse, status: int, code: str | None = None, *mentions: str) -> dict[str, Any]:
    """The response is `{"error": {"code", "message"}}` with `status`, and the message names what is wrong."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:200]
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and len(error["message"]) > 5
    if code is not None:
        assert error["code"] == code, error
    for mention in mentions:
        assert mention in error["message"], (mention, error["message"])
    return error
