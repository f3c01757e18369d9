"""The documented deployment, tested: two processes sharing Redis behind nginx with sticky sessions
(docs/deployment.md). Long-polling only works when every request of a client reaches one process."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import unavailable
from tests.factories import issue, make_office, make_staff
from tests.realtime.support import FeedFollower, following, staff_api
from tests.support.ports import free_port
from tests.support.processes import app_server
from tests.support.waiting import wait_until
from waitwell.realtime.rooms import DISPLAY_NAMESPACE
from waitwell.runtime import Runtime
from waitwell.services import displays

pytestmark = [pytest.mark.redis, pytest.mark.slow]

# The `upstream` and `location /` of docs/deployment.md, on loopback without TLS.
NGINX_CONF = """
worker_processes 1;
user root;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    upstream waitwell {{
        ip_hash;
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://waitwell;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;  # with the port: Socket.IO checks Origin against it
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_buffering off;
        }}
    }}
}}
"""


@pytest.fixture
def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        unavailable("nginx", "not installed (apt-get install nginx-light)")
    return found


class Nginx:
    """nginx in the foreground on a free port, in front of the given server ports."""

    def __init__(self, binary: str, folder: Path, upstream_ports: tuple[int, int]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "nginx.conf"
        config.write_text(NGINX_CONF.format(folder=folder, port=self.port, port_a=upstream_ports[0],
                                            port_b=upstream_ports[1]))
        self.process = subprocess.Popen([binary, "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_until(self._answers, message=f"nginx on port {self.port}")
        except BaseException:
            self.stop()  # not left running, nor its Popen to warn about it in a later test
            raise

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/api/v1/offices", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def shared(sqlite_url: str) -> Iterator[Runtime]:
    runtime = Runtime(sqlite_url)
    yield runtime
    runtime.dispose()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_screens_behind_nginx_hear_calls_made_on_either_process(shared, sqlite_url, redis_url, nginx_binary,
                                                                tmp_path: Path, transport: str):
    office = make_office(shared, name="Behind nginx", counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    display = displays.register_display(shared.uow(), office_id=office.office_id, name="Hall")
    clerk = make_staff(shared, [office.office_id])
    api = staff_api(shared, clerk)
    issue(shared, office.services["A"], 2)
    channel = f"waitwell-test-{uuid.uuid4().hex[:12]}"

    with api, app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_a, \
            app_server(sqlite_url, tmp_path, redis_url=redis_url, channel=channel) as process_b:
        proxy = Nginx(nginx_binary, tmp_path / "nginx", (process_a.port, process_b.port))
        screen = FeedFollower(proxy.url, DISPLAY_NAMESPACE, {"display_id": display.id})
        screen.transports = [transport]
        try:
            with following(screen.connect()):
                for process, counter in ((process_a, "Counter 1"), (process_b, "Counter 2")):
                    response = api.post(f"{process.url}/api/v1/counters/{office.counters[counter]}/call-next")
                    assert response.status_code == 200, response.text
                    screen.wait_for(lambda s, c=counter: s["calls"] and s["calls"][0]["counter"] == c,
                                    what=f"the call at {counter} over {transport}")
        finally:
            proxy.stop()
