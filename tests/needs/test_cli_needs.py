"""``proxisante needs`` and the scenario output: figures, sources, « capacité inconnue »."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_needs_show_lens_case(tmp_path):
    res = _run("needs", "show", "-t", "62523", "--csv", tmp_path / "c.csv")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "c.csv")
    row = table.set_index("indicator").loc["poverty_rate"]
    assert (row["territory"], row["france"], row["year"]) == (23.3, 13.0, 2021)
    assert row["level"] == "bassin de vie 2022"
    assert "Estimations" in res.output and "hypothèse" in res.output


def test_needs_communes_and_prevention(tmp_path):
    out = tmp_path / "communes.csv"
    res = _run("needs", "communes", "-t", "epci:246200364", "--out", out)
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out, dtype={"code_insee": str})
    assert len(t) == 36
    assert {"pop_75_plus", "nurses_per_1000_75", "poverty_rate", "attachment"} <= set(t.columns)
    assert (t["age_basis"] == "estimate_calibrated").all()
    res = _run("needs", "prevention", "--operator", "filieris", "--out", tmp_path / "p.csv")
    assert res.exit_code == 0, res.output
    p = pd.read_csv(tmp_path / "p.csv")
    assert (p["operator"] == "filieris").all() and (p["flu_65_plus"] > 0).all()


def test_finess_without_capacities_says_places_inconnues(tmp_path):
    from tests.offer.fixtures import good_finess_lines, write_finess

    store = tmp_path / "s.duckdb"
    res = _run("offer", "import", "finess", write_finess(tmp_path, good_finess_lines()),
               "--store", store)  # fmt: skip
    assert res.exit_code == 0, res.output
    res = _run("needs", "show", "-t", "62498", "--store", store)
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "places inconnues" in out and "non disponible" not in out
    # the report section lists the SSIAD with « capacité inconnue » too
    from proxisante.report import needs_section
    from proxisante.workspace import Workspace

    section = needs_section(**Workspace(store).needs_report_inputs("62498"))
    assert "1 SSIAD (0 places connues ; capacité inconnue pour 1)" in section.html


def test_unknown_territory_is_one_line_exit_2():
    res = _run("needs", "show", "-t", "99999")
    assert res.exit_code == 2
    assert "Traceback" not in res.output
