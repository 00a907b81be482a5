"""FastAPI application: French map page, territory pages, scenario editor, JSON API, downloads.

Read routes are public. Writes (saving scenarios) and scenario evaluation need the token
given to :func:`create_app` (``proxisante serve --token`` or ``PROXISANTE_TOKEN``), sent as
``Authorization: Bearer <token>`` and compared in constant time. Request bodies are limited in
size (413), downloads are generated (never read from a user-given path), errors are JSON
without stack traces.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any

import pandas as pd
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from proxisante.errors import ProxisanteError, UnknownCodeError

__all__ = ["create_app"]

log = logging.getLogger(__name__)
STATIC = {
    "leaflet.js": ("data/vendor/leaflet.js", "text/javascript"),
    "leaflet.css": ("data/vendor/leaflet.css", "text/css"),
    "choropleth.js": ("report/templates/choropleth.js", "text/javascript"),
    "app.js": ("web/static/app.js", "text/javascript"),
}
DOWNLOADS = {
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}


class SearchHit(BaseModel):
    selector: str
    label: str
    kind: str


class CommuneAPL(BaseModel):
    code_insee: str
    nom: str
    population: float | None
    apl_2023: float | None
    apl_2022: float | None
    sous_dote_2023: bool | None


class TerritorySummary(BaseModel):
    selector: str
    label: str
    communes: int
    population_2021: float
    under_served_2023: float
    under_served_2022: float
    mean_apl_2023: float
    communes_list: list[CommuneAPL]


class ScenarioImpact(BaseModel):
    name: str
    method: str
    summary: dict[str, float]
    notes: list[str]
    communes: list[dict[str, Any]] = Field(description="communes whose APL changes")


def _read_package(rel: str) -> bytes:
    return (resources.files("proxisante") / rel).read_bytes()


@lru_cache(maxsize=256)
def _territory(selector: str):
    from proxisante.territory import select

    return select(selector)


@lru_cache(maxsize=128)
def _summary(selector: str) -> TerritorySummary:
    from proxisante.territory import territory_apl_table, under_served_population

    t = _territory(selector)
    table = territory_apl_table(t.codes)
    s23, s22 = under_served_population(table, 2023), under_served_population(table, 2022)
    merged = t.communes[["code_insee", "nom", "population"]].merge(table, on="code_insee")
    rows = [
        CommuneAPL(
            code_insee=r.code_insee,
            nom=r.nom,
            population=None if pd.isna(r.population) else float(r.population),
            apl_2023=None if pd.isna(r.apl_2023) else float(r.apl_2023),
            apl_2022=None if pd.isna(r.apl_2022) else float(r.apl_2022),
            sous_dote_2023=None if pd.isna(r.sous_dote_2023) else bool(r.sous_dote_2023),
        )
        for r in merged.sort_values("apl_2023", na_position="last").itertuples()
    ]
    return TerritorySummary(
        selector=selector,
        label=t.label,
        communes=len(t),
        population_2021=s23["population"],
        under_served_2023=s23["under_served"],
        under_served_2022=s22["under_served"],
        mean_apl_2023=s23["mean_apl"],
        communes_list=rows,
    )


@lru_cache(maxsize=128)
def _geojson(selector: str) -> str:
    from proxisante.report.maps import communes_geojson
    from proxisante.territory import load_commune_geometry, territory_apl_table

    t = _territory(selector)
    table = territory_apl_table(t.codes)
    props = t.communes[["code_insee", "nom"]].merge(table[["code_insee", "apl_2023", "apl_2022"]])
    return communes_geojson(load_commune_geometry(t.codes), props)


@lru_cache(maxsize=256)
def _codes_geojson(codes: tuple[str, ...]) -> str:
    from proxisante.report.maps import communes_geojson
    from proxisante.territory import (
        check_commune_codes,
        load_commune_geometry,
        load_communes,
        territory_apl_table,
    )

    check_commune_codes(codes)
    c = load_communes()
    c = c[c["code_insee"].isin(codes)][["code_insee", "nom"]]
    table = territory_apl_table(c["code_insee"])
    props = c.merge(table[["code_insee", "apl_2023", "apl_2022"]]).assign(dans_territoire=False)
    return communes_geojson(load_commune_geometry(codes), props)


@lru_cache(maxsize=64)
def _report_html(selector: str) -> str:
    from proxisante.report import build_territory_report, render_html

    return render_html(build_territory_report(_territory(selector)))


def create_app(
    *, token: str | None = None, store_path: str | None = None, max_body_bytes: int = 256_000,
    max_import_bytes: int = 200_000_000,
) -> FastAPI:  # fmt: skip
    """Build the application (no work at import; heavy data loads lazily and is cached)."""

    @lru_cache(maxsize=1)
    def offer():
        """The offer the app works on: bundled, overlaid with the store's imports and edits
        (read once; restart the server after new imports)."""
        return _load_offer(store_path)

    @lru_cache(maxsize=1)
    def pop_by_age():
        """Population by age band imported into the store (None without a store or import)."""
        return _load_pop_by_age(store_path)

    sites_cached = lru_cache(maxsize=256)(lambda t, op: _sites(offer(), t, op))
    evaluate_cached = lru_cache(maxsize=256)(lambda sj: _evaluate(offer(), pop_by_age(), sj))

    app = FastAPI(
        title="proxisante",
        version="0.1.0",
        description="Accès aux soins de proximité : APL DREES, scénarios, plans.",
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        limit = (
            max_import_bytes
            if request.url.path.startswith("/api/offer/import/")
            else max_body_bytes
        )
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return JSONResponse(
                {"error": f"request body larger than {limit} bytes"}, status_code=413
            )
        if request.method in ("POST", "PUT", "PATCH") and length is None:
            body = await request.body()
            if len(body) > limit:
                return JSONResponse(
                    {"error": f"request body larger than {limit} bytes"}, status_code=413
                )
        return await call_next(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(UnknownCodeError)
    async def unknown(_: Request, exc: UnknownCodeError):
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(ProxisanteError)
    async def user_error(_: Request, exc: ProxisanteError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception):
        log.exception("internal error")
        return JSONResponse({"error": "internal error"}, status_code=500)

    def require_token(authorization: Annotated[str | None, Header()] = None) -> None:
        if token is None:
            raise HTTPException(403, "writes are disabled: start the server with --token")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong token (Authorization: Bearer …)")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        from proxisante.report.maps import js_classes

        page = _read_package("web/templates/index.html").decode("utf-8")
        return page.replace("__APL_CLASSES__", json.dumps(js_classes(), ensure_ascii=False))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404, "not found")
        rel, media = STATIC[name]
        return Response(
            _read_package(rel), media_type=media, headers={"Cache-Control": "public, max-age=3600"}
        )

    @app.get("/api/search", response_model=list[SearchHit])
    def search(q: str, limit: int = 10) -> list[SearchHit]:
        """Communes, EPCI and constituencies whose name or code matches ``q``."""
        return _search(q[:80], max(1, min(limit, 50)))

    @app.get("/api/territory/{selector}", response_model=TerritorySummary)
    def territory(selector: str) -> TerritorySummary:
        """Official APL 2022/2023 summary and commune table of a territory."""
        return _summary(selector[:200])

    @app.get("/api/territory/{selector}/geojson", include_in_schema=True)
    def territory_geojson(selector: str) -> Response:
        """Commune polygons with APL 2023/2022 (GeoJSON, EPSG:4326)."""
        return Response(_geojson(selector[:200]), media_type="application/geo+json")

    @app.get("/api/communes/geojson")
    def communes_geojson_route(codes: str) -> Response:
        """Polygons with APL 2023/2022 of up to 3,000 communes (comma-separated INSEE codes)."""
        wanted = tuple(sorted({c.strip().upper() for c in codes.split(",") if c.strip()}))
        if not wanted or len(wanted) > 3000:
            raise HTTPException(400, "give 1 to 3,000 comma-separated INSEE codes")
        return Response(_codes_geojson(wanted), media_type="application/geo+json")

    @app.get("/api/sites")
    def sites(territory: str, operator: str | None = None) -> list[dict[str, Any]]:
        """Health sites of a territory (bundled offer), optionally of one operator."""
        return sites_cached(territory[:200], operator)

    @app.get("/territoire/{selector}", response_class=HTMLResponse)
    def territory_page(selector: str) -> str:
        """The French report of the territory, live."""
        return _report_html(selector[:200])

    @app.get("/download/{selector}.{fmt}")
    def download(selector: str, fmt: str) -> Response:
        """The territory's commune table as CSV, GeoPackage or xlsx, or its HTML report."""
        if fmt not in DOWNLOADS or "/" in selector or ".." in selector:
            raise HTTPException(404, "not found")
        t = _territory(selector[:200])
        from proxisante.territory import load_commune_geometry, territory_apl_table

        table = t.communes[["code_insee", "nom", "population"]].merge(territory_apl_table(t.codes))
        name = "".join(ch if ch.isalnum() else "-" for ch in selector)
        if fmt == "csv":
            body: bytes = table.to_csv(index=False).encode("utf-8")
        elif fmt == "html":
            body = _report_html(selector).encode("utf-8")
        elif fmt == "xlsx":
            buf = io.BytesIO()
            table.to_excel(buf, index=False, sheet_name="APL")
            body = buf.getvalue()
        else:
            import tempfile
            from pathlib import Path

            geo = load_commune_geometry(t.codes).merge(table, on="code_insee")
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "t.gpkg"
                geo.to_file(path, layer="apl", driver="GPKG")
                body = path.read_bytes()
        disposition = f'attachment; filename="proxisante-{name}.{fmt}"'
        return Response(
            body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition}
        )

    @app.post(
        "/api/scenarios/evaluate",
        response_model=ScenarioImpact,
        dependencies=[Depends(require_token)],
    )
    def evaluate_scenario(scenario: dict[str, Any]) -> ScenarioImpact:
        """Evaluate a scenario (same JSON as the YAML files); returns the changed communes."""
        from proxisante.scenarios.io import parse_scenario

        sc = parse_scenario(scenario)
        return evaluate_cached(json.dumps(sc.model_dump(mode="json"), sort_keys=True))

    @app.post("/api/offer/import/{kind}", status_code=201, dependencies=[Depends(require_token)])
    async def import_offer(kind: str, request: Request) -> dict[str, Any]:
        """Import an official file (raw body: FINESS extract, RPPS extraction or BPE) into the
        store, in one transaction, with provenance; ``?lenient=true`` skips and reports bad rows."""
        import tempfile
        from pathlib import Path

        from proxisante.offer.importing import KINDS, import_file
        from proxisante.store import Store

        if kind not in KINDS:
            raise HTTPException(404, f"unknown import kind '{kind}'; accepted: {', '.join(KINDS)}")
        if store_path is None:
            raise HTTPException(403, "imports need a store: start the server with --store")
        lenient = request.query_params.get("lenient", "false").lower() in ("1", "true", "yes")
        body = await request.body()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload-{kind}.{'txt' if kind == 'rpps' else 'csv'}"
            path.write_bytes(body)
            with Store(store_path) as st:
                rep = import_file(kind, path, store=st, lenient=lenient)
        offer.cache_clear()
        pop_by_age.cache_clear()
        sites_cached.cache_clear()
        evaluate_cached.cache_clear()
        return {"kind": kind, "rows_stored": rep.rows_stored, "rows_skipped": rep.rows_skipped,
                "skipped": rep.skipped_summary}  # fmt: skip

    @app.post("/api/scenarios", status_code=201, dependencies=[Depends(require_token)])
    def save_scenario(scenario: dict[str, Any]) -> dict[str, str]:
        """Validate and save a scenario in the store (one transaction)."""
        from proxisante.scenarios.impact import supply_changes
        from proxisante.scenarios.io import parse_scenario
        from proxisante.store import Store

        sc = parse_scenario(scenario)
        supply_changes(sc, offer())
        with Store(store_path) as st:
            st.save_scenario(sc.name, sc.model_dump(mode="json"), overwrite=True)
        return {"saved": sc.name}

    @app.get("/api/scenarios")
    def list_scenarios() -> list[str]:
        """Names of the stored scenarios."""
        from proxisante.store import Store

        with Store(store_path) as st:
            return [r[0] for r in st.list_scenarios()]

    return app


