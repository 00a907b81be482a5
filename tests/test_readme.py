"""Every command of the README's quick start runs as written (on the sample files of examples/)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.store import STORE_ENV

ROOT = Path(__file__).resolve().parents[1]
PROMPT = ".venv/bin/proxisante "
#: Commands that need a file the user downloads (not shipped): not run here, but their
#: reading code is tested in tests/offer and tests/travel.
NEEDS_DOWNLOAD = ("etalab-cs1100507-stock-", "region.osm.pbf", "region.osrm")


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    commands = []
    for line in lines:
        if line.startswith(PROMPT):
            commands.append(re.split(r"\s{2,}#", line[len(PROMPT) :], maxsplit=1)[0].strip())
    return commands


COMMANDS = _quick_start()
RUN = [c for c in COMMANDS if not any(d in c for d in NEEDS_DOWNLOAD)]


def test_quick_start_is_read():
    assert len(COMMANDS) >= 20
    assert len(COMMANDS) - len(RUN) == len(NEEDS_DOWNLOAD)


@pytest.mark.slow
@pytest.mark.parametrize("command", RUN)
def test_readme_command_runs(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store.duckdb"))
    args = [str(ROOT / a) if a.startswith("examples/") else a for a in shlex.split(command)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, f"{command}\n{res.output}"
    assert "Traceback" not in res.output
    if command.startswith("offer list"):  # the id `offer edit` needs is printed whole
        assert "filieris-centre-de-sante-de-la-republique-avion" in res.output
