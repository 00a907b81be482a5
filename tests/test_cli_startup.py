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
heavy = ("pandas", "duckdb", "highspy", "scipy", "fastapi", "geopandas", "shapely", "dask",
         "numpy", "pyarrow")
commands = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.endswith("_cmd"))
print(before, sorted(m for m in heavy if m in sys.modules), commands)
"""


def _loaded(args: list[str]) -> str:
    out = subprocess.run([sys.executable, "-c", CHECK.format(args=args)], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.strip().splitlines()[-1].rsplit(" [", 1)[0]


def _command_modules(args: list[str]) -> str:
    out = subprocess.run([sys.executable, "-c", CHECK.format(args=args)], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return out.strip().splitlines()[-1].rsplit(" [", 1)[1].rstrip("]")


def test_help_loads_no_numpy_or_pandas():
    assert _loaded(["--help"]) == "[] []"


def test_territory_show_loads_only_the_territory_data():
    assert _loaded(["territory", "show", "62523"]) == "[] []"
    # a commune's name and one commune's APL table: the name index and the commune cards,
    # neither pandas nor pyarrow
    assert _loaded(["territory", "show", "la bassee"]) == "[] []"
    assert _loaded(["apl", "--territory", "62523", "--csv"]) == "[] []"
    # and only the module of its command: the other commands are neither imported nor built
    assert _command_modules(["territory", "show", "62523"]) == "'territory_cmd'"


def _shape(cmd) -> object:
    """A command's options and subcommands, comparable between two builds."""
    params = [(p.name, tuple(p.opts), repr(p.default), getattr(p, "help", None))
              for p in cmd.params]  # fmt: skip
    subs = {k: _shape(v) for k, v in getattr(cmd, "commands", {}).items()}
    return params, subs, cmd.help


def test_a_command_runs_with_only_its_module_and_the_same_options():
    import typer

    from proxisante.cli import COMMAND_MODULES, build_app

    full = typer.main.get_command(build_app())
    assert sorted(full.commands) == sorted(c for cs in COMMAND_MODULES.values() for c in cs)
    for name in ("territory", "apl", "scenario"):
        one = typer.main.get_command(build_app(name))
        assert name in one.commands and "plan" not in one.commands
        assert _shape(full.commands[name]) == _shape(one.commands[name])
