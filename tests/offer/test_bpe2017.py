"""Bundled BPE 2017 libéral GP counts per commune, mapped to the current geography."""

from __future__ import annotations

import pandas as pd

from proxisante._bundled import bundled_path
from proxisante.offer import BPE2017_COLUMNS, load_bpe2017_gp_counts
from proxisante.territory import load_communes


def test_totals_are_preserved_and_nothing_dropped():
    bpe = load_bpe2017_gp_counts()
    assert list(bpe.columns) == list(BPE2017_COLUMNS)
    assert bpe["code_insee"].is_unique
    assert int(bpe["gp_liberal_count_2017"].sum()) == 58_031
    assert int(bpe["n_codes_2017"].sum()) == 9_528
    assert (bpe["gp_liberal_count_2017"] > 0).all()
    codes = [c for s in bpe["codes_2017"] for c in s.split("|")]
    assert len(codes) == len(set(codes)) == 9_528


def test_merged_communes_are_remapped_to_current_ones():
    bpe = load_bpe2017_gp_counts()
    current = set(load_communes()["code_insee"])
    assert (bpe["in_current_geography"] == bpe["code_insee"].isin(current)).all()
    remapped = [
        (c, r.code_insee)
        for r in bpe.itertuples()
        for c in r.codes_2017.split("|")
        if c != r.code_insee
    ]
    assert len(remapped) == 40
    # every remapping is a former commune of the commune nouvelle holding it, or one of the
    # DREES merged communes shipped with the package
    merged = pd.read_csv(bundled_path("apl_merged_communes.csv"), dtype=str)
    former = pd.read_csv(bundled_path("former_communes.csv"), dtype=str)
    known = set(zip(merged["code_drees"], merged["code_insee"], strict=True)) | set(
        zip(former["code_former"], former["code_insee"], strict=True)
    )
    assert set(remapped) <= known
    # 14623 Saint-Martin-de-Fontenay merged into 14408 Saint-Martin-de-May in 2025 (the
    # nearest-polygon rule had put it in 14341 Ifs)
    assert ("14623", "14408") in remapped
    outside = bpe[~bpe["in_current_geography"]]
    assert len(outside) == 8 and int(outside["gp_liberal_count_2017"].sum()) == 32
    assert not outside["remapped"].any()


def test_loison_sous_lens_row():
    bpe = load_bpe2017_gp_counts().set_index("code_insee")
    assert bpe.loc["62523", "codes_2017"] == "62523"
    assert bpe.loc["62523", "gp_liberal_count_2017"] >= 1
