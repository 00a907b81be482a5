"""`proxisante apl --profession` and `access --profession` without a supply file."""

from __future__ import annotations

import io

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app

runner = CliRunner()


def _csv(args: list[str]) -> pd.DataFrame:
    res = runner.invoke(app, [*args, "--csv-format", "international"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), dtype={"code_insee": str})


def test_apl_of_nurses_is_estimated_from_the_bpe_and_labelled(tmp_path):
    df = _csv(["apl", "-t", "epci:200066918", "--profession", "nurse", "--csv"])
    assert (df["status"] == "estimé").all() and (df["profession"] == "nurse").all()
    assert (df["unit"] == "ETP pour 100 000 habitants standardisés").all()
    assert df["apl"].is_monotonic_increasing and (df["apl"] > 0).all()
    ales = df.set_index("code_insee").loc["30007"]
    assert ales["supply_fte"] >= 100  # BPE 2021 libéral nurses of Alès (headcount = FTE)
    # the same numbers through `access` (measure apl) and with an alias
    same = _csv(["access", "-t", "epci:200066918", "--profession", "infirmiere", "--csv"])
    pd.testing.assert_frame_equal(df, same)
    # an imported supply replaces the estimate: one FTE at Alès only
    supply = tmp_path / "nurses.csv"
    supply.write_text("commune,fte,profession\n30007,1,nurse\n30007,50,gp\n")
    imported = _csv(["apl", "-t", "30007", "--profession", "nurse", "--supply", str(supply),
                     "--csv"])  # fmt: skip
    assert imported["status"].tolist() == ["offre importée"]
    assert imported["supply_fte"].tolist() == [1.0] and imported["apl"].iloc[0] < ales["apl"]


def test_apl_table_of_midwives_says_estimated_with_its_unit_and_reference():
    res = runner.invoke(app, ["apl", "-t", "62523", "--profession", "sage-femme"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "APL sages-femmes (estimé, ETP/100 000 femmes)" in out
    assert "référence publiée 2019 : 18" in out and "hypothèses" in out


def test_gp_apl_unchanged_and_bad_profession():
    df = _csv(["apl", "-t", "62523", "--profession", "gp", "--csv"])
    assert df["apl"].tolist() == [6.558]
    res = runner.invoke(app, ["apl", "-t", "62523", "--profession", "plumber"])
    assert res.exit_code == 2 and "profession 'plumber' is not known" in res.output
    res = runner.invoke(app, ["apl", "-t", "62523", "--supply", "x.csv"])
    assert res.exit_code == 2 and "--supply and --official apply to the other" in res.output


def test_an_imported_official_apl_replaces_the_estimate(tmp_path):
    official = tmp_path / "apl_infirmiers.csv"
    official.write_text("commune;apl;profession\n30007;180,5;infirmier\n30132;99;nurse\n"
                        "30132;5;dentist\n")  # fmt: skip
    df = _csv(["apl", "-t", "30007,30132,30028", "--profession", "nurse", "--official",
               str(official), "--csv"])  # fmt: skip
    got = df.set_index("code_insee")["apl"]
    assert got["30007"] == 180.5 and got["30132"] == 99.0 and pd.isna(got["30028"])
    assert (df["status"] == "officiel, fichier importé").all()
    bad = tmp_path / "bad.csv"
    bad.write_text("commune,apl\n30007,1\n30007,2\n")
    res = runner.invoke(app, ["apl", "-t", "30007", "--profession", "nurse", "--official",
                              str(bad)])  # fmt: skip
    assert res.exit_code == 2 and "line 3" in res.output and "listed twice" in res.output
    bad.write_text("commune,apl\n30007,-1\n")
    res = runner.invoke(app, ["apl", "-t", "30007", "--profession", "nurse", "--official",
                              str(bad)])  # fmt: skip
    assert res.exit_code == 2 and "line 2" in res.output and "apl" in res.output


def test_profession_csv_for_a_person_is_french_and_rounded():
    """The French dialect (default) is for a spreadsheet: headers and profession in French,
    APL and FTE to 1 decimal, demand in whole standardised inhabitants."""
    from tests.csv_fr import read_fr_csv

    res = runner.invoke(app, ["apl", "-t", "62523", "--profession", "nurse", "--csv"])
    assert res.exit_code == 0, res.output
    df = read_fr_csv(res.stdout, dtype={"code_commune": str})
    full = _csv(["apl", "-t", "62523", "--profession", "nurse", "--csv"]).iloc[0]
    row = df.iloc[0]
    assert row["profession"] == "infirmier" and row["statut"] == "estimé"
    assert row["apl"] == round(full["apl"], 1) and row["apl"] != full["apl"]
    assert row["demande"] == round(full["demand"]) and row["offre_etp"] == round(
        full["supply_fte"], 1
    )
