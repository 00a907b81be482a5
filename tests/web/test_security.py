"""Security and robustness of the web app (issue: open writes, unbounded bodies, rebinding,
internal errors, concurrent saves), each a regression test of a case that was found."""

from __future__ import annotations

import json
import re
import socket
import threading
import time

import httpx
import pytest
from benchmarks.chunked_body import send_chunked, send_long_head
from fastapi.testclient import TestClient

from proxisante.errors import InputError
from proxisante.web import create_app
from proxisante.web.context import check_token
from proxisante.web.guards import host_name
from proxisante.web.server import server_config

TOKEN = "security-token-0123"
BASE = "http://127.0.0.1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "s.duckdb"
    return TestClient(create_app(token=TOKEN, store_path=str(store), eval_workers=0),
                      base_url=BASE)  # fmt: skip


@pytest.mark.parametrize("token", ["", "   ", "\t"])
def test_empty_token_refuses_to_start(token):
    with pytest.raises(InputError, match="empty"):
        create_app(token=token)


def test_token_with_spaces_refused():
    with pytest.raises(InputError, match="spaces"):
        check_token("two words")


def test_serve_with_empty_token_exits_2(monkeypatch):
    from typer.testing import CliRunner

    from proxisante.cli import app

    monkeypatch.setenv("PROXISANTE_TOKEN", "")
    r = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert r.exit_code == 2 and "token is empty" in r.output


@pytest.mark.parametrize(
    "header",
    [None, TOKEN, f"Basic {TOKEN}", f"Bearer{TOKEN}", "Bearer ", f"Bearer  {TOKEN}",
     f"Bearer {TOKEN}x", f"Token {TOKEN}", b"Bearer \xc3\xa9", "Bearer \x00"],
)  # fmt: skip
def test_strict_bearer_scheme(client, header):
    headers = {} if header is None else {"Authorization": header}
    body = {"name": "x", "edits": [{"kind": "close_sites", "sites": ["nope"]}]}
    r = client.post("/api/scenarios", json=body, headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Bearer <token>" in r.json()["error"]


def test_scheme_is_case_insensitive(client):
    r = client.get("/api/scenarios", headers={"Authorization": f"bearer {TOKEN}"})
    assert r.status_code == 200


def test_listing_scenarios_needs_the_token(client):
    assert client.get("/api/scenarios").status_code == 401
    assert client.get("/api/scenarios", headers=AUTH).status_code == 200


def test_import_without_token_changes_nothing(client):
    r = client.post("/api/offer/import/bpe", content=b"DEPCOM;TYPEQU;NB_EQUIP\n")
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("host", "ok"),
    [("127.0.0.1", True), ("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:80", True),
     ("LOCALHOST", True), ("evil.example", False), ("evil.example:8000", False), ("", False),
     ("127.0.0.1.evil.example", False), ("intranet.local", True)],
)  # fmt: skip
def test_host_allow_list(host, ok):
    c = TestClient(create_app(allowed_hosts=["intranet.local"]), base_url=BASE)
    r = c.get("/api/search", params={"q": "lens"}, headers={"Host": host})
    assert (r.status_code == 200) is ok
    if not ok:
        assert r.status_code == 400 and "not served here" in r.json()["error"]


def test_host_name():
    assert host_name("[::1]:8000") == "::1" and host_name("Example.ORG:1") == "example.org"
    assert host_name("::1") == "::1"


@pytest.mark.parametrize(
    "path", ["/api/scenarios", "/api/scenarios/evaluate", "/api/offer/import/finess",
             "/api/search?q=lens", "/", "/nowhere"],
)  # fmt: skip
@pytest.mark.parametrize("token", [True, False])
def test_chunked_body_far_over_the_limit_is_cut(live_server, path, token):
    """200 MB sent chunked (no Content-Length), with or without the token, on write and
    read routes: the server answers (413 where it reads the body, an earlier refusal where
    it does not) after reading at most a few MB (socket buffers included)."""
    headers = {"Content-Type": "application/json", **(AUTH if token else {})}
    host, port = live_server.removeprefix("http://").split(":")
    status, sent, _ = send_chunked(host, int(port), path, total=200_000_000, headers=headers,
                                   max_seconds=60)  # fmt: skip
    reads_body = (token and path.startswith("/api/scenarios")) or (
        token and path.startswith("/api/offer"))  # fmt: skip
    assert status == 413 if reads_body else status in (401, 404, 405, 413)
    assert sent < 40_000_000


