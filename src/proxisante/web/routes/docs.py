"""API documentation: Swagger UI served from the locally installed ``swagger-ui-py`` package
(no CDN: the page works offline)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

__all__ = ["DOCS_ASSETS", "router"]

router = APIRouter(include_in_schema=False)

#: Swagger UI files served under /docs/static/ (from the ``swagger_ui`` package's static/).
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "LICENSE": "text/plain",
}


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI of the application's OpenAPI description."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title="proxisante — API",
        swagger_js_url="/docs/static/swagger-ui-bundle.js",
        swagger_css_url="/docs/static/swagger-ui.css",
        swagger_favicon_url="/docs/static/favicon-32x32.png",
    )  # fmt: skip


@router.get("/docs/static/{name}")
def docs_asset(name: str) -> Response:
    if name not in DOCS_ASSETS:
        raise HTTPException(404, "not found")
    data = (resources.files("swagger_ui") / "static" / name).read_bytes()
    return Response(data, media_type=DOCS_ASSETS[name],
                    headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip
