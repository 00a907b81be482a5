"""CLI: ``proxisante serve`` — the web application on loopback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from proxisante.cli._common import console, user_errors


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    token: Annotated[
        str | None, typer.Option(help="Token for writes (default: $PROXISANTE_TOKEN)")
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Store file (DuckDB)")] = None,
) -> None:
    """Start the web application (French map, territory pages, scenario editor, /docs API)."""
    import uvicorn

    from proxisante.web import create_app

    token = token or os.environ.get("PROXISANTE_TOKEN")
    app = create_app(token=token, store_path=str(store) if store else None)
    console.print(
        f"proxisante on http://{host}:{port}/ (API docs: /docs); "
        + ("writes enabled with a token" if token else "read-only: no token given")
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Attach the serve command to the main app."""
    app.command("serve")(serve)
