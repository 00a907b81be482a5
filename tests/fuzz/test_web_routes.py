"""Fuzz campaign, web part: malformed inputs generated for every route of the OpenAPI
description (path and query parameters, JSON bodies, raw bodies), with and without the
token. Every answer must be a JSON error or a page, never a 5xx nor a stack trace, and a
refused write must leave the stored scenarios unchanged."""

from __future__ import annotations

import itertools
import json
import math
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxisante.web import create_app

TOKEN = "fuzz-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))  # fmt: skip

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789", min_size=4400, max_size=6000),  # past int()'s 4,300 digits
    st.sampled_from(["..", "../../etc/passwd", "%00", "\x00", "62523,", ",,,", "dep:", "circo:99-99",
                     "epci:" + "9" * 300, "name:" + "é" * 300, "2A004", "97", "62523" * 600,
                     "<script>alert(1)</script>", "NaN", "-1", "1e309", "﻿62523"]),
)  # fmt: skip

HUGE_INT = "HUGE_INT"  # written as a 5,000-digit integer in the body
VALID = {"name": "fuzz", "edits": [{"kind": "open_site", "site": "n", "name": "n",
                                    "commune": "62523", "fte": {"gp": 1.5}}]}  # fmt: skip
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                      st.floats(allow_nan=True, allow_infinity=True),
                      st.just(HUGE_INT))  # fmt: skip
JSON = st.recursive(JSON_LEAF, lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=20)  # fmt: skip


@st.composite
def mutated_scenario(draw) -> dict:
    """A valid scenario with one value replaced by something malformed."""
    body = json.loads(json.dumps(VALID))
    edit = body["edits"][0]
    where = draw(st.sampled_from(["name", "edits", "kind", "commune", "fte", "gp", "site", "extra",
                                 "deep"]))  # fmt: skip
    value = draw(JSON)
    if where in ("name", "edits"):
        body[where] = value
    elif where == "gp":
        edit["fte"]["gp"] = draw(st.one_of(JSON, st.sampled_from([math.nan, math.inf, -math.inf,
                                                                   1e308, -0.0, 10**400])))  # fmt: skip
    elif where == "extra":
        edit[draw(st.text(max_size=10))] = value
    elif where == "deep":
        nest: object = 1
        for _ in range(draw(st.integers(10, 3000))):
            nest = [nest]
        edit["fte"] = nest
    else:
        edit[where] = value
    return body


def _encode(body) -> bytes:
    try:
        text = json.dumps(body, allow_nan=True)
    except RecursionError:  # deeper than json can write
        return b'{"name": "x", "edits": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return text.replace(f'"{HUGE_INT}"', "9" * 5000).encode()


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory):
    store = tmp_path_factory.mktemp("fuzz") / "s.duckdb"
    app = create_app(token=TOKEN, store_path=str(store), eval_workers=0)
    return app, TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


def _check(r, what: str) -> None:
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:200]}"
    assert "Traceback" not in r.text and 'File "' not in r.text, what
    if r.status_code >= 400:
        msg = r.json()["error"]
        assert isinstance(msg, str) and 0 < len(msg) < 1000, what


def _routes(app) -> list[tuple[str, str, list[str], list[str]]]:
    spec = app.openapi()
    out = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            out.append((method.upper(), path, [p["name"] for p in params if p["in"] == "path"],
                        [p["name"] for p in params if p["in"] == "query"]))  # fmt: skip
    return out


def test_openapi_lists_the_routes(app_and_client):
    paths = {p for _, p, _, _ in _routes(app_and_client[0])}
    assert {
        "/api/territory/{selector}",
        "/api/communes/geojson",
        "/api/scenarios/evaluate",
        "/api/scenarios",
        "/api/offer/import/{kind}",
        "/download/{selector}.{fmt}",
    } <= paths


def _get(client, path: str, path_params: list[str], query_params: list[str], values) -> None:
    """GET ``path`` with the next of ``values`` in each path and query parameter."""
    url = path
    for p in path_params:
        url = url.replace("{" + p + "}", quote(next(values)[:6000], safe="") or "x")
    r = client.get(url, params={q: next(values) for q in query_params})
    _check(r, f"GET {path}")


def _get_routes(app) -> list[tuple[str, list[str], list[str]]]:
    return [(path, pp, qp) for method, path, pp, qp in _routes(app) if method == "GET"]


# A fixed budget of generated requests, each to one GET route drawn with its parameters
# (an unknown name's suggestions compare it with a bounded set of names, a few tens of ms).
@settings(SETTINGS, max_examples=24)
@given(data=st.data())
def test_parameters_of_every_route(app_and_client, data):
    app, client = app_and_client
    path, path_params, query_params = data.draw(st.sampled_from(_get_routes(app)))
    n = len(path_params) + len(query_params)
    values = iter(data.draw(st.lists(NASTY, min_size=n, max_size=n)))
    _get(client, path, path_params, query_params, values)


@pytest.mark.parametrize("value", ["9" * 5000, "../../etc/passwd\x00<script>"])
def test_every_get_route_refuses_the_worst_values(app_and_client, value):
    """Whatever the draws above pick, every GET route gets past-int()-limit digits and a
    traversal with NUL and markup, in every parameter."""
    app, client = app_and_client
    for path, path_params, query_params in _get_routes(app):
        _get(client, path, path_params, query_params, itertools.repeat(value))


@SETTINGS
@given(body=mutated_scenario(), auth=st.booleans())
def test_scenario_bodies(app_and_client, body, auth):
    _, client = app_and_client
    before = client.get("/api/scenarios", headers=AUTH).json()
    for url in ("/api/scenarios/evaluate", "/api/scenarios"):
        r = client.post(url, content=_encode(body), headers={
            "Content-Type": "application/json", **(AUTH if auth else {})})  # fmt: skip
        _check(r, f"POST {url}")
        if not auth:  # refused: unreadable bodies may be named before the missing token
            assert r.status_code in (400, 401, 422)
    if not auth:
        assert client.get("/api/scenarios", headers=AUTH).json() == before


@SETTINGS
@given(
    raw=st.binary(max_size=2000), kind=st.sampled_from(["finess", "rpps", "bpe", "pop-age", "x"])
)
def test_raw_bodies_on_write_routes(app_and_client, raw, kind):
    _, client = app_and_client
    for url in ("/api/scenarios/evaluate", "/api/scenarios", f"/api/offer/import/{kind}"):
        r = client.post(url, content=raw, headers=AUTH)
        _check(r, f"POST {url}")
