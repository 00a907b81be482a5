"""`proxisante access` through CliRunner on the bundled data."""

from __future__ import annotations

import io

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app
from tests.csv_fr import read_fr_csv

runner = CliRunner()


def _supply(tmp_path, text):
    p = tmp_path / "supply.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_access_apl_csv_and_gpkg(tmp_path):
    sup = _supply(tmp_path, "commune,fte,profession\n62523,3,gp\n62498,20,gp\n62498,30,nurse\n")
    res = runner.invoke(app, ["access", "-t", "epci:246200364", "--supply", str(sup), "--csv"])
    assert res.exit_code == 0, res.output
    df = read_fr_csv(res.stdout, dtype={"code_commune": str})  # a person's spreadsheet
    assert list(df.columns[:5]) == ["code_commune", "commune", "population_municipale",
                                    "mesure", "valeur"]  # fmt: skip
    assert len(df) == 36 and df["valeur"].is_monotonic_increasing
    assert (df["valeur"] >= 0).all()
    # rounded to 4 significant digits there; in full for scripts
    plain = runner.invoke(app, ["access", "-t", "epci:246200364", "--supply", str(sup), "--csv",
                                "--csv-format", "international"])  # fmt: skip
    full = pd.read_csv(io.StringIO(plain.stdout), dtype={"code_insee": str})
    assert (full["code_insee"] == df["code_commune"]).all()
    nonzero = full["value"] > 0
    rel = (df["valeur"][nonzero] - full["value"][nonzero]).abs() / full["value"][nonzero]
    assert rel.max() <= 5e-4 and (df["valeur"] != full["value"]).any()
    gpkg = tmp_path / "a.gpkg"
    res = runner.invoke(app, ["access", "-t", "62523", "--supply", str(sup), "--measure", "3sfca",
                              "--profession", "nurse", "--out", str(gpkg)])  # fmt: skip
    assert res.exit_code == 0, res.output
    import geopandas as gpd

    g = gpd.read_file(gpkg)
    assert g["code_insee"].tolist() == ["62523"] and g["value"].iloc[0] > 0


def test_access_errors_exit_2(tmp_path):
    bad = _supply(tmp_path, "commune,fte\n62523,-3\n")
    for args in (
        ["access", "-t", "62523", "--supply", str(bad)],
        ["access", "-t", "62523", "--supply", str(bad), "--measure", "foo"],
        ["access", "-t", "62523", "--supply", str(tmp_path / "none.csv")],
        ["access", "-t", "62523", "--supply", str(bad), "--travel", "matrix"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "error:" in res.output and "Traceback" not in res.output


def test_fca_measures_per_100k_and_decay_choice(tmp_path):
    sup = _supply(tmp_path, "commune,fte\n62523,3\n62498,25\n62065,6\n")
    values = {}
    for measure, decay in (("2sfca", "default"), ("2sfca", "linear"), ("m2sfca", "default"),
                           ("bfca", "gaussian"), ("gravity", "default")):  # fmt: skip
        res = runner.invoke(app, ["access", "-t", "62523,62498", "--supply", str(sup), "--measure",
                                  measure, "--decay", decay, "--csv", "--csv-format",
                                  "international"])  # fmt: skip
        assert res.exit_code == 0, res.output
        df = pd.read_csv(io.StringIO(res.stdout), dtype={"code_insee": str})
        values[measure, decay] = df.set_index("code_insee")["value"]
        if measure == "gravity":
            assert "per_100k" not in df.columns
        else:  # FTE per standardised inhabitant, also given per 100,000
            assert (df["per_100k"] - df["value"] * 1e5).abs().max() < 1e-9
            assert (df["value"] > 0).all()
    # the binary 2SFCA default and a linear decay give different values
    assert (values["2sfca", "default"] - values["2sfca", "linear"]).abs().max() > 1e-9
    res = runner.invoke(app, ["access", "-t", "62523", "--supply", str(sup), "--decay", "cubic"])
    assert res.exit_code == 2 and "expected one of default, linear, gaussian, power" in res.output


def test_apl_cutoff_is_refused_not_replaced(tmp_path):
    # the APL's catchment is the DREES 20 minutes: another --cutoff is refused, not ignored
    sup = _supply(tmp_path, "commune,fte\n62523,3\n")
    res = runner.invoke(app, ["access", "-t", "62523", "--supply", str(sup), "--cutoff", "30"])
    assert res.exit_code == 2 and "the APL's catchment is the DREES 20 minutes" in res.output
    assert "--measure 2sfca" in res.output
