"""``scripts/serve.sh --workers 2``: two Streamlit processes behind nginx, sticky sessions.

Starts the real thing (about 40 s: the workers start and are warmed up), then checks that a
browser's requests all reach one worker, that different browsers are spread over both, that
a whole session (map, click, Territoire) works through the proxy, that a nested path gets
the French « page introuvable » instead of a blank page, and that stopping the script
stops every process.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geodata import store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import session_client  # noqa: E402

pytestmark = pytest.mark.app
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def proxy():
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: scripts/bootstrap.sh --test installs it (apt)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    store.ensure_built()
    port = free_port()
    process = subprocess.Popen(["bash", "scripts/serve.sh", "--workers", "2", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, text=True)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("Atlas:") or (not line and process.poll() is not None):
            break
    if not lines[-1].startswith("Atlas:"):
        os.killpg(process.pid, signal.SIGTERM)
        pytest.fail("serve.sh did not start:\n" + "".join(lines))
    for _ in range(50):  # nginx is started right after the line
        if listening(port):
            break
        time.sleep(0.1)
    yield port, process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def test_one_browser_stays_on_one_worker_and_browsers_are_spread(proxy):
    port, _ = proxy
    first = get(port, "/_stcore/health")
    assert first.status == 200
    cookie = next(c.split(";")[0] for c in first.headers.get_all("Set-Cookie")
                  if c.startswith("atlas_server="))
    workers = {get(port, "/_stcore/health", cookie).getheader("X-Atlas-Worker")
               for _ in range(12)}
    assert len(workers) == 1
    fresh = {get(port, "/_stcore/health").getheader("X-Atlas-Worker") for _ in range(40)}
    assert fresh == {f"127.0.0.1:{port + 1}", f"127.0.0.1:{port + 2}"}


def test_a_whole_session_works_through_the_proxy(proxy):
    port, _ = proxy
    times = {"map_ready": [], "click": [], "territoire": []}
    errors: list[str] = []
    asyncio.run(session_client.visit(f"http://localhost:{port}", "15187", "43117", 120,
                                     times, errors))
    assert errors == []
    assert all(len(values) == 1 for values in times.values())


def test_a_nested_path_is_sent_to_a_french_page_not_a_blank_one(proxy):
    port, _ = proxy
    answer = get(port, "/territoire/saint-flour")
    assert answer.status == 302
    assert answer.getheader("Location") == "/territoire?introuvable=/territoire/saint-flour"
    assert get(port, "/nimporte/quoi/encore").getheader("Location") == (
        "/nimporte?introuvable=/nimporte/quoi/encore")
    for route in ("/static/", "/_stcore/health", "/component/x/y"):
        assert get(port, route).status != 302


def test_stopping_the_script_stops_nginx_and_every_worker(proxy):
    port, process = proxy
    assert all(listening(p) for p in (port, port + 1, port + 2))
    process.send_signal(signal.SIGTERM)  # to the script only, as a service manager does
    process.wait(30)
    time.sleep(1)
    assert not any(listening(p) for p in (port, port + 1, port + 2))
