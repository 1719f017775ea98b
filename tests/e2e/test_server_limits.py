"""The API process's own HTTP bounds (uvicorn as absah starts it): oversized request heads are
refused, idle keep-alive connections are closed; and the proxy config shipped for compose is
valid nginx."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import Settings
from tests.support.stack import ROOT, start_api, wait_until

pytestmark = pytest.mark.e2e

NGINX_CONF = ROOT / "infra" / "proxy" / "nginx.conf"
FIX_NGINX = "install it: apt-get install -y nginx-light (or run .ci/run)"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[tuple[str, int]]:
    """`absah api` with small bounds: 4 KiB of request head, 1 s keep-alive."""
    tmp = tmp_path_factory.mktemp("limits")
    settings = Settings(
        data_dir=tmp / "data",
        broker_url=redis_url,
        api_max_header_bytes=4096,
        api_keep_alive_seconds=1,
    )
    proc, base = start_api(settings, tmp)
    try:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)
    finally:
        proc.stop()


def read_head(conn: socket.socket) -> bytes:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = conn.recv(65536)
        if not chunk:
            break
        head += chunk
    return head


@pytest.mark.parametrize(
    ("header_bytes", "status"),
    [
        pytest.param(1000, b"200", id="a-head-within-the-bound-is-served"),
        pytest.param(8000, b"400", id="a-head-past-the-bound-is-refused-before-it-ends"),
    ],
)
def test_a_request_head_larger_than_the_setting_is_refused(
    api: tuple[str, int], header_bytes: int, status: bytes
) -> None:
    """The head is sent without its end, as a slow or hostile client would: the server must
    refuse once it holds more than the bound, not wait for the rest."""
    start = b"GET /healthz HTTP/1.1\r\nHost: absah\r\nX-Padding: " + b"a" * header_bytes
    with socket.create_connection(api, timeout=10) as conn:
        conn.sendall(start)
        if status == b"200":
            conn.sendall(b"\r\nConnection: close\r\n\r\n")
        head = read_head(conn)
    assert head.split(b" ")[1] == status, head[:200]


def test_an_idle_keep_alive_connection_is_closed_by_the_server(api: tuple[str, int]) -> None:
    conn = socket.create_connection(api, timeout=10)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: absah\r\n\r\n")
    head = read_head(conn)
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    conn.settimeout(0.2)

    def closed() -> bool:
        try:
            return conn.recv(65536) == b""  # the body was in the first read; then EOF
        except TimeoutError:
            return False

    try:  # 1 s keep-alive; uvicorn's default of 5 s would miss this deadline
        wait_until(closed, 3, "the server to close the idle connection")
    finally:
        conn.close()


def test_the_proxy_config_shipped_for_compose_is_valid_nginx(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail(f"nginx is not installed; {FIX_NGINX}", pytrace=False)
    checked = subprocess.run(
        [
            nginx,
            "-t",
            "-q",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(NGINX_CONF),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
