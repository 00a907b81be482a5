"""Command-line interface (Typer + rich).

Each concept has its own module defining a Typer sub-app; this module wires them and
turns every :class:`~proxisante.errors.ProxisanteError` into a one-line message on
stderr with exit code 2 (no traceback).
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from proxisante.cli._common import OptionValueError, print_error
from proxisante.errors import ProxisanteError

#: The modules defining the top-level commands, in the order ``--help`` lists them, with the
#: commands each one adds.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "territory_cmd": ("territory", "apl"),
    "travel_cmd": ("travel",),
    "offer_cmd": ("offer",),
    "access_cmd": ("access",),
    "needs_cmd": ("needs",),
    "scenario_cmd": ("scenario",),
    "plan_cmd": ("plan",),
    "web_cmd": ("serve",),
    "model_cmd": ("model",),
    "report_cmd": ("report",),
}


def _version(value: bool) -> None:
    if value:
        # deferred: loaded when the command runs, not at CLI start-up
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"proxisante {version('proxisante')}")
        except PackageNotFoundError:  # running from a source tree that is not installed
            typer.echo("proxisante (not installed: version unknown)")
        raise typer.Exit()


def _root(
    show_version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Plan local primary and home care in under-served French territories (DREES APL,
    floating-catchment access, scenarios, multi-year plans)."""


def build_app(command: str | None = None) -> typer.Typer:
    """The Typer app with every command, or only the module defining top-level ``command``.

    A command runs with only its own module imported and converted (Typer builds every
    registered command's parameters on each call): ``proxisante territory show`` does not pay
    for the plan, web or model commands. Same commands, options and errors either way.
    """
    app = typer.Typer(
        name="proxisante",
        help="Plan local primary and home care in under-served French territories "
        "(DREES APL, floating-catchment access, scenarios, multi-year plans).",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_root)
    for name, commands in COMMAND_MODULES.items():
        if command is None or command in commands:
            module = importlib.import_module(f"proxisante.cli.{name}")
            module.register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    # ``proxisante.cli.app``: the full app, built on first use (tests, CliRunner)
    if name == "app":
        app = build_app()
        globals()["app"] = app
        return app
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``proxisante`` command."""
    args = sys.argv[1:] if argv is None else list(argv)
    first = next((a for a in args if not a.startswith("-")), None)
    known = {c for commands in COMMAND_MODULES.values() for c in commands}
    try:
        build_app(first if first in known else None)(args=args, standalone_mode=True)
    except ProxisanteError as exc:
        print_error(exc)
        sys.exit(2)
    except OptionValueError as exc:
        print_error(exc)
        sys.exit(2)
    except OSError as exc:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.cli._common import system_error_message

        message = system_error_message(exc)
        if message is None and not os.environ.get("PROXISANTE_DEBUG"):
            _internal(exc)
        if message is None:
            raise
        print_error(message)
        sys.exit(2)
    except Exception as exc:  # a bug, not a user error: one line, details on demand
        if os.environ.get("PROXISANTE_DEBUG"):
            raise
        _internal(exc)


def _internal(exc: BaseException) -> None:
    """A bug, not a user error: one line, details on demand; exit 1."""
    print_error(
        f"{type(exc).__name__}: {exc} (set PROXISANTE_DEBUG=1 for the traceback and please "
        "report it)",
        prefix="internal error",
    )
    sys.exit(1)
