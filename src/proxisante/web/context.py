"""What every route works on: the :class:`WebContext` (workspace, token, caches), the token
check, the body-size limit and the JSON error handlers.

:func:`configure` installs them on an application, so a router can be tested alone on a
small app (``configure(FastAPI(), context); app.include_router(router)``).
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any

import pandas as pd
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from proxisante.errors import ProxisanteError, UnknownCodeError
from proxisante.web.schemas import ScenarioImpact
from proxisante.workspace import Workspace

__all__ = ["WebContext", "configure", "get_context", "require_token"]

log = logging.getLogger(__name__)


@dataclass
class WebContext:
    """The application's state: its workspace, write token and request limits.

    Results that depend on the store's offer are cached here and dropped by
    :meth:`refresh` after an import.
    """

    workspace: Workspace
    token: str | None = None
    max_body_bytes: int = 256_000
    max_import_bytes: int = 200_000_000
    _caches: list[Any] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.sites = self._cached(self._sites, 256)
        self.evaluate_json = self._cached(self._evaluate_json, 256)
        self.report_html = self._cached(self._report_html, 64)

    def _cached(self, func, size: int):
        wrapped = lru_cache(maxsize=size)(func)
        self._caches.append(wrapped)
        return wrapped

    @property
    def has_store(self) -> bool:
        return self.workspace.use_store

    def refresh(self) -> None:
        """Forget the store's data and every result computed from it."""
        self.workspace.refresh()
        for c in self._caches:
            c.cache_clear()

    def _sites(self, territory: str, operator: str | None) -> list[dict[str, Any]]:
        s = self.workspace.sites(territory, operator=operator)
        cols = ["site_id", "name", "category", "operator", "commune", "lat", "lon", "status",
                "gp_fte"]  # fmt: skip
        return [
            {k: (None if pd.isna(v) else v) for k, v in r.items()}
            for r in s[cols].to_dict(orient="records")
        ]

    def _report_html(self, selector: str) -> str:
        """The French report of a territory (HTML page)."""
        from proxisante.report import build_territory_report, render_html
        from proxisante.report.briefing_section import briefing_sections

        t = self.workspace.territory(selector)
        rep = build_territory_report(t, neighbours=self.workspace.report_neighbours(t))
        rep.sections[:0] = briefing_sections(self.workspace.briefing(t))
        return render_html(rep)

    def _evaluate_json(self, scenario_json: str) -> ScenarioImpact:
        """Evaluate a (validated) scenario given as canonical JSON."""
        from proxisante.scenarios import parse_scenario
        from proxisante.territory import load_communes

        sc = parse_scenario(json.loads(scenario_json))
        res = self.workspace.evaluate(sc)
        c = res.communes[res.communes["delta_apl"] != 0]
        names = load_communes().set_index("code_insee")["nom"]
        rows = [
            {
                "code_insee": r.code_insee,
                "nom": str(names.get(r.code_insee, "")),
                "apl_before": float(r.apl_before),
                "apl_after": float(r.apl_after),
                "delta_apl": float(r.delta_apl),
                "population": float(r.pop_totale),
                "newly_under": bool(r.newly_under),
            }
            for r in c.sort_values("delta_apl").itertuples()
        ]
        return ScenarioImpact(name=sc.name, method=res.method, summary=res.summary(),
                              notes=res.notes, communes=rows)  # fmt: skip


def get_context(request: Request) -> WebContext:
    """The :class:`WebContext` of the application serving ``request``."""
    return request.app.state.context


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need ``Authorization: Bearer <token>`` (compared in constant time)."""
    token = get_context(request).token
    if token is None:
        raise HTTPException(403, "writes are disabled: start the server with --token")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong token (Authorization: Bearer …)")


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request body larger than {limit} bytes"}, status_code=413)


def configure(app: FastAPI, context: WebContext) -> FastAPI:
    """Attach ``context``, the body-size limit and the JSON error handlers to ``app``."""
    app.state.context = context

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        limit = (
            context.max_import_bytes
            if request.url.path.startswith("/api/offer/import/")
            else context.max_body_bytes
        )
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return _too_large(limit)
        if request.method in ("POST", "PUT", "PATCH") and length is None:
            body = await request.body()
            if len(body) > limit:
                return _too_large(limit)
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

    return app
