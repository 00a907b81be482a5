"""Pages: the French map page, static assets, territory report pages and downloads."""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse, Response

from proxisante._csv import CSV_FORMATS
from proxisante.catchment import CATCHMENT_MINUTES
from proxisante.professions import APL_PROFESSIONS, PROFESSIONS
from proxisante.report import js_classes
from proxisante.sources import COMMUNES_SOURCE, apl_source
from proxisante.web.context import WebContext, get_context
from proxisante.web.guards import selector_text
from proxisante.web.routes.territories import national_answer
from proxisante.workspace import table_bytes

__all__ = ["DOWNLOADS", "STATIC", "router"]

router = APIRouter()
Context = Annotated[WebContext, Depends(get_context)]

STATIC = {
    "leaflet.js": ("data/vendor/leaflet.js", "text/javascript"),
    "leaflet.css": ("data/vendor/leaflet.css", "text/css"),
    "choropleth.js": ("report/templates/choropleth.js", "text/javascript"),
    "app.js": ("web/static/app.js", "text/javascript"),
    "plan.js": ("web/static/plan.js", "text/javascript"),
}
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}


def _read_package(rel: str) -> bytes:
    return (resources.files("proxisante") / rel).read_bytes()


def profession_options() -> str:
    """``<option>`` of every profession with an APL (code → French plural, registry order)."""

    return "".join(
        f'<option value="{html.escape(c)}">{html.escape(PROFESSIONS[c].plural_fr)}</option>'
        for c in APL_PROFESSIONS
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(ctx: Context) -> str:

    page = _read_package("web/templates/index.html").decode("utf-8")
    page = page.replace("__WRITES__", "false" if ctx.read_only else "true")
    page = page.replace("__READ_ONLY_HIDDEN__", "" if ctx.read_only else "hidden")
    page = page.replace("__WRITES_HIDDEN__", "hidden" if ctx.read_only else "")
    page = page.replace("__NATIONAL_ANSWER__", html.escape(national_answer()))
    page = page.replace("__CATCHMENT_MINUTES__", f"{CATCHMENT_MINUTES:g}")
    page = page.replace("__PROFESSION_OPTIONS__", profession_options())
    return page.replace("__APL_CLASSES__", json.dumps(js_classes(), ensure_ascii=False))


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, "not found")
    rel, media = STATIC[name]
    return Response(
        _read_package(rel), media_type=media, headers={"Cache-Control": "public, max-age=3600"}
    )


#: Links at the top of a territory page served by the web app (not in the report file a
#: download or the CLI writes): back to the map, the territory on the map, its downloads.
_NAVIGATION = (
    '<nav id="navigation" style="font:14px Arial,sans-serif;background:#f4f4fb;'
    'border-bottom:1px solid #ccc;padding:.4rem 1rem"><style>@media print{{#navigation'
    '{{display:none}}}}</style><a href="/">← Carte de France</a> · <a href="/#{quoted}">'
    "Ce territoire sur la carte (et l'éditeur de scénarios)</a> · Télécharger : "
    '<a href="/download/{quoted}.csv">tableau CSV</a> · <a href="/download/{quoted}.xlsx">'
    'xlsx</a> · <a href="/download/{quoted}.gpkg">GeoPackage</a> · '
    '<a href="/download/{quoted}.html">ce rapport (HTML)</a></nav>'
)

#: The plan-against-no-COG button of a territory page (``static/plan.js``, computed on click).
_PLAN_BUTTON = (
    '<section id="plan-cog" style="font:14px Arial,sans-serif;padding:.4rem 1rem"></section>'
    '<script src="/static/plan.js"></script><script>window.proxisantePlan('
    'document.getElementById("plan-cog"), {selector});</script>'
)


#: The French guide of the source tree (``docs/guide.md``), shown at ``/guide``.
GUIDE = Path(__file__).resolve().parents[4] / "docs" / "guide.md"


@router.get("/guide", response_class=HTMLResponse, include_in_schema=False)
def guide() -> str:
    """The French guide (``docs/guide.md``) as a readable page; 404 when proxisante runs from
    an installed package without its source tree (the guide is in the repository's docs/)."""
    if not GUIDE.is_file():
        raise HTTPException(404, "the guide is docs/guide.md of the proxisante repository")
    text = html.escape(GUIDE.read_text(encoding="utf-8"))
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Guide de "
        "proxisante</title><meta name='viewport' content='width=device-width, initial-scale=1'>"
        "</head><body style='font-family:Arial,sans-serif;max-width:52rem;margin:1rem auto;"
        "padding:0 1rem'><p><a href='/'>← Retour à la carte</a></p><pre style='white-space:"
        f"pre-wrap;font-family:inherit;line-height:1.45'>{text}</pre></body></html>"
    )


@router.get("/territoire/{selector}", response_class=HTMLResponse)
def territory_page(selector: str, ctx: Context) -> str:
    """The French report of the territory, live, with links back to the map and to the
    territory's downloads."""
    page = ctx.report_html(selector_text(selector))
    nav = _NAVIGATION.format(quoted=html.escape(quote(selector_text(selector), safe=":,")))
    nav += _PLAN_BUTTON.format(selector=json.dumps(selector_text(selector)).replace("</", "<\\/"))
    head, body_tag, rest = page.partition("<body")
    if not body_tag:
        return nav + page
    opening, _, rest = rest.partition(">")
    return f"{head}<body{opening}>{nav}{rest}"


@router.get("/download/{selector}.{fmt}")
def download(selector: str, fmt: str, ctx: Context, csv: str = "fr") -> Response:
    """The territory's commune table as CSV, GeoPackage or xlsx, or its HTML report.

    A CSV is for French spreadsheets (« ; », decimal comma, BOM); ``?csv=international``
    gives « , », decimal point, no BOM (scripts)."""

    if fmt not in DOWNLOADS or "/" in selector or ".." in selector:
        raise HTTPException(404, "not found")
    if csv not in CSV_FORMATS:
        raise HTTPException(400, f"csv must be one of {', '.join(CSV_FORMATS)}")
    selector = selector_text(selector)
    if fmt == "html":
        body = ctx.report_html(selector).encode("utf-8")
    else:
        sources = [apl_source(2023), apl_source(2022), COMMUNES_SOURCE]
        body = table_bytes(ctx.workspace.apl_table(selector), fmt, sources=sources,
                           layer="apl" if fmt == "gpkg" else "APL", csv_format=csv)  # fmt: skip
    name = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in selector)
    disposition = f'attachment; filename="proxisante-{name}.{fmt}"'
    return Response(body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})
