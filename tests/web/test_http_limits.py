"""The HTTP limits as documented, on the real server (uvicorn + the bounded httptools
protocol): the head bound whatever the sending pattern, JSON for the parser's own refusals,
one Host header, origin-form request targets only."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from fastapi.testclient import TestClient

from proxisante.web import create_app
from proxisante.web.server import MAX_HEAD_BYTES
from tests.web.test_security import live_server  # noqa: F401  (the module's server)


def _raw(server: str, request: bytes) -> tuple[int, dict]:
    """Send raw bytes in one piece; (status, JSON body) of the answer."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and b"content-length:" in head.lower():
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert b"content-type: application/json" in head.lower(), data[:300]
    error = json.loads(body)["error"]
    assert isinstance(error, str) and "\n" not in error
    return status, json.loads(body)


def test_a_70_kb_head_in_one_piece_gets_431_json(live_server):  # noqa: F811
    big = b"a" * 70_000
    status, body = _raw(live_server, b"GET /api/search?q=lens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"X-Big: " + big + b"\r\n\r\n")  # fmt: skip
    assert status == 431 and str(MAX_HEAD_BYTES) in body["error"]
    status, body = _raw(live_server, b"GET /api/search?q=" + big + b" HTTP/1.1\r\n"
                        b"Host: 127.0.0.1\r\n\r\n")  # fmt: skip
    assert status == 431
    # pipelined: a small request then a big one, in one piece
    status, _ = _raw(live_server, b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                     b"GET /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + big + b"\r\n\r\n")  # fmt: skip
    assert status in (404, 431)  # the first answer; the second is refused before the app
    assert httpx.get(live_server + "/api/search?q=lens", timeout=30).status_code == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        b"POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        b"POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
        + b"1"
        + b"0" * 30
        + b"\r\n\r\n",
        b"POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        b"garbage\r\n\r\n",
        b"GET / HTTP/9.9 extra\r\n\r\n",
        b"\x00\x01\x02\r\n\r\n",
    ],
    ids=["cl-abc", "cl-negative", "cl-1e30", "cl-and-chunked", "garbage", "bad-version", "binary"],
)
def test_malformed_requests_get_400_json(live_server, request_bytes):  # noqa: F811
    status, body = _raw(live_server, request_bytes)
    assert status == 400 and body["error"].startswith("invalid HTTP request")


def test_two_host_headers_and_absolute_form_are_refused(live_server):  # noqa: F811
    status, body = _raw(live_server, b"GET /api/search?q=lens HTTP/1.1\r\nHost: evil.example\r\n"
                        b"Host: 127.0.0.1\r\n\r\n")  # fmt: skip
    assert status == 400 and "2 Host headers" in body["error"]
    status, body = _raw(live_server, b"GET http://evil.example/api/search?q=lens HTTP/1.1\r\n"
                        b"Host: 127.0.0.1\r\n\r\n")  # fmt: skip
    assert status == 400 and "origin form" in body["error"]
    status, body = _raw(live_server, b"GET http://127.0.0.1/api/search?q=lens HTTP/1.1\r\n"
                        b"Host: 127.0.0.1\r\n\r\n")  # fmt: skip
    assert status == 400  # even to this host: a path only


def test_two_host_headers_refused_by_the_application_too(tmp_path):
    """The guard is in the application (any server), not only in the protocol."""
    app = create_app(token=None, store_path=str(tmp_path / "s.duckdb"), eval_workers=0)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    r = client.get("/api/search?q=lens", headers=[("Host", "evil.example"), ("Host", "127.0.0.1")])
    assert r.status_code == 400 and "Host headers" in r.json()["error"]


def test_long_selectors_are_refused_not_cut(tmp_path):
    app = create_app(token=None, store_path=str(tmp_path / "s.duckdb"), eval_workers=0)
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    codes = ",".join(["62523"] * 40)  # 239 characters
    for url in (f"/api/territory/{codes}", f"/api/sites?territory={codes}",
                f"/territoire/{codes}", f"/download/{codes}.csv"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 400 and "at most 200" in r.json()["error"], (url, r.text)
    assert client.get("/api/territory/" + ",".join(["62523"] * 2)).status_code == 200
