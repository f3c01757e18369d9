"""The browser libraries are vendored from npm at the versions package.json pins, with their licences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "server" / "static" / "vendor"
PINNED: dict[str, str] = json.loads((ROOT / "package.json").read_text())["dependencies"]


@pytest.mark.parametrize("package", sorted(PINNED))
def test_each_pinned_package_is_vendored_with_its_licence_and_version(package: str) -> None:
    version = PINNED[package]
    assert version[0].isdigit(), f"{package} must be pinned to an exact version, not {version!r}"
    licences = list((VENDOR / package).glob("LICENSE*"))
    assert licences and all(licence.stat().st_size > 0 for licence in licences), f"{package} has no licence file"
    assert f"| {package} | {version} |" in (VENDOR / "README.md").read_text()
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"][f"node_modules/{package}"]
    assert locked["version"] == version


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/static/vendor/swagger-ui-dist/swagger-ui.css",
        "/static/vendor/socket.io-client/socket.io.min.js",
    ],
)
def test_the_app_serves_the_vendored_files(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert len(response.data) > 10_000
    response.close()


def test_the_socketio_client_matches_python_socketio_5() -> None:
    # python-socketio 5 speaks Socket.IO protocol 5 / Engine.IO 4, which is socket.io-client 3.x and 4.x.
    assert PINNED["socket.io-client"].split(".")[0] == "4"
