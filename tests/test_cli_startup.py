"""The CLI starts without the heavy libraries it does not need (start-up time is measured by
benchmarks/bench_cli_startup.py): `--help` loads no numpy or pandas; `territory show` loads no
solver, store, web or geometry library."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from proxisante.cli import main
before = sorted(m for m in ("numpy", "pandas", "scipy") if m in sys.modules)
try:
    main({args!r})
except SystemExit:
    pass
heavy = ("duckdb", "highspy", "scipy", "fastapi", "geopandas", "shapely", "dask")
print(before, sorted(m for m in heavy if m in sys.modules))
"""


def _loaded(args: list[str]) -> str:
    out = subprocess.run([sys.executable, "-c", CHECK.format(args=args)], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.strip().splitlines()[-1]


def test_help_loads_no_numpy_or_pandas():
    assert _loaded(["--help"]) == "[] []"


def test_territory_show_loads_only_the_territory_data():
    assert _loaded(["territory", "show", "62523"]) == "[] []"