@pytest.mark.parametrize("kind", ["value", "lines", "url"])
def test_request_head_is_bounded(live_server, kind):
    """A request line or headers that never end (one 50 MB value, ever more header lines,
    a 50 MB URL): 431 once past MAX_HEAD_BYTES, after reading at most a few MB (socket
    buffers included); the server answers the next request."""
    host, port = live_server.removeprefix("http://").split(":")
    status, sent, _ = send_long_head(host, int(port), total=50_000_000, kind=kind)
    assert status == 431
    assert sent < 10_000_000  # pieces after the head; the bound counts both
    r = httpx.get(live_server + "/api/search?q=lens", timeout=30)
    assert r.status_code == 200, r.text


def test_usual_heads_and_bodies_pass_the_head_bound(live_server):
    """Heads under the bound (a 30 KB cookie) and bodies of any size up to the body limit
    are not counted as head bytes."""
    r = httpx.get(live_server + "/api/search?q=lens", headers={"Cookie": "c=" + "a" * 30_000})
    assert r.status_code == 200
    body = {"name": "x" * 200_000, "edits": []}  # under the 256 kB body limit, over the head's
    r = httpx.post(live_server + "/api/scenarios/evaluate", json=body, headers=AUTH, timeout=60)
    assert r.status_code in (400, 422)  # refused for its content, not for its size


def test_content_length_over_limit_refused_before_reading(client):
    r = client.post("/api/scenarios", content=b"x" * 300_000, headers=AUTH)
    assert r.status_code == 413
    r = client.post("/api/scenarios", content=b"{}", headers={**AUTH, "Content-Length": "abc"})
    assert r.status_code in (400, 413)


