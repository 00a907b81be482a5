"""Briefing computations on a hand-computed three-commune case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.access import EvaluationBaseline
from proxisante.access.incremental import Catchment
from proxisante.offer import Offer
from proxisante.scenarios.briefing import closure_effects, network_weight
from proxisante.territory import Territory

# Communes A, B, C: A–B 12 min (DREES weight 2/3), B–C 18 min (1/3), A–C beyond 20 min.
CODES = np.array(["A", "B", "C"])
MINUTES = sp.csr_array(
    (np.array([0.0, 12.0, 12.0, 0.0, 18.0, 18.0, 0.0]),
     (np.array([0, 0, 1, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 2, 1, 2]))),
    shape=(3, 3),
)  # fmt: skip
P_STD = np.array([1000.0, 2000.0, 3000.0])
BASE = np.array([3.0, 4.0, 2.6])
POP = np.array([1000.0, 2000.0, 3000.0])


@pytest.fixture
def ctx():
    return EvaluationBaseline(year=2023, codes=CODES, baseline_apl=BASE, pop_standardisee=P_STD,
                              pop_totale=POP, catchment=Catchment.build(MINUTES, P_STD))  # fmt: skip


@pytest.fixture
def territory():
    return Territory("commune", "A,C", "A et C", pd.DataFrame({"code_insee": ["A", "C"]}))


def _sites():
    return pd.DataFrame({
        "site_id": ["s1", "s2"], "name": ["Site B", "Site C"], "commune": ["B", "C"],
        "commune_nom": ["B", "C"], "staff_basis": ["headcount", "unknown"],
        "gp_headcount": [1.0, np.nan], "inside": [False, True],
    })  # fmt: skip


@pytest.fixture
def offer():
    """Site s1 in B with one GP stated (5,400 consultations); s2 in C, staff unknown."""
    sites = pd.DataFrame({
        "site_id": ["s1", "s2"], "name": ["Site B", "Site C"], "commune": ["B", "C"],
        "status": ["open", "open"], "operator": ["filieris", "filieris"],
        "category": ["centre_de_sante", "centre_de_sante"],
    })  # fmt: skip
    staff = pd.DataFrame({
        "site_id": ["s1"], "profession": ["gp"], "headcount": [1],
        "fte": pd.array([pd.NA], dtype="Float64"),
        "activity_consultations": pd.array([pd.NA], dtype="Float64"),
        "birth_year": pd.array([pd.NA], dtype="Int16"),
    })  # fmt: skip
    return Offer(sites=sites, staff=staff)


def test_closure_effect_by_hand(ctx, territory, offer):
    out = closure_effects(territory, _sites(), offer, ctx).set_index("site_id")
    # D_B = 2/3·1000 + 2000 + 1/3·3000 = 3666.67; ΔA = −5400·(2/3)/D_B, ΔC = −5400·(1/3)/D_B
    d_b = 2 / 3 * 1000 + 2000 + 1 / 3 * 3000
    da, dc = -5400 * (2 / 3) / d_b, -5400 * (1 / 3) / d_b
    s1 = out.loc["s1"]
    assert s1["apl_before"] == pytest.approx((3.0 * 1000 + 2.6 * 3000) / 4000)
    assert s1["delta_apl"] == pytest.approx((da * 1000 + dc * 3000) / 4000)
    assert s1["max_commune_drop"] == pytest.approx(-da)
    assert s1["population_newly_under"] == 4000  # A 3.0 → 2.02 and C 2.6 → 2.11
    assert s1["consultations"] == 5400 and s1["basis"] == "headcount"
    # unknown staff: not quantified (NaN), never 0, and ranked after the known site
    assert np.isnan(out.loc["s2", "delta_apl"]) and list(out.index) == ["s1", "s2"]


def test_network_weight_by_hand(ctx, territory, offer):
    w = network_weight(territory, _sites(), offer, ctx)
    d_b = 2 / 3 * 1000 + 2000 + 1 / 3 * 3000
    lost = 5400 * (2 / 3) / d_b * 1000 + 5400 * (1 / 3) / d_b * 3000
    assert w["share"] == pytest.approx(lost / (3.0 * 1000 + 2.6 * 3000))
    assert w["sites"] == 2 and w["sites_inside"] == 1 and w["sites_staff_known"] == 1
    assert w["gp_headcount_known"] == 1.0
