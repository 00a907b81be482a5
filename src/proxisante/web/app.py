"""FastAPI application: French map page, territory pages, scenario editor, JSON API, downloads.

Read routes are public. Writes (saving scenarios, imports) and scenario evaluation need the
token given to :func:`create_app` (``proxisante serve --token`` or ``PROXISANTE_TOKEN``), sent
as ``Authorization: Bearer <token>`` and compared in constant time. Request bodies are
limited in size (413), downloads are generated (never read from a user-given path), errors
are JSON without stack traces. The routes live in :mod:`proxisante.web.routes`, one router
per concern, over a :class:`~proxisante.workspace.Workspace`.
"""

from __future__ import annotations

from fastapi import FastAPI

from proxisante.web.context import WebContext, configure
from proxisante.web.routes import ROUTERS
from proxisante.workspace import Workspace

__all__ = ["create_app"]


def create_app(
    *, token: str | None = None, store_path: str | None = None, max_body_bytes: int = 256_000,
    max_import_bytes: int = 200_000_000,
) -> FastAPI:  # fmt: skip
    """Build the application (no work at import; heavy data loads lazily and is cached).

    Parameters
    ----------
    token
        Token for writes and evaluations (``None``: read-only).
    store_path
        Store the offer is read from and imports and scenarios are written to (``None``:
        the bundled data only, no writes).
    max_body_bytes, max_import_bytes
        Largest request body accepted (imports: the second), else HTTP 413.
    """
    workspace = Workspace(store_path, use_store=store_path is not None)
    context = WebContext(workspace, token=token, max_body_bytes=max_body_bytes,
                         max_import_bytes=max_import_bytes)  # fmt: skip
    app = FastAPI(
        title="proxisante",
        version="0.1.0",
        description="Accès aux soins de proximité : APL DREES, scénarios, plans.",
    )
    configure(app, context)
    for router in ROUTERS:
        app.include_router(router)
    return app
