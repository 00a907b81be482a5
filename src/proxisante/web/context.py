"""What every route works on: the :class:`WebContext` (workspace, token, limits, caches,
evaluator), the token check, the request guards and the JSON error handlers.

:func:`configure` installs them on an application, so a router can be tested alone on a
small app (``configure(FastAPI(), context); app.include_router(router)``).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any

import pandas as pd
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from proxisante.errors import InputError, ProxisanteError, StoreConflictError, UnknownCodeError
from proxisante.report import render_html, territory_report
from proxisante.web.evaluation import DEFAULT_MAX_PENDING, Evaluator
from proxisante.web.guards import LOOPBACK_HOSTS, RequestGuard
from proxisante.web.home_care import home_care_json
from proxisante.web.plan_versus import PlanGate, plan_versus_json
from proxisante.workspace import Workspace, commune_names, neighbours_within, parse_scenario

__all__ = ["IMPORT_PREFIX", "WebContext", "check_token", "configure", "get_context",
           "require_token"]  # fmt: skip

log = logging.getLogger(__name__)

#: Path prefix of the import routes (their bodies may be larger).
IMPORT_PREFIX = "/api/offer/import/"
#: Paths of the routes that need the token (not mounted on a read-only server).
WRITE_PATHS = ("/api/scenarios", "/api/offer/")


def check_token(token: str | None) -> str | None:
    """A usable write token, or ``None`` (read-only).

    Raises
    ------
    InputError
        The token is empty or contains spaces or control characters: a server started
        with it would either open its writes to anyone or refuse every client.
    """
    if token is None:
        return None
    if not token.strip():
        msg = ("the write token is empty: give a non-empty token (--token or PROXISANTE_TOKEN), "
               "or none at all for a read-only server")  # fmt: skip
        raise InputError(msg)
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        msg = "the write token contains spaces or control characters; use printable characters"
        raise InputError(msg)
    return token


@dataclass
class WebContext:
    """The application's state: its workspace, write token, request limits and evaluator.

    Results that depend on the store's offer are cached here and dropped by
    :meth:`refresh` after an import. ``token=None`` is a read-only server (no write
    route is mounted); an empty token is refused (:func:`check_token`).
    """

    workspace: Workspace
    token: str | None = None
    max_body_bytes: int = 256_000
    max_import_bytes: int = 200_000_000
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    eval_workers: int | None = None
    max_pending_evaluations: int = DEFAULT_MAX_PENDING
    _caches: list[Any] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.token = check_token(self.token)
        self.sites = self._cached(self._sites, 256)
        self.report_html = self._cached(self._report_html, 64)
        self.evaluator = Evaluator(
            self.workspace.evaluation_state,
            workers=self.eval_workers,
            max_pending=self.max_pending_evaluations,
        )
        #: Serialises this server's writes (scenario saves, imports) and the refresh after.
        self.write_lock = threading.Lock()
        self.search = self._cached(self.workspace.search, 1024)
        self.home_care = self._cached(self._home_care, 128)
        #: One plan solved at a time (:class:`~proxisante.web.plan_versus.PlanGate`)
        self.plan_gate = PlanGate()
        self.plan_versus = self._cached(self._plan_versus, 32)
        #: The workspace's generation the caches were filled from (:meth:`sync`)
        self._generation = self.workspace.generation

    def _cached(self, func, size: int):
        wrapped = lru_cache(maxsize=size)(func)
        self._caches.append(wrapped)
        return wrapped

    @property
    def has_store(self) -> bool:
        return self.workspace.use_store

    @property
    def read_only(self) -> bool:
        return self.token is None

    def refresh(self) -> None:
        """Forget the store's data and every result computed from it."""
        self.workspace.refresh()
        self._forget()

    def _forget(self) -> None:
        for c in self._caches:
            c.cache_clear()
        self.evaluator.refresh()
        self._generation = self.workspace.generation

    def sync(self) -> None:
        """Drop the cached results when the store changed under the server (an ``offer
        edit`` or an import from the command line): :meth:`Workspace.sync
        <proxisante.workspace.Workspace.sync>`, a ``stat`` of the file while unchanged."""
        self.workspace.sync()
        if self.workspace.generation != self._generation:
            self._forget()

    def warm_up(self) -> None:
        """Start the evaluation workers (a server with writes), then load the model world of
        the territory pages and the needs layer of the pages and of the editor's home-care
        answers (a first build takes seconds)."""
        if not self.read_only:
            self.evaluator.start()
        self.workspace.model_baseline()
        self.workspace.needs()

    def _sites(self, territory: str, operator: str | None,
               within_minutes: float | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Sites of the territory, and with ``within_minutes`` also the sites of the
        communes within that estimated car time of it (``minutes`` from the territory,
        ``dans_territoire`` False); centres de santé of unknown GP staff with the model's
        estimate (``gp_fte_estimated`` and its range, « estimé »)."""

        t = self.workspace.territory(territory)
        s = self.workspace.sites(t, operator=operator).assign(minutes=0.0, dans_territoire=True)
        if within_minutes:
            near = neighbours_within(t, within_minutes).set_index("code_insee")
            around = self.workspace.sites(None, operator=operator)
            around = around[around["commune"].isin(near.index)]
            around = around.assign(minutes=around["commune"].map(near["minutes_estimees"]),
                                   dans_territoire=False)  # fmt: skip
            s = pd.concat([s, around.sort_values("minutes")], ignore_index=True)
        s = s.merge(self.workspace.gp_staff_estimates(s), on="site_id", how="left")
        cols = ["site_id", "name", "category", "operator", "commune", "lat", "lon", "status",
                "capacity_places", "gp_fte", "gp_fte_estimated", "gp_fte_low", "gp_fte_high",
                "minutes", "dans_territoire"]  # fmt: skip
        return [
            {k: (None if pd.isna(v) else v) for k, v in r.items()}
            for r in s[cols].to_dict(orient="records")
        ]

    def _home_care(self, scenario_json: str, selector: str) -> dict[str, Any]:
        """Home care and prevention before/after a validated scenario (canonical JSON) over a
        territory, per commune and in total (:func:`proxisante.web.home_care.home_care_json`)."""

        t = self.workspace.territory(selector)
        change = self.workspace.scenario_home_care(parse_scenario(json.loads(scenario_json)), t)
        names = commune_names()
        return home_care_json(change, label=t.label,
                              names={c: names.get(c, float("nan")) for c in t.codes})  # fmt: skip

    def _plan_versus(self, selector: str, from_year: int, to_year: int) -> dict[str, Any]:
        """The plan of ``plan cog -t selector`` against no COG, per year
        (:func:`~proxisante.web.plan_versus.plan_versus_json`), kept until the store changes."""
        return plan_versus_json(self.workspace, selector, from_year, to_year, self.plan_gate)

    def _report_html(self, selector: str) -> str:
        """The French report of a territory (HTML page): the CLI ``report`` command's report
        (:func:`proxisante.report.territory_report`), same world, same figures."""

        return render_html(territory_report(self.workspace, selector))


def get_context(request: Request) -> WebContext:
    """The :class:`WebContext` of the application serving ``request``, its caches in step
    with the store (:meth:`WebContext.sync`)."""
    context = request.app.state.context
    context.sync()
    return context


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need ``Authorization: Bearer <token>``: the scheme is required (RFC 6750, any
    case), the token is compared in constant time; anything else is HTTP 401."""
    token = get_context(request).token
    if token is None:  # routes needing a token are not mounted then; kept for small apps
        raise HTTPException(403, "writes are disabled: start the server with --token")
    scheme, _, given = (authorization or "").partition(" ")
    ok = scheme.lower() == "bearer" and given != ""
    # compare even when the scheme is wrong, so the answer takes the same time
    same = hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))
    if not (ok and same):
        raise HTTPException(401, "missing or wrong token (expected the header "
                            "'Authorization: Bearer <token>')",
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


#: HTTP status of each user-facing error type (the most specific class wins).
_ERROR_STATUS: dict[type[ProxisanteError], int] = {
    StoreConflictError: 409,
    UnknownCodeError: 404,
    ProxisanteError: 400,
}


def _user_error_handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=status)

    return handler


