"""Command-line interface (Typer + rich).

Each concept has its own module defining a Typer sub-app; this module wires them and
turns every :class:`~proxisante.errors.ProxisanteError` into a one-line message on
stderr with exit code 2 (no traceback).
"""

from __future__ import annotations

import os
import sys

import typer

from proxisante.cli._common import print_error
from proxisante.errors import ProxisanteError

app = typer.Typer(
    name="proxisante",
    help="Plan local primary and home care in under-served French territories "
    "(DREES APL, floating-catchment access, scenarios, multi-year plans).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"proxisante {version('proxisante')}")
        except PackageNotFoundError:  # running from a source tree that is not installed
            typer.echo("proxisante (not installed: version unknown)")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Plan local primary and home care in under-served French territories (DREES APL,
    floating-catchment access, scenarios, multi-year plans)."""


def _register() -> None:
    # Imported here so that `proxisante --help` stays fast and modules stay independent.
    from proxisante.cli import (
        access_cmd,
        model_cmd,
        needs_cmd,
        offer_cmd,
        plan_cmd,
        report_cmd,
        scenario_cmd,
        territory_cmd,
        travel_cmd,
        web_cmd,
    )

    territory_cmd.register(app)
    travel_cmd.register(app)
    offer_cmd.register(app)
    access_cmd.register(app)
    needs_cmd.register(app)
    scenario_cmd.register(app)
    plan_cmd.register(app)
    web_cmd.register(app)
    model_cmd.register(app)
    report_cmd.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``proxisante`` command."""
    try:
        app(args=argv, standalone_mode=True)
    except ProxisanteError as exc:
        print_error(exc)
        sys.exit(2)
    except Exception as exc:  # a bug, not a user error: one line, details on demand
        if os.environ.get("PROXISANTE_DEBUG"):
            raise
        print_error(
            f"{type(exc).__name__}: {exc} (set PROXISANTE_DEBUG=1 for the traceback and please "
            "report it)",
            prefix="internal error",
        )
        sys.exit(1)
