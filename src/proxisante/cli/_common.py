"""Helpers shared by the CLI modules: consoles and error handling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from proxisante.errors import ProxisanteError

console = Console()
console_err = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a Typer command: a :class:`ProxisanteError` becomes a one-line message, exit 2.

    Used on every command so that the behaviour is the same under ``CliRunner`` (tests)
    and from the installed ``proxisante`` script.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ProxisanteError as exc:
            console_err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper
