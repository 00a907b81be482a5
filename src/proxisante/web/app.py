"""FastAPI application: French map page, territory pages, scenario editor, JSON API, downloads.

Read routes are public. The routes that write or evaluate (saving and listing scenarios,
scenario evaluation, imports) exist only on a server started with a token
(``proxisante serve --token`` or ``PROXISANTE_TOKEN``); they need
``Authorization: Bearer <token>``, compared in constant time. An empty token is refused.
Every request passes the guards of :mod:`proxisante.web.guards` (Host allow-list against
DNS rebinding, streaming body limit), scenario evaluations run in worker processes
(:mod:`proxisante.web.evaluation`), downloads are generated (never read from a user-given
path), errors are JSON without stack traces. The routes live in :mod:`proxisante.web.routes`,
one router per concern, over a :class:`~proxisante.workspace.Workspace`. Limits and the threat
model: ``docs/security.md``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from proxisante.web.context import WebContext, configure
from proxisante.web.guards import LOOPBACK_HOSTS
from proxisante.web.routes import READ_ROUTERS, WRITE_ROUTERS
from proxisante.web.routes.docs import router as docs_router
from proxisante.workspace import Workspace

__all__ = ["create_app"]


#: ``proxisante serve`` keeps the store file open this long after a request used it (saves
#: and listings then reuse the open database: ≈ 2 ms instead of ≈ 40 ms to open and close
#: it); once idle that long, the file is free for the command line again.
STORE_HOLD_SECONDS = 2.0


def create_app(
    *, token: str | None = None, store_path: str | None = None, max_body_bytes: int = 256_000,
    max_import_bytes: int = 200_000_000, allowed_hosts: Iterable[str] = (),
    eval_workers: int | None = None, hold_store_seconds: float | None = None,
) -> FastAPI:  # fmt: skip
    """Build the application (no work at import; heavy data loads lazily and is cached).

    Parameters
    ----------
    token
        Token for writes and evaluations (``None``: read-only, no write route mounted; an
        empty token raises :class:`~proxisante.errors.InputError`).
    store_path
        Store the offer is read from and imports and scenarios are written to (``None``:
        the bundled data only, no writes).
    max_body_bytes, max_import_bytes
        Largest request body accepted (imports: the second), else HTTP 413.
    allowed_hosts
        Host names accepted in the ``Host`` header besides the loopback names.
    eval_workers
        Worker processes for scenario evaluations (default: half the cores; ``0``: a
        thread of the server).
    hold_store_seconds
        Keep the store file open this long after a request used it (``proxisante serve``:
        :data:`STORE_HOLD_SECONDS`); None: open and close it per request, so that other
        code of the same process may open it with another configuration (tests).
    """
    # requests run on several threads and DuckDB opens one file with one configuration per
    # process: reads open it for writing too (a CLI command, alone, reads it read-only)
    workspace = Workspace(store_path, use_store=store_path is not None,
                          hold_store_seconds=hold_store_seconds, read_only_reads=False)  # fmt: skip
    context = WebContext(
        workspace, token=token, max_body_bytes=max_body_bytes, max_import_bytes=max_import_bytes,
        allowed_hosts=(*LOOPBACK_HOSTS, *allowed_hosts), eval_workers=eval_workers,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        # workers load the offer and baseline, the server its model and needs layer, while
        # users search
        threading.Thread(target=context.warm_up, daemon=True).start()
        yield
        context.evaluator.close()

    app = FastAPI(
        title="proxisante",
        version="0.1.0",
        description="Accès aux soins de proximité : APL DREES, scénarios, plans.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    configure(app, context)
    app.include_router(docs_router)
    for router in READ_ROUTERS + (() if context.read_only else WRITE_ROUTERS):
        app.include_router(router)
    return app
