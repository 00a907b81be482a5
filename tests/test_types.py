"""mypy on the public API of the engine, the application layer, scenarios and plans
(configuration in pyproject.toml); the calibrated model and the needs layer join when present."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["access", "scenarios", "plan", "workspace", "model", "needs"]


def test_mypy_clean():
    present = [p for p in PACKAGES if importlib.util.find_spec(f"proxisante.{p}") is not None]
    args = ["--config-file", str(ROOT / "pyproject.toml")]
    for p in present:
        args += ["-p", f"proxisante.{p}"]
    out, err, rc = api.run(args)
    assert rc == 0, out + err
    assert "Success: no issues found" in out
