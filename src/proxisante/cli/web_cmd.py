"""CLI: ``proxisante serve`` — the web application on loopback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from proxisante.cli._common import console, user_errors

#: Environment variable listing extra allowed host names (comma-separated).
HOSTS_ENV = "PROXISANTE_ALLOWED_HOSTS"


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Token for writes and evaluations (default: $PROXISANTE_TOKEN; "
            "none: read-only, empty: refused)"
        ),
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Store file (DuckDB)")] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Host name clients may use besides the loopback "
            f"names (repeatable; also ${HOSTS_ENV}, comma-separated)",
        ),
    ] = None,
    eval_workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes for scenario evaluations (default: half the cores)", min=0
        ),
    ] = None,
) -> None:
    """Start the web application (French map, territory pages, scenario editor, /docs API)."""
    # deferred: loaded when the command runs, not at CLI start-up
    import uvicorn

    from proxisante.web import create_app
    from proxisante.web.app import STORE_HOLD_SECONDS
    from proxisante.web.server import server_config

    if token is None:
        token = os.environ.get("PROXISANTE_TOKEN")
    hosts = [*(allow_host or []), *os.environ.get(HOSTS_ENV, "").split(",")]
    if host not in ("0.0.0.0", "::", ""):
        hosts.append(host)  # the address the server listens on is a valid Host
    app = create_app(token=token, store_path=str(store) if store else None,
                     allowed_hosts=[h.strip() for h in hosts if h.strip()],
                     eval_workers=eval_workers, hold_store_seconds=STORE_HOLD_SECONDS)  # fmt: skip
    console.print(
        f"proxisante sur http://{host}:{port}/ (documentation de l'API : /docs) ; "
        + ("écritures autorisées avec un jeton" if token else "lecture seule : aucun jeton")
    )
    uvicorn.Server(server_config(app, host=host, port=port)).run()


def register(app: typer.Typer) -> None:
    """Attach the serve command to the main app."""
    app.command("serve")(serve)
