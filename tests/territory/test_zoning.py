"""Zoning by the official rule (APL of GPs under 65) next to the all-ages access class."""

import io
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.territory import load_official_apl, select
from proxisante.territory.zoning import (
    ZONING_LABELS_FR,
    access_class,
    commune_zoning,
    zoning_class,
    zoning_classes,
    zoning_headline,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def circo():
    terr = select("circo:12-02")
    return terr, commune_zoning(terr.codes, 2023)


def test_thresholds_are_the_arrete_s():
    assert [zoning_class(v) for v in (0.0, 2.499, 2.5, 3.999, 4.0, None, float("nan"))] == [
        "priority", "priority", "complementary_pool", "complementary_pool", "above",
        "unpublished", "unpublished",
    ]  # fmt: skip
    assert list(zoning_classes([2.4, np.nan, 4.2])) == ["priority", "unpublished", "above"]


def test_la_rouquette_is_zip_by_the_zoning_apl_and_vigilance_by_all_ages(circo):
    _, z = circo
    row = z.set_index("code_insee").loc["12205"]
    assert (row["apl"], row["apl_under65"]) == (2.811, 2.111)
    assert row["zoning_class"] == "priority" and row["access_class"] == "vigilance"
    assert access_class(2.811) == "vigilance"


def test_circo_12_02_headline_by_the_zoning_apl(circo):
    terr, z = circo
    h = zoning_headline(z)
    assert h["under_served_zoning"] == 34_167 and h["under_served_all_ages"] == 16_258
    # independent count straight from the DREES table
    apl = load_official_apl(2023)
    apl = apl[apl["code_insee"].isin(terr.codes)]
    assert h["under_served_zoning"] == apl.loc[apl["apl_generalistes_moins65"] < 2.5,
                                               "pop_totale"].sum()  # fmt: skip


def test_bassin_class_is_the_standardised_mean_of_its_communes(circo):
    _, z = circo
    row = z.set_index("code_insee").loc["12205"]
    apl = load_official_apl(2023)
    from proxisante.territory import load_membership

    m = load_membership()
    codes = m.loc[m["bassin_vie_2012"] == row["bassin_vie_2012"], "code_insee_current"]
    part = apl[apl["code_insee"].isin(codes) & apl["apl_generalistes_moins65"].notna()]
    mean = np.average(part["apl_generalistes_moins65"], weights=part["pop_standardisee"])
    assert row["apl_under65_bassin"] == pytest.approx(mean, rel=1e-9)
    assert row["zoning_class_bassin"] == zoning_class(mean)


def test_apl_csv_has_both_classes_on_both_paths():
    one = runner.invoke(app, ["apl", "-t", "12205", "--csv", "--csv-format", "international"])
    assert one.exit_code == 0, one.output
    row = pd.read_csv(io.StringIO(one.stdout), dtype={"code_insee": str}).iloc[0]
    assert (row["zoning_class"], row["access_class"]) == ("priority", "vigilance")
    many = runner.invoke(
        app, ["apl", "-t", "circo:12-02", "--csv", "--csv-format", "international"]
    )
    df = pd.read_csv(io.StringIO(many.stdout), dtype={"code_insee": str})
    assert list(df.columns) == list(pd.read_csv(io.StringIO(one.stdout)).columns)
    assert df.set_index("code_insee").loc["12205", "zoning_class"] == "priority"
    assert (df["zoning_class"] == "priority").sum() == 56


def test_report_headline_says_which_apl(tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--territory", "circo:12-02", "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    m = re.search(r'id="pop-zonage">([^<]+)<', html)
    assert m and m.group(1).replace("\u202f", "") == "34167"
    assert "APL des médecins de moins de 65 ans" in html
    row = re.search(r"<td>12205</td>.*?</tr>", html, re.S).group(0)
    assert ZONING_LABELS_FR["priority"].replace("<", "&lt;") in row
