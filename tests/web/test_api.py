"""Web API with FastAPI's TestClient: read routes, scenario evaluation, security."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from proxisante.web import create_app
from tests.csv_fr import read_fr_csv

TOKEN = "test-token-123"
BASE = "http://127.0.0.1"
AVION = "filieris-centre-de-sante-de-la-republique-avion"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "s.duckdb"
    return TestClient(create_app(token=TOKEN, store_path=str(store)), base_url=BASE)


def _auth():
    return {"Authorization": f"Bearer {TOKEN}"}


def test_page_and_static(client):
    r = client.get("/")
    assert r.status_code == 200 and '<html lang="fr">' in r.text and "Rechercher" in r.text
    assert "unpkg" not in r.text and "cdn" not in r.text.lower()
    assert 'id="plan-cog"' in r.text  # the territory panel's plan button (static/plan.js)
    for name in ("leaflet.js", "leaflet.css", "choropleth.js", "app.js", "plan.js"):
        assert client.get(f"/static/{name}").status_code == 200


def test_search_and_territory(client):
    hits = client.get("/api/search", params={"q": "loison sous lens"}).json()
    assert hits[0]["selector"] == "62523"
    s = client.get("/api/territory/62523").json()
    assert s["communes_list"][0]["apl_2023"] == 6.558
    assert s["communes_list"][0]["a"] == "à Loison-sous-Lens"  # for « Ajout de … ETP à … »
    circ = client.get("/api/territory/circo:12-02").json()
    assert circ["communes"] == 96 and circ["label"].startswith("Aveyron")
    geo = client.get("/api/territory/circo:12-02/geojson").json()
    assert len(geo["features"]) == 96
    sites = client.get("/api/sites", params={"territory": "dep:62", "operator": "filieris"}).json()
    assert AVION in {s["site_id"] for s in sites}
    assert "openapi" in client.get("/openapi.json").json()


def test_territory_page_and_downloads(client):
    r = client.get("/territoire/62523")
    assert r.status_code == 200 and "Loison-sous-Lens" in r.text
    assert 'id="fiche"' in r.text and "Et si" in r.text  # the mayor's one-page summary
    # the needs section: Lens bassin de vie poverty against France (the national value over
    # all communes, no longer a median of bassins), in French
    assert "Personnes âgées, maladies chroniques et prévention" in r.text
    assert "23,3" in r.text and "14,9" in r.text and "13,0" not in r.text
    assert "calculé sur toutes les communes" in r.text
    csv = client.get("/download/62523.csv")
    assert read_fr_csv(csv.content, dtype={"code_insee": str})["apl_2023"].iloc[0] == 6.558
    plain = client.get("/download/62523.csv?csv=international")
    assert (
        pd.read_csv(io.BytesIO(plain.content), dtype={"code_insee": str})["apl_2023"].iloc[0]
        == 6.558
    )
    assert client.get("/download/62523.csv?csv=excel").status_code == 400
    xlsx = client.get("/download/62523.xlsx").content
    assert xlsx[:2] == b"PK"
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None)
    assert list(sheets) == ["APL", "Sources"]  # every xlsx says where its figures come from
    assert sheets["Sources"]["Adresse"].str.contains("drees").any()
    assert client.get("/download/62523.gpkg").content[:15] == b"SQLite format 3"
    assert "<!DOCTYPE html>" in client.get("/download/circo:12-02.html").text


def test_scenario_evaluate_and_save(client):
    body = {"name": "Fermeture Avion", "edits": [{"kind": "close_sites", "sites": [AVION]}]}
    r = client.post("/api/scenarios/evaluate", json=body, headers=_auth())
    assert r.status_code == 200
    res = r.json()
    assert res["summary"]["fte_change"] == -2 and len(res["communes"]) > 0
    assert all(c["delta_apl"] < 0 for c in res["communes"])
    assert client.post("/api/scenarios", json=body, headers=_auth()).status_code == 201
    assert client.get("/api/scenarios", headers=_auth()).json() == ["Fermeture Avion"]


def test_web_evaluation_equals_the_workspace_evaluation(client, tmp_path):
    """The worker's answer is the façade's result: every changed commune with its APL,
    P10–P90 range and population, and the summary with the SSIAD (home-care) rate."""
    from proxisante.scenarios import parse_scenario
    from proxisante.workspace import Workspace

    body = {"name": "Avion et Lens", "edits": [
        {"kind": "close_sites", "sites": [AVION]},
        {"kind": "open_site", "site": "neuf", "name": "Neuf", "commune": "62498",
         "fte": {"gp": 1.5, "nurse": 2.0}},
    ]}  # fmt: skip
    r = client.post("/api/scenarios/evaluate", json=body, headers=_auth())
    assert r.status_code == 200
    web = r.json()
    res = Workspace(str(tmp_path / "fresh.duckdb")).evaluate(parse_scenario(body))
    summary = {k: None if v != v else v for k, v in res.summary().items()}  # NaN → JSON null
    assert web["summary"] == summary and web["method"] == res.method
    assert web["notes"] == res.notes and "ssiad_per_1000_after" in web["summary"]
    changed = res.communes[res.communes["delta_apl"] != 0].set_index("code_insee")
    rows = {c["code_insee"]: c for c in web["communes"]}
    assert set(rows) == set(changed.index) and len(rows) > 10
    assert [c["delta_apl"] for c in web["communes"]] == sorted(
        c["delta_apl"] for c in rows.values()
    )
    for code, c in rows.items():
        e = changed.loc[code]
        assert (c["apl_before"], c["apl_after"], c["delta_apl"], c["population"]) == (
            e["apl_before"],
            e["apl_after"],
            e["delta_apl"],
            e["pop_totale"],
        )
        assert (c["delta_apl_p10"], c["delta_apl_p90"]) == (e["delta_apl_p10"], e["delta_apl_p90"])
        assert c["newly_under"] == e["newly_under"]


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("post", "/api/scenarios/evaluate", {"json": {"name": "x", "edits": []}}, 401),
        (
            "post",
            "/api/scenarios",
            {"json": {"name": "x", "edits": []}, "headers": {"Authorization": "Bearer wrong"}},
            401,
        ),
        (
            "post",
            "/api/scenarios/evaluate",
            {
                "content": b"x" * 300_000,
                "headers": {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            },
            413,
        ),
        ("get", "/download/..%2F..%2Fetc%2Fpasswd.csv", {}, 404),
        ("get", "/download/62523.py", {}, 404),
        ("get", "/static/..%2F..%2Fpyproject.toml", {}, 404),
        ("get", "/static/%2Fetc%2Fpasswd", {}, 404),
        ("get", "/api/territory/99999", {}, 404),
        ("get", "/api/territory/foo:bar", {}, 400),
    ],
)
def test_security_and_errors(client, method, url, kwargs, status):
    r = getattr(client, method)(url, **kwargs)
    assert r.status_code == status
    assert "Traceback" not in r.text and "error" in r.json()


def test_bad_scenario_is_400_and_not_saved(client):
    bad = {"name": "bad", "edits": [{"kind": "close_sites", "sites": ["nope"]}]}
    r = client.post("/api/scenarios", json=bad, headers=_auth())
    assert r.status_code == 400 and "unknown site" in r.json()["error"]
    assert "bad" not in client.get("/api/scenarios", headers=_auth()).json()


def test_read_only_server_mounts_no_write_route():
    c = TestClient(create_app(token=None), base_url=BASE)
    for method, url in [("post", "/api/scenarios/evaluate"), ("post", "/api/scenarios"),
                        ("get", "/api/scenarios"), ("post", "/api/offer/import/bpe")]:  # fmt: skip
        r = c.request(method.upper(), url, json={"name": "x", "edits": []})
        assert r.status_code in (404, 405) and "read-only" in r.json()["error"]
    paths = c.get("/openapi.json").json()["paths"]
    assert "/api/territory/{selector}" in paths
    assert not [p for p in paths if p.startswith(("/api/scenarios", "/api/offer"))]
    assert c.get("/api/territory/62523").status_code == 200


def test_offer_import_needs_token_and_updates_sites(tmp_path):
    from tests.offer.fixtures import good_finess_lines, write_finess

    c = TestClient(create_app(token=TOKEN, store_path=str(tmp_path / "s.duckdb")), base_url=BASE)
    body = write_finess(tmp_path, good_finess_lines()).read_bytes()
    assert c.post("/api/offer/import/finess", content=body).status_code == 401
    bad = body.replace(b"620000001;750050759", b"62000001;750050759")
    r = c.post("/api/offer/import/finess", content=bad, headers=_auth())
    assert r.status_code == 400 and "field 'nofinesset'" in r.json()["error"]
    assert "620000001" not in {
        s["site_id"] for s in c.get("/api/sites", params={"territory": "62523"}).json()
    }
    r = c.post("/api/offer/import/finess", content=body, headers=_auth())
    assert r.status_code == 201 and r.json()["rows_stored"] == 3
    sites = c.get("/api/sites", params={"territory": "62523"}).json()
    assert "620000001" in {s["site_id"] for s in sites}
    assert c.post("/api/offer/import/xls", content=body, headers=_auth()).status_code == 404


def test_communes_geojson(client):
    geo = client.get("/api/communes/geojson", params={"codes": "62523,62498"}).json()
    assert {f["properties"]["code_insee"] for f in geo["features"]} == {"62523", "62498"}
    assert client.get("/api/communes/geojson", params={"codes": "99999"}).status_code == 404
    too_many = ",".join(f"{i:05d}" for i in range(1000, 4100))
    assert client.get("/api/communes/geojson", params={"codes": too_many}).status_code == 400


def test_docs_are_served_locally(client):
    page = client.get("/docs").text
    assert "/docs/static/swagger-ui-bundle.js" in page and "/docs/static/swagger-ui.css" in page
    assert "cdn" not in page.lower() and "http://" not in page and "https://" not in page
    js = client.get("/docs/static/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert "Apache License" in client.get("/docs/static/LICENSE").text
    assert client.get("/docs/static/..%2F__init__.py").status_code == 404
    assert client.get("/redoc").status_code == 404  # no CDN-backed ReDoc page


def test_national_map_and_catchment_sites(client):
    geo = client.get("/api/departements/geojson").json()
    deps = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert len(deps) == 101 and deps["62"]["nom"] == "Pas-de-Calais"
    assert deps["75"]["apl_2023"] is not None  # Paris: APL by arrondissement
    assert 0 < deps["12"]["part_sous_dotee_2023"] < 1
    sites = client.get("/api/sites", params={"territory": "62523", "within_minutes": 20}).json()
    avion = next(s for s in sites if s["site_id"] == AVION)
    assert avion["dans_territoire"] is False and 0 < avion["minutes"] <= 20
    assert (
        client.get("/api/sites", params={"territory": "62523", "within_minutes": 600}).status_code
        == 422
    )


def test_web_evaluation_uses_the_store_model_like_the_cli(tmp_path):
    """After `model calibrate` into the store, the editor's evaluations (worker processes)
    are computed on that model, as the CLI and the territory pages are, not on the bundled one."""
    from dataclasses import replace
    from datetime import datetime

    from proxisante.model.artefact import bundled_model, save_store_model
    from proxisante.scenarios import parse_scenario
    from proxisante.store import Store
    from proxisante.workspace import Workspace

    bundled = bundled_model()
    table = bundled.table.copy()
    # A distinguishable calibrated world: slower roads change every catchment, hence every
    # ΔAPL of a closure (a supply scale alone would not: the change rule is linear in it).
    slower = bundled.metadata["travel"] | {"speed_kmh": [35.0, 35.0, 35.0]}
    meta = bundled.metadata | {"model_id": "gp-apl-2023-test-store", "travel": slower,
                               "created_at": datetime.now().isoformat()}  # fmt: skip
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        save_store_model(st, replace(bundled, table=table, metadata=meta))
    body = {"name": "Avion", "edits": [{"kind": "close_sites", "sites": [AVION]}]}
    client = TestClient(create_app(token=TOKEN, store_path=str(store), eval_workers=1),
                        base_url=BASE)  # fmt: skip
    with client:
        web = client.post("/api/scenarios/evaluate", json=body, headers=_auth()).json()
    ws = Workspace(str(store))
    assert ws.stored_model().model_id == "gp-apl-2023-test-store"
    expected = ws.evaluate(parse_scenario(body)).communes.set_index("code_insee")["delta_apl"]
    bundled_world = Workspace(str(tmp_path / "fresh.duckdb")).evaluate(parse_scenario(body))
    other = bundled_world.communes.set_index("code_insee")["delta_apl"]
    rows = {c["code_insee"]: c["delta_apl"] for c in web["communes"]}
    assert rows and all(rows[code] == expected.loc[code] for code in rows)
    assert any(abs(rows[code] - other.loc[code]) > 1e-6 for code in rows)


def test_departures_of_other_professions_in_the_web_answer(client):
    """A departures edit (the editor's « Départs ») and each profession's access in the answer."""
    body = {"name": "Départs", "edits": [
        {"kind": "departures", "commune": "62523", "profession": "nurse", "count": 3},
        {"kind": "change_staff", "site": AVION, "profession": "nurse", "delta_fte": -1.0},
    ]}  # fmt: skip
    r = client.post("/api/scenarios/evaluate", json=body, headers=_auth())
    assert r.status_code == 200, r.text
    prof = {p["profession"]: p for p in r.json()["professions"]}
    assert set(prof) == {"nurse", "physiotherapist", "midwife", "dentist"}
    nurse = prof["nurse"]
    assert nurse["status"] == "estimé" and nurse["fte_change"] == -4.0
    assert nurse["after"] < nurse["before"] and nurse["communes"][0]["delta"] < 0
    assert (
        prof["dentist"]["communes"] == [] and prof["dentist"]["after"] == prof["dentist"]["before"]
    )
    page = client.get("/").text
    assert '<option value="physiotherapist">masseurs-kinésithérapeutes</option>' in page
    too_many = {"name": "x", "edits": [
        {"kind": "departures", "commune": "62523", "profession": "nurse", "count": 99}]}  # fmt: skip
    bad = client.post("/api/scenarios/evaluate", json=too_many, headers=_auth())
    assert bad.status_code == 400 and "but 15 are known there" in bad.text


def test_territory_zoning_and_world_without_a_cog(client):
    circ = client.get("/api/territory/circo:12-02").json()
    assert circ["under_served_zoning_2023"] == 34_167  # APL of GPs under 65 < 2.5
    assert "34\u202f167 selon l'APL des médecins généralistes de moins de 65 ans" in circ["answer"]
    rouquette = next(c for c in circ["communes_list"] if c["code_insee"] == "12205")
    assert rouquette["zonage_2023"].startswith("type ZIP")
    geo = client.get("/api/territory/circo:12-02/geojson").json()
    props = next(f["properties"] for f in geo["features"]
                 if f["properties"]["code_insee"] == "12205")  # fmt: skip
    assert props["zonage"].startswith("type ZIP") and props["apl_moins65_2023"] == 2.111
    rows = client.get("/api/territory/circo:12-02/sans-cog").json()
    assert [r["année"] for r in rows] == [2025, 2026, 2027, 2028]
    for r in rows:
        z = r["habitants sous 2,5 (APL zonage) sans COG (estimé)"]
        assert r["bas (APL zonage)"] <= z <= r["haut (APL zonage)"]
        assert r["ancrage officiel : habitants sous 2,5, APL des moins de 65 ans"] == 34_167
    assert client.get("/api/territory/foo:bar/sans-cog").status_code == 400


def test_national_answer_counts_the_zoning_apl_too():
    """The home page's answer gives the all-ages count and the zoning APL's (GPs under 65),
    each saying which APL it counts."""
    from proxisante import _fr as fr
    from proxisante.territory import load_official_apl
    from proxisante.web.routes.territories import national_answer

    apl = load_official_apl(2023)
    apl = apl[apl["in_current_geography"]]
    zoning = apl.loc[apl["apl_generalistes_moins65"] < 2.5, "pop_totale"].sum()
    answer = national_answer()
    assert f"{fr.fmt_int(zoning)} (" in answer and "moins de 65 ans" in answer
    assert "type ZIP" in answer
