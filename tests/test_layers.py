"""The package layers (docs/data-flow.md): import-linter contracts from pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_import_contracts_are_kept(capsys):
    rc = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "4 kept, 0 broken" in out
