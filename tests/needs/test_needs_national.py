"""The needs layer on the bundled national data: the Lens case, the validation, imports."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.needs import (
    attach_bassins_vie,
    estimate_population_by_age,
    load_needs,
    territory_needs,
)
from proxisante.store import Store
from proxisante.territory import load_bassin_vie_indicators, select


@pytest.fixture(scope="module")
def data():
    return load_needs()


def test_loison_sous_lens_shows_the_lens_case(data):
    t = select("62523")
    comp = territory_needs(t.codes, label=t.label, data=data)
    assert data.attachment.set_index("code_insee").loc["62523", "bassin_vie_2022"] == "62498"
    poverty = comp.row("poverty_rate")
    assert poverty.territory == 23.3 and poverty.france == pytest.approx(14.9, abs=0.05)
    assert "Lens" in poverty.territory_basis
    men = comp.row("life_expectancy_men")
    assert (men.departement, men.france) == (77.2, 80.0)  # France: INSEE 2024
    assert comp.departement_name == "Pas-de-Calais"
    assert comp.approximate_communes == 1  # Loison is not a bassin centre


def test_france_column_is_the_national_value(data):
    """« France » is computed over every commune (or is INSEE's national figure), not a
    median of bassins de vie. Independent references: INSEE counts 10.4 % of inhabitants
    aged 75+ on 1 January 2024 (bilan démographique 2023; the estimate refers to the DREES
    populations of 2021, and the share rises by about 0.2 point a year: tolerance 0.7 point)
    and a poverty rate of 14.5 % in 2021 (France métropolitaine, ERFS, « L'essentiel sur la
    pauvreté », 2024; the bassin rates are Filosofi 2021, localised: tolerance 0.6 point)."""
    t = select("dep:30")
    comp = territory_needs(t.codes, label=t.label, data=data)
    old, poverty = comp.row("share_75_plus"), comp.row("poverty_rate")
    assert old.france == pytest.approx(10.4, abs=0.7)
    assert poverty.france == pytest.approx(14.5, abs=0.6)
    for r in comp.rows:
        assert "médiane" not in r.france_basis
        assert r.france_basis.startswith(("France :", "valeur nationale", "référence nationale"))
    # the same national value whatever the territory
    lens = select("62523")
    other = territory_needs(lens.codes, label=lens.label, data=data)
    assert other.row("poverty_rate").france == poverty.france
    assert comp.row("life_expectancy_women").france == 85.6


def test_ca_lens_lievin_is_poorer_than_its_departement(data):
    t = select("epci:246200364")
    comp = territory_needs(t.codes, label=t.label, data=data)
    poverty = comp.row("poverty_rate")
    assert poverty.territory > poverty.departement > poverty.france
    assert "estimé" in poverty.territory_basis
    assert comp.communes == 36


def test_estimate_validation_against_published_shares(data):
    # independent check (no bassin figure used): MAE ≤ 1 point on the 75+ share
    raw = estimate_population_by_age(calibrate=False)
    att = attach_bassins_vie().set_index("code_insee")["bassin_vie_2022"]
    bv = load_bassin_vie_indicators().set_index("bassin_vie_2022")
    for est, limit in ((raw, 1.0), (data.ages, 0.01)):
        g = att.reindex(est.bands.index)
        share = 100 * est.aged(75).groupby(g).sum() / est.bands.sum(axis=1).groupby(g).sum()
        mae = (share - bv["share_75_plus_2022_pct"]).abs().mean()
        assert mae <= limit
    # totals are the DREES populations
    assert data.ages.bands.loc["62523"].sum() == pytest.approx(5255.0)


def test_attachment_counts_are_reported(data):
    counts = data.attachment_summary()
    assert counts["centre"] == 1707
    assert counts["approximate"] + counts["centre"] + counts["none"] == 34875


def _pop1b(tmp_path, codes):
    path = tmp_path / "TD_POP1B_2021.csv"
    lines = ["NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB"]
    for code in codes:
        for sex in ("1", "2"):
            lines += [f"COM;{code};X;{sex};{age:03d};1" for age in range(101)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_insee_import_replaces_the_estimate(tmp_path):
    runner = CliRunner()
    store_path = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["offer", "import", "pop-age", str(_pop1b(tmp_path, ["62523"])),
                              "--store", str(store_path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    with Store(store_path) as store:
        d = load_needs(store)
    assert d.ages.basis.loc["62523"] == "insee_pop1b"
    assert d.ages.aged(75).loc["62523"] == 52.0  # 2 sexes × ages 75..100
    assert d.ages.basis.loc["62498"] == "estimate_calibrated"


def test_age_file_with_unknown_commune_is_refused_and_store_unchanged(tmp_path):
    runner = CliRunner()
    store_path = tmp_path / "s.duckdb"
    good = _pop1b(tmp_path, ["62523"])
    assert runner.invoke(app, ["offer", "import", "pop-age", str(good), "--store",
                               str(store_path)]).exit_code == 0  # fmt: skip
    bad = tmp_path / "bad.csv"
    text = good.read_text(encoding="utf-8").replace("COM;62523;X;2;050", "COM;99999;X;2;050")
    bad.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["offer", "import", "pop-age", str(bad), "--store", str(store_path)])
    assert res.exit_code == 2
    msg = " ".join(res.output.split())
    assert "99999" in msg and "CODGEO" in msg and "Traceback" not in res.output
    with Store(store_path) as store:
        d = load_needs(store)
    # the first import is intact: 202 rows of 1 inhabitant
    assert d.ages.bands.loc["62523"].sum() == 202.0
    assert np.isfinite(d.home_care.table.loc["62523", "nurses_per_1000_75"])


def test_closing_a_centre_loses_exactly_its_sole_reach(data):
    from proxisante.needs import prevention_change, prevention_reach
    from proxisante.offer import load_default_offer

    sites = load_default_offer().sites
    reach = prevention_reach(data, sites).set_index("site_id")
    assert reach["operator"].iloc[0] == "filieris"  # Filieris centres first
    # the centre that alone serves the most people aged 50-74
    carmaux = reach["screening_50_74_sole"].idxmax()
    after = sites.copy()
    after.loc[after["site_id"] == carmaux, "status"] = "closed"
    change = prevention_change(data, sites, after)
    for key in ("screening_50_74", "flu_65_plus", "home_75_plus"):
        assert change.loc[key, "lost"] == pytest.approx(reach.loc[carmaux, f"{key}_sole"])
        assert change.loc[key, "change"] == pytest.approx(-change.loc[key, "lost"])
        assert reach.loc[carmaux, key] >= reach.loc[carmaux, f"{key}_sole"] > 0