@lru_cache(maxsize=1)
def _search_index() -> tuple[pd.DataFrame, pd.DataFrame]:
    from proxisante.territory import load_communes, normalise_name

    c = load_communes()
    c["norm"] = c["nom"].map(normalise_name)
    epci = c.drop_duplicates("epci_siren").dropna(subset=["epci_nom"]).copy()
    epci["norm"] = epci["epci_nom"].map(normalise_name)
    return c, epci


@lru_cache(maxsize=1024)
def _search(q: str, limit: int) -> list[SearchHit]:
    from proxisante.territory import normalise_name

    target = normalise_name(q)
    if len(target) < 2:
        return []
    c, epci = _search_index()
    hits = c[c["norm"].str.startswith(target) | (c["code_insee"] == q.strip())]
    hits = hits.iloc[hits["norm"].str.len().argsort()]
    out = [
        SearchHit(selector=r.code_insee, label=f"{r.nom} ({r.departement})", kind="commune")
        for r in hits.head(limit).itertuples()
    ]
    e = epci[epci["norm"].str.contains(target, regex=False)]
    out += [
        SearchHit(selector=f"epci:{r.epci_siren}", label=r.epci_nom, kind="epci")
        for r in e.head(5).itertuples()
    ]
    circ = c[c["circonscription"] == q.strip()].head(1)
    out += [
        SearchHit(
            selector=f"circo:{r.circonscription}",
            label=f"circonscription {r.circonscription}",
            kind="circo",
        )
        for r in circ.itertuples()
    ]
    return out[:limit]


