"""Bundled INSEE BPE 2021 counts: national totals of SOURCE §9, one level for PLM, merges."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.errors import InputError, UnknownCommuneError
from proxisante.territory import bpe2021_counts, load_bpe2021_counts, load_communes

#: SOURCE §9 national totals (city rows of Paris/Lyon/Marseille excluded).
SOURCE_TOTALS = {
    "gp": 60_112, "nurse": 106_412, "physiotherapist": 79_682, "midwife": 7_636,
    "dentist": 38_085, "centre_de_sante": 2_489, "maison_de_sante": 1_766,
    "elderly_home_nursing": 2_102,
}  # fmt: skip


@pytest.fixture(scope="module")
def table():
    return load_bpe2021_counts()


def test_national_totals_are_those_of_the_source(table):
    for kind, total in SOURCE_TOTALS.items():
        assert int(table[kind].sum()) == total, kind


def test_merges_keep_totals_and_only_six_codes_stay_outside(table):
    outside = table[~table["in_current_geography"]]
    assert sorted(outside["code_insee"]) == ["02077", "18131", "25282", "25549", "27058", "95282"]
    # the GPs on the current geography: the source total minus what no offline source places
    inside = table[table["in_current_geography"]]
    assert int(inside["gp"].sum()) == 60_112 - 2
    # a merged code is summed into its current commune: 93059 Pierrefitte into 93066 Saint-Denis
    saint_denis = table.set_index("code_insee").loc["93066"]
    assert "93059" in saint_denis["codes_2021"].split("|")


def test_one_level_for_paris_lyon_marseille(table):
    codes = set(table["code_insee"])
    assert not codes & {"75056", "69123", "13055"}
    assert sum(c.startswith("751") for c in codes) == 20
    # the whole city is the sum of its arrondissements
    paris = bpe2021_counts("gp", ["75056"]).iloc[0]
    arr = table[table["code_insee"].str.startswith("751")]["gp"].sum()
    assert paris == arr > 0


def test_aligned_to_the_commune_table(table):
    communes = load_communes()
    communes = communes[~communes["code_insee"].isin(["75056", "69123", "13055"])]
    s = bpe2021_counts("physiotherapist", communes["code_insee"])
    assert list(s.index) == list(communes["code_insee"])
    # Loison-sous-Lens (SOURCE §9 check value): 4 GPs, 15 nurses, 7 kinés
    assert [bpe2021_counts(k, ["62523"]).iloc[0] for k in ("gp", "nurse", "physiotherapist")] == [
        4.0, 15.0, 7.0,
    ]  # fmt: skip
    # communes created after 2021 are unknown, not 0
    restored = table.loc[~table["in_bpe2021"], "code_insee"]
    assert len(restored) == 8 and np.isnan(bpe2021_counts("nurse", restored)).all()


def test_bad_kind_and_unknown_commune():
    with pytest.raises(InputError, match="BPE 2021 kind 'plumbers' is not known"):
        bpe2021_counts("plumbers")
    with pytest.raises(UnknownCommuneError):
        bpe2021_counts("gp", ["99999"])