def configure(app: FastAPI, context: WebContext) -> FastAPI:
    """Attach ``context``, the request guards (Host allow-list, streaming body limit) and
    the JSON error handlers to ``app``."""
    app.state.context = context
    app.add_middleware(
        RequestGuard, allowed_hosts=context.allowed_hosts, max_body_bytes=context.max_body_bytes,
        body_limits={IMPORT_PREFIX: context.max_import_bytes},
    )  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail
        path = request.url.path
        if context.read_only and exc.status_code in (404, 405) and path.startswith(WRITE_PATHS):
            detail = "writes are disabled: this server is read-only (start it with --token)"
        return JSONResponse({"error": detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError):
        return JSONResponse({"error": _validation_text(exc)}, status_code=422)

    # Starlette picks the handler of the most specific class, so subclasses keep their status.
    for error_type, status in _ERROR_STATUS.items():
        app.add_exception_handler(error_type, _user_error_handler(status))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception):
        log.exception("internal error")
        return JSONResponse({"error": "internal error"}, status_code=500)

    return app


def _validation_text(exc: RequestValidationError) -> str:
    """One line naming the fields FastAPI refused (no echo of the values)."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(x)[:40] for x in err.get("loc", ()))
        parts.append(f"{where or 'request'}: {str(err.get('msg', 'invalid'))[:200]}")
    more = len(exc.errors()) - 3
    return "invalid request: " + "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")
