"""Commands whose work takes seconds (imports, national tables, the store) show the project's
spinner (:func:`proxisante.cli._common.progress`), which nests without a second display."""

from __future__ import annotations

import importlib
import io
from contextlib import contextmanager

import pytest
from rich.console import Console
from typer.testing import CliRunner

from proxisante.cli import _common, app
from proxisante.store import Store


def test_progress_nests_and_shows_one_spinner(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(_common, "console_err", Console(file=err, force_terminal=True))
    with _common.progress("dehors…"), _common.progress("dedans…"):  # was a Rich LiveError
        pass
    assert "dehors…" in err.getvalue() and "dedans…" not in err.getvalue()
    assert _common._spinning == []


def test_progress_is_silent_when_not_a_terminal(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(_common, "console_err", Console(file=err, force_terminal=False))
    with _common.progress("rien…"):
        pass
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("territory_cmd", ["territory", "show", "dep:62"]),
        ("territory_cmd", ["apl", "-t", "dep:12"]),
        ("scenario_cmd", ["scenario", "list"]),
        ("offer_cmd", ["offer", "show", "620116558"]),
        ("offer_cmd", ["offer", "imports"]),
        ("needs_cmd", ["needs", "show", "-t", "62523"]),
    ],
)
def test_slow_commands_enter_the_spinner(module, args, monkeypatch, tmp_path):
    shown = []

    @contextmanager
    def spy(description):
        shown.append(description)
        yield

    monkeypatch.setattr(importlib.import_module(f"proxisante.cli.{module}"), "progress", spy)
    store = tmp_path / "s.duckdb"
    with Store(store):  # an existing (empty) store: reads refuse a missing one
        pass
    res = CliRunner().invoke(app, [*args, *(["--store", str(store)]
                                           if args[0] in ("scenario", "offer", "needs") else [])])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert shown and all(d.endswith("…") for d in shown)
