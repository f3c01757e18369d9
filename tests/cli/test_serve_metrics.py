"""`waitwell serve` keeps /metrics closed until WAITWELL_METRICS_TOKEN or WAITWELL_METRICS_ALLOW says who may
read it, and says so when it starts."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.cli.conftest import Cli
from tests.support.ports import free_port
from tests.support.processes import waitwell_server


@pytest.mark.slow
def test_serve_closes_metrics_until_told_who_may_read_them(waitwell: Cli, instance: Path, tmp_path: Path) -> None:
    waitwell("db", "upgrade")
    port = free_port()
    server = waitwell_server(["serve", "--port", str(port), "--threads", "4"], port, tmp_path,
                             {"WAITWELL_METRICS_TOKEN": "", "WAITWELL_METRICS_ALLOW": "",
                              "WAITWELL_PRINT_WORKER": "off"}).launch()
    try:
        server.wait_until_serving()
        closed = requests.get(f"{server.url}/metrics", timeout=10)
        assert closed.status_code == 403
        assert "set WAITWELL_METRICS_TOKEN" in closed.text and "WAITWELL_METRICS_ALLOW" in closed.text
    finally:
        server.stop()
    assert "/metrics answers 403 until WAITWELL_METRICS_TOKEN or WAITWELL_METRICS_ALLOW is set" in server.output()

    port = free_port()
    server = waitwell_server(["serve", "--port", str(port), "--threads", "4"], port, tmp_path,
                             {"WAITWELL_METRICS_TOKEN": "s3cret-scraper-token",
                              "WAITWELL_PRINT_WORKER": "off"}).launch()
    try:
        server.wait_until_serving()
        assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 401
        scraped = requests.get(f"{server.url}/metrics", timeout=10,
                               headers={"Authorization": "Bearer s3cret-scraper-token"})
        assert scraped.status_code == 200 and "waitwell_counters" in scraped.text
    finally:
        server.stop()