def _load_offer(store_path: str | None):
    from proxisante.offer import load_default_offer

    if store_path is None:
        return load_default_offer()
    from proxisante.offer.importing import load_offer
    from proxisante.store import Store

    with Store(store_path) as st:
        return load_offer(st)


def _load_pop_by_age(store_path: str | None):
    if store_path is None:
        return None
    from proxisante.offer.importing import load_population_by_age
    from proxisante.store import Store

    with Store(store_path) as st:
        return load_population_by_age(st)


def _sites(offer, territory: str, operator: str | None) -> list[dict[str, Any]]:
    from proxisante.offer import site_supply

    t = _territory(territory)
    s = offer.select(communes=t.codes, operator=operator)
    gp = site_supply(offer).set_index("site_id")["fte"]
    s = s.assign(gp_fte=s["site_id"].map(gp))
    cols = ["site_id", "name", "category", "operator", "commune", "lat", "lon", "status", "gp_fte"]
    return [
        {k: (None if pd.isna(v) else v) for k, v in r.items()}
        for r in s[cols].to_dict(orient="records")
    ]


def _evaluate(offer, pop_by_age, scenario_json: str) -> ScenarioImpact:
    """Evaluate a (validated) scenario against ``offer`` (and the age bands, if loaded)."""
    from proxisante.scenarios.impact import evaluate
    from proxisante.scenarios.io import parse_scenario

    sc = parse_scenario(json.loads(scenario_json))
    res = evaluate(sc, offer=offer, pop_by_age=pop_by_age)
    c = res.communes[res.communes["delta_apl"] != 0]
    names = _names()
    rows = [
        {
            "code_insee": r.code_insee,
            "nom": names.get(r.code_insee, ""),
            "apl_before": float(r.apl_before),
            "apl_after": float(r.apl_after),
            "delta_apl": float(r.delta_apl),
            "population": float(r.pop_totale),
            "newly_under": bool(r.newly_under),
        }
        for r in c.sort_values("delta_apl").itertuples()
    ]
    return ScenarioImpact(
        name=sc.name, method=res.method, summary=res.summary(), notes=res.notes, communes=rows
    )


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    from proxisante.territory import load_communes

    c = load_communes()
    return dict(zip(c["code_insee"], c["nom"], strict=True))
