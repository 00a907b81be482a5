"""Each router alone on a small app: it needs only its context, not the whole application."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from proxisante.web import WebContext, configure
from proxisante.web.routes import offer_router, pages_router, scenarios_router, territories_router
from proxisante.workspace import Workspace

TOKEN = "router-token"


def _client(router, *, store=None, token: str | None = TOKEN) -> TestClient:
    ws = Workspace(store, use_store=store is not None)
    app = configure(FastAPI(), WebContext(ws, token=token, eval_workers=0))
    app.include_router(router)
    return TestClient(app, base_url="http://127.0.0.1")


def test_pages_router_alone():
    c = _client(pages_router)
    assert '<html lang="fr">' in c.get("/").text
    assert c.get("/static/app.js").status_code == 200
    assert c.get("/static/nope.js").json() == {"error": "not found"}
    assert c.get("/download/62523.csv").text.startswith("\ufeffcode_insee;nom;population")
    assert c.get("/api/search", params={"q": "lens"}).status_code == 404  # not this router


def test_territories_router_alone():
    c = _client(territories_router)
    hits = c.get("/api/search", params={"q": "loison sous lens"}).json()
    assert hits[0] == {"selector": "62523", "label": "Loison-sous-Lens (62) — commune",
                       "kind": "commune", "exact": True}  # fmt: skip
    assert c.get("/api/territory/62523").json()["communes"] == 1
    assert c.get("/api/territory/99999").status_code == 404
    sites = c.get("/api/sites", params={"territory": "62523"}).json()
    assert all(s["commune"] == "62523" for s in sites)
    assert c.get("/").status_code == 404


def test_scenarios_router_alone(tmp_path):
    c = _client(scenarios_router, store=tmp_path / "s.duckdb")
    body = {"name": "vide", "edits": [{"kind": "close_sites", "sites": ["nope"]}]}
    assert c.post("/api/scenarios", json=body).status_code == 401
    r = c.post("/api/scenarios", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and "unknown site" in r.json()["error"]
    assert c.get("/api/scenarios").status_code == 401
    assert c.get("/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"}).json() == []


def test_scenarios_router_without_store_refuses_saving():
    c = _client(scenarios_router)
    body = {"name": "x", "edits": [{"kind": "close_sites", "sites": ["nope"]}]}
    r = c.post("/api/scenarios", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "--store" in r.json()["error"]
    assert c.get("/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"}).json() == []


@pytest.mark.parametrize("store", [None, "s.duckdb"])
def test_offer_router_alone(tmp_path, store):
    c = _client(offer_router, store=None if store is None else tmp_path / store)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert c.post("/api/offer/import/xls", content=b"x", headers=auth).status_code == 404
    r = c.post("/api/offer/import/finess", content=b"x", headers=auth)
    assert r.status_code == (403 if store is None else 400)
    assert "error" in r.json()