def test_huge_commune_code_is_a_400(client):
    r = client.get("/api/communes/geojson", params={"codes": "62" + "1" * 5000})
    assert r.status_code == 400
    msg = r.json()["error"]
    assert "not an INSEE commune code" in msg and len(msg) < 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"name":"x","edits":[{"kind":"open_site","site":"n","name":"n","commune":"62523",'
         b'"fte":{"gp":NaN}}]}', "fte.gp"),
        (b'{"name":"x","edits":[{"kind":"open_site","site":"n","name":"n","commune":"62523",'
         b'"fte":{"gp":-1}}]}', "fte.gp"),
        (b'{"name":"x","edits":' + b"[" * 5000 + b"]" * 5000 + b"}", ""),
        (b'{"name":"x","edits":[{"kind":"close_sites","sites":["nope"]}]}', "unknown site"),
        (b'{"name":"x","edits":[{"kind":"teleport"}]}', "edit #1"),
        (b"\xff\xfe{", ""),
        (b"[1, 2]", ""),
    ],
)  # fmt: skip
def test_malformed_scenarios_are_4xx_with_a_message(client, body, expected):
    for url in ("/api/scenarios/evaluate", "/api/scenarios"):
        r = client.post(url, content=body, headers={**AUTH, "Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:200])
        assert expected in r.json()["error"] and len(r.json()["error"]) < 1000


AVION = "filieris-centre-de-sante-de-la-republique-avion"
GOOD_SCENARIO = {"name": "utf",
                 "edits": [{"kind": "close_sites", "sites": [AVION], "note": "Fermé à Avion"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "pattern"),
    [
        ("utf-16", r"request body, line 1: UTF-16 text; expected UTF-8 JSON \(RFC 8259"),
        ("utf-16-le", r"request body, line 1: NUL byte: UTF-16/UTF-32 text .*expected UTF-8"),
        ("utf-32", r"request body, line 1: UTF-32 text; expected UTF-8 JSON"),
        ("latin-1", r"request body, line 1: byte 0xE9 is not UTF-8; expected UTF-8 JSON"),
    ],
)
def test_json_bodies_must_be_utf8_like_scenario_files(client, encoding, pattern, tmp_path):
    """A scenario body in another encoding than UTF-8 is refused (400, naming the encoding
    expected) on every scenario route, as the command refuses such a scenario file; nothing
    is stored."""
    from proxisante.scenarios import load_scenario

    body = json.dumps(GOOD_SCENARIO, ensure_ascii=False).encode(encoding)
    headers = {**AUTH, "Content-Type": "application/json"}
    for url in ("/api/scenarios", "/api/scenarios/evaluate",
                "/api/scenarios/home-care?territory=62498"):  # fmt: skip
        r = client.post(url, content=body, headers=headers)
        assert r.status_code == 400, (url, r.status_code, r.text[:200])
        assert re.match(pattern, r.json()["error"]), r.json()["error"]
    assert "utf" not in client.get("/api/scenarios", headers=AUTH).json()
    f = tmp_path / "s.json"
    f.write_bytes(body)
    with pytest.raises(InputError, match="UTF-8"):  # the command's reading says the same
        load_scenario(f)


def test_utf8_body_with_byte_order_mark_accepted_as_in_files(client):
    body = b"\xef\xbb\xbf" + json.dumps(GOOD_SCENARIO, ensure_ascii=False).encode("utf-8")
    r = client.post("/api/scenarios", content=body,
                    headers={**AUTH, "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 201, r.text[:200]
    assert "utf" in client.get("/api/scenarios", headers=AUTH).json()


def test_evaluations_are_bounded(tmp_path):
    """Past ``max_pending`` evaluations in progress, the next one is refused with 503."""
    import asyncio

    from proxisante.web.evaluation import Evaluator

    release = threading.Event()

    class _IdleState:  # the evaluation world is not needed: _run is replaced below
        def warm(self, years):
            return None

    ev = Evaluator(_IdleState, workers=0, max_pending=2)
    ev._pool()
    import proxisante.web.evaluation as evaluation

    def slow(scenario_json):
        release.wait(10)
        return "ok", {"name": scenario_json}

    async def scenario():
        orig, evaluation._run = evaluation._run, slow
        try:
            a = asyncio.ensure_future(ev.evaluate("a"))
            b = asyncio.ensure_future(ev.evaluate("b"))
            same = asyncio.ensure_future(ev.evaluate("a"))  # shares the computation of "a"
            await asyncio.sleep(0.1)
            with pytest.raises(Exception) as exc:
                await ev.evaluate("c")
            release.set()
            return exc.value, await a, await b, await same
        finally:
            evaluation._run = orig

    refused, a, b, same = asyncio.run(scenario())
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert a == same == {"name": "a"} and b == {"name": "b"}
    ev.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = tmp_path_factory.mktemp("live") / "s.duckdb"
    app = create_app(token=TOKEN, store_path=str(store), eval_workers=0, max_import_bytes=1_000_000)
    server = uvicorn.Server(server_config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_concurrent_saves_under_one_name(live_server):
    """30 clients save the same name at once: every answer 201 (never 500), the last write
    is stored and every acknowledged body was a valid version of it."""
    from concurrent.futures import ThreadPoolExecutor

    def save(i: int) -> tuple[int, str]:
        body = {"name": "même nom", "description": f"v{i}",
                "edits": [{"kind": "open_site", "site": f"n{i}", "name": "n", "commune": "62523",
                           "fte": {"gp": 1 + i / 10}}]}  # fmt: skip
        r = httpx.post(live_server + "/api/scenarios", json=body, headers=AUTH, timeout=60)
        return r.status_code, body["description"]

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(save, range(30)))
    assert {s for s, _ in answers} == {201}
    names = httpx.get(live_server + "/api/scenarios", headers=AUTH).json()
    assert names.count("même nom") == 1


def test_reads_are_json_and_never_internal_errors(client):
    for url in ("/api/territory/" + "9" * 5000, "/api/sites?territory=" + "1" * 5000,
                "/territoire/" + "x" * 3000, "/download/" + "1" * 5000 + ".csv",
                "/api/search?q=" + "%00" * 100, "/api/search?q=a&limit=99999999999999999999"):  # fmt: skip
        r = client.get(url)
        assert r.status_code < 500, (url[:60], r.status_code)
        assert "Traceback" not in r.text
        if r.headers["content-type"].startswith("application/json"):
            json.loads(r.text)
