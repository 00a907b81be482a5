"""One language per CLI output: what a user reads (tables, labels, notes, units, numbers) is in
French, like the reports; ``--help``, option names and error messages stay in English."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from proxisante.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

#: English words that never belong in a French output (headers and labels the CLI used to print;
#: not « exact » or « change », French words too).
ENGLISH = (
    "the", "of", "and", "with", "without", "before", "after", "yes", "no", "name", "kind",
    "match", "matches", "selector", "wrote", "written", "rows", "under", "value",
    "inhabitants", "unknown", "within", "travel", "estimated", "comparison",
    "criticality", "scenario", "scenarios", "edit", "edits", "first", "shown", "per", "GP", "GPs",
    "FTE", "nurses", "indicator", "territory", "level", "year", "only", "aged", "home",
    "prevention", "reach", "Coordinates", "Area", "Constituency", "code INSEE", "not published",
    "available", "see", "calibrated", "model", "speeds", "detour", "held-out", "in-sample",
    "same", "side", "worst", "deviation", "imported", "updated", "saved", "closed", "open",
    "created", "operator", "category", "status", "staff", "recorded", "read", "replaced",
)  # fmt: skip
_ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![\w-])")
#: A decimal point between digits (``6.558``): French writes a comma.
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def english_in(text: str) -> list[str]:
    """The English words and English-formatted numbers of ``text`` (empty when French);
    command lines quoted in the output (``proxisante …``, ``--option``) are skipped."""
    text = re.sub(r"`[^`]*`|proxisante \S+ .*|--[\w-]+(?: \S+)?", " ", text)
    return _ENGLISH.findall(text) + _DECIMAL_POINT.findall(text)


def test_the_checker_finds_english_and_accepts_french():
    assert english_in("│ selector │ name │ kind │ exact │\n17 match(es)") == [
        "selector", "name", "kind", "match"]  # fmt: skip
    assert english_in("APL 2023: 86,880 of 1,461,441 inhabitants; mean APL 4.19") == [
        "of", "inhabitants", "4.19"]  # fmt: skip
    assert english_in("APL 2023 : 86 880 habitants sur 1 461 441 ; APL moyenne 4,19") == []
    assert english_in("voir `proxisante model show` ; --speed-kmh 41.5 …") == []


def _run(*args):
    res = CliRunner().invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


#: Commands that read only (no store write), with their arguments.
READ_ONLY = [
    ("territory", "show", "62523"),
    ("territory", "show", "97611"),
    ("territory", "show", "dep:62"),
    ("territory", "search", "aveyron"),
    ("territory", "search", "filieris"),
    ("apl", "-t", "circo:12-02"),
    ("access", "-t", "62523"),
    ("access", "--measure", "e2sfca", "--profession", "nurse", "-t", "62523", "--supply",
     EXAMPLES / "nurses_cartosante_2024_hdf.csv"),
    ("needs", "show", "-t", "epci:246200364"),
    ("needs", "prevention", "--operator", "filieris"),
    ("model", "show"),
    ("scenario", "criticality", "--operator", "filieris", "-t", "dep:12"),
    ("plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1e6", "--time-limit", "10"),
]  # fmt: skip


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: " ".join(map(str, a[:3])))
def test_read_only_commands_print_french(args, tmp_path, monkeypatch):
    monkeypatch.setenv("PROXISANTE_STORE", str(tmp_path / "s.duckdb"))
    out = _run(*args)
    assert english_in(out) == [], out


def test_scenario_run_prints_one_language(tmp_path):
    out = _run("scenario", "run", EXAMPLES / "scenario_occitanie_filieris.yaml", "-t", "dep:12",
               "--store", tmp_path / "s.duckdb")  # fmt: skip
    assert english_in(out) == [], out
    assert "Soins à domicile et prévention" in out and "toutes les communes" in out
    assert "modification 1 : retrait d'un opérateur (operator_exit)" in out


def test_store_commands_print_french(tmp_path):
    store = tmp_path / "s.duckdb"
    outputs = [
        _run("scenario", "new", "lens", "--close", "620116558", "--store", store),
        _run("scenario", "list", "--store", store),
        _run("offer", "edit", "620116558", "--capacity-places", "40", "--store", store),
        _run("offer", "edits", "--store", store),
        _run("offer", "imports", "--store", store),
        _run("offer", "show", "filieris-centre-de-sante-de-la-republique-avion", "--store", store),
        _run("offer", "list", "-t", "62065", "--store", store),
    ]
    for out in outputs:
        # the edit log's « détail » is the stored JSON of the edit (data, not prose)
        assert english_in(re.sub(r"\{.*\}", "", out)) == [], out
    assert "modification" in outputs[3].splitlines()[1]  # the action of the log, in French
    assert "effectif" in outputs[5] and "ouvert" in outputs[6]


def test_numbers_are_french():
    out = _run("territory", "show", "62523")
    assert "5\u202f255" in out and "6,558" in out and "3,47 km²" in out
    out = _run("territory", "show", "dep:62")
    assert "86\u202f880 habitants sur 1\u202f461\u202f441 (5,9\u202f%)" in out


def test_search_kinds_are_french():
    out = _run("territory", "search", "aveyron")
    line = next(x for x in out.splitlines() if "dep:12" in x)
    assert "département" in line.split("—")[-1] and "oui" in line


def test_model_show_has_a_progress_indicator(monkeypatch):
    """`model show` takes 2-3 s (imports, model file): it shows the project's spinner."""
    import proxisante.cli.model_cmd as model_cmd

    shown = []

    @contextmanager
    def spy(description):
        shown.append(description)
        yield

    monkeypatch.setattr(model_cmd, "progress", spy)
    _run("model", "show", "--bundled")
    assert shown == ["Lecture du modèle…"]
