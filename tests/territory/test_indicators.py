"""Bundled membership (INSEE COG 2022) and bassin-de-vie / département indicators."""

from __future__ import annotations

import pandas as pd
import pytest

from proxisante.territory import (
    BASSIN_VIE_COLUMNS,
    DEPARTEMENT_COLUMNS,
    MEMBERSHIP_COLUMNS,
    load_bassin_vie_indicators,
    load_communes,
    load_departement_indicators,
    load_membership,
)


def test_membership_columns_types_and_counts():
    m = load_membership()
    assert list(m.columns) == list(MEMBERSHIP_COLUMNS)
    assert len(m) == 34_955 and m["code_insee"].is_unique
    assert m["urban_unit_size_class_2017"].dtype == "int8"
    assert set(m["attraction_area_category_2020"]) == {11, 12, 13, 20, 30}
    assert set(m["urban_unit_size_class_2017"]) == set(range(9))
    # a rural commune (TUU 0) is exactly one whose urban-unit code ends in 000
    rural = m["urban_unit_2020"].str[2:] == "000"
    assert (rural == (m["urban_unit_size_class_2017"] == 0)).all()
    assert (m["employment_zone_2020"].str.len() == 4).all()
    assert (m["attraction_area_2020"].str.len() == 3).all()


def test_membership_maps_merged_communes_to_current_geography():
    m = load_membership()
    current = set(load_communes()["code_insee"])
    assert (m["in_current_geography"] == m["code_insee"].isin(current)).all()
    old = m[~m["in_current_geography"]]
    assert len(old) == 92
    mapped = old[old["code_insee_current"] != ""]
    assert len(mapped) == 86  # communes déléguées/associées first, then COG 2024 points
    assert mapped["code_insee_current"].isin(current).all()
    kept = m[m["in_current_geography"]]
    assert (kept["code_insee_current"] == kept["code_insee"]).all()
    # Conques (12076) merged into Conques-en-Rouergue (12218)
    assert m.set_index("code_insee").loc["12076", "code_insee_current"] == "12218"


def test_membership_of_loison_sous_lens():
    row = load_membership().set_index("code_insee").loc["62523"]
    assert row["departement"] == "62" and row["region"] == "32"
    assert row["epci_siren"] == "246200364"  # same EPCI as the commune table
    assert row["urban_unit_2020"] == "00756"
    assert row["urban_unit_size_class_2017"] == 7
    assert row["attraction_area_category_2020"] == 12
    assert row["bassin_vie_2012"] == "59178"


def test_membership_epci_agrees_with_commune_table_for_most_communes():
    m = load_membership().set_index("code_insee")
    c = load_communes(include_arrondissements=False).set_index("code_insee")
    both = c.index.intersection(m.index)
    same = (m.loc[both, "epci_siren"] == c.loc[both, "epci_siren"]).mean()
    # EPCI perimeters of 2022 vs the commune table's: they differ only where perimeters moved
    assert same > 0.97
    assert (m.loc[both, "departement"].astype(str) == c.loc[both, "departement"].astype(str)).all()


def test_bassin_vie_indicators():
    bv = load_bassin_vie_indicators()
    assert list(bv.columns) == list(BASSIN_VIE_COLUMNS)
    assert len(bv) == 1_709 and bv["bassin_vie_2022"].is_unique
    lens = bv.set_index("bassin_vie_2022").loc["62498"]
    assert lens["name"] == "Lens"
    assert lens["poverty_rate_2021_pct"] == pytest.approx(23.3)
    assert lens["share_75_plus_2022_pct"] == pytest.approx(8.0)
    assert lens["nurse_density_liberal_2024_per_10k"] == pytest.approx(16.7)
    assert lens["gp_density_liberal_2024_per_10k"] == pytest.approx(7.3)
    assert lens["apl_gp_bassin_vie_2023"] == pytest.approx(4.8)
    assert lens["share_ald_2024_pct"] == pytest.approx(17.7)
    assert lens["deaths_2024"] == 3582
    # the poverty median the issue quotes (13.0 %)
    assert bv["poverty_rate_2021_pct"].median() == pytest.approx(13.0)
    # percentages are percentages
    for c in bv.columns:
        if c.endswith("_pct"):
            assert bv[c].dropna().between(0, 100).all(), c


def test_bassin_vie_rows_only_in_cartosante_keep_their_name():
    bv = load_bassin_vie_indicators().set_index("bassin_vie_2022")
    assert bv.loc[["977ZZ", "978ZZ"], "name"].notna().all()
    assert pd.isna(bv.loc["977ZZ", "share_75_plus_2022_pct"])


def test_departement_indicators():
    dep = load_departement_indicators()
    assert list(dep.columns) == list(DEPARTEMENT_COLUMNS)
    assert len(dep) == 101 and dep["departement"].is_unique
    d = dep.set_index("departement")
    assert d.loc["62", "name"] == "Pas-de-Calais"
    assert d.loc["62", "gp_count_2024"] == 1204
    assert d.loc["62", "nurse_count_2024"] == 2672
    assert d.loc["12", "gp_count_2024"] == 246
    assert d.loc["62", "life_expectancy_men_2024_years"] == pytest.approx(77.2)
    assert dep["gp_count_2024"].dtype == "int64"
    # same département codes as the commune table
    assert set(dep["departement"]) == set(load_communes()["departement"].astype(str))
