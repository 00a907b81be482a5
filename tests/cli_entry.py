"""Run ``proxisante ARGS`` through the real entry point (:func:`proxisante.cli.main`), as a
user's shell does, for tests that check exit statuses and messages."""

from __future__ import annotations

import contextlib
import io

from proxisante.cli import main


def run_cli(args: list[str]) -> tuple[int, str]:
    """(exit status, standard error as written); standard output is discarded."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()
