"""Where a new centre de santé can plausibly open: the stated candidate rule.

A commune can host a new centre when all three hold:

1. it is a **pôle or a bourg**: a commune of a pôle of an aire d'attraction des villes 2020
   (INSEE ``CATEAAV2020`` 11 commune-centre, 12 other commune of the pôle, 13 secondary pôle)
   or a commune of an unité urbaine 2020 (``TUU2017`` ≥ 1: at least 2,000 inhabitants in a
   continuous built-up area) — INSEE, table d'appartenance géographique des communes 2022;
2. a **GP already practises there** (INSEE BPE 2017, D201 ≥ 1): premises, a pharmacy and a
   patient flow exist, and a salaried team does not start from nothing;
3. **enough people within 15 minutes**: at least ``min_population_15_min`` inhabitants (DREES
   population of the APL year) live in communes less than 15 minutes away (the two first
   steps of the DREES decay), so that a team of two GPs (≈ 2 × 5,400 consultations a year)
   has a patient base.

Villages such as Saumane (Gard, 289 inhabitants) fail rules 1 and 2. The operator's own open
centres are always candidates (reinforced before any opening) whatever the rule says, and a
user's list of communes replaces the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.offer import load_bpe2017_gp_counts
from proxisante.territory import load_membership

__all__ = [
    "POLE_CATEGORIES",
    "CandidateRule",
    "eligible_communes",
    "population_within",
    "rule_inputs",
]

#: CATEAAV2020 categories of a pôle (11 commune-centre, 12 other commune, 13 secondary pôle).
POLE_CATEGORIES = (11, 12, 13)


@dataclass(frozen=True)
class CandidateRule:
    """Parameters of the rule (see the module docstring)."""

    min_population_15_min: float = 5000.0
    require_gp: bool = True

    def text_fr(self) -> str:
        """The rule in one French sentence (reports, xlsx)."""
        gp = " où exerce déjà au moins un médecin généraliste (BPE 2017)" if self.require_gp else ""
        return (
            "Communes candidates à l'ouverture : pôles (aires d'attraction des villes 2020, "
            "communes-centres, autres communes du pôle, pôles secondaires) ou bourgs (communes "
            f"d'une unité urbaine 2020){gp}, avec au moins {_int_fr(self.min_population_15_min)}"
            " habitants à moins de 15 minutes ; les centres existants de l'opérateur sont "
            "toujours candidats (renforcement avant ouverture)."
        )


def _int_fr(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def population_within(weights: sp.sparray, population: np.ndarray, *, min_weight: float):
    """Inhabitants living where the decay weight toward each destination is ≥ ``min_weight``.

    ``weights`` are the DREES step weights (origins × destinations, square over communes):
    weight ≥ 2/3 ⇔ less than 15 minutes. Returns one total per destination.
    """
    w = sp.csc_array(weights)
    keep = w.data >= min_weight - 1e-9
    rows = w.indices[keep]
    cols = np.repeat(np.arange(w.shape[1]), np.diff(w.indptr))[keep]
    return np.bincount(cols, weights=np.asarray(population, dtype=float)[rows],
                       minlength=w.shape[1])  # fmt: skip


def eligible_communes(
    *,
    attraction_category: np.ndarray,
    urban_unit_size_class: np.ndarray,
    gp_count: np.ndarray,
    population_15_min: np.ndarray,
    rule: CandidateRule | None = None,
) -> np.ndarray:
    """Boolean mask of the communes the rule accepts (arrays aligned on the same communes).

    Missing typology (NaN) counts as neither pôle nor bourg; missing GP count as none.
    """
    cat = np.nan_to_num(np.asarray(attraction_category, dtype=float), nan=-1)
    tuu = np.nan_to_num(np.asarray(urban_unit_size_class, dtype=float), nan=0)
    gp = np.nan_to_num(np.asarray(gp_count, dtype=float), nan=0)
    rule = rule or CandidateRule()
    pole_or_bourg = np.isin(cat, POLE_CATEGORIES) | (tuu >= 1)
    ok = pole_or_bourg & (np.asarray(population_15_min, dtype=float) >= rule.min_population_15_min)
    if rule.require_gp:
        ok &= gp >= 1
    return ok


def rule_inputs(codes: np.ndarray) -> pd.DataFrame:
    """Typology and GP counts of ``codes`` from the bundled INSEE tables.

    Returns ``attraction_category, urban_unit_size_class, gp_count`` indexed by code (NaN
    when a commune has no row: created after 2022, or merged and not located).
    """
    m = load_membership()
    m = m[m["code_insee_current"] != ""]
    # a current commune made of several 2022 communes takes the most central of them
    typo = m.groupby("code_insee_current").agg(
        attraction_category=("attraction_area_category_2020",
                             lambda s: _most_central(s.to_numpy())),
        urban_unit_size_class=("urban_unit_size_class_2017", "max"),
    )  # fmt: skip
    bpe = load_bpe2017_gp_counts()
    gp = bpe.groupby("code_insee")["gp_liberal_count_2017"].sum()
    out = typo.reindex(codes)
    out["gp_count"] = gp.reindex(codes).fillna(0.0).to_numpy()
    return out


def _most_central(cats: np.ndarray) -> float:
    """11 < 12 < 13 < 20 < 30: the most central category of merged communes."""
    cats = np.asarray(cats, dtype=float)
    return float(cats.min()) if len(cats) else np.nan
