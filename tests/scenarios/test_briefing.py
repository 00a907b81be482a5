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


def _calibrated(ctx, supply):
    """``ctx`` as a calibrated world whose model holds ``supply`` consultations per commune."""
    import dataclasses

    supply = np.asarray(supply, dtype=float)
    return dataclasses.replace(ctx, supply=supply, model_apl=ctx.catchment.accessibility(supply),
                               model_id="test")  # fmt: skip


def test_estimate_is_held_at_its_commune_even_where_the_model_holds_none(ctx, territory, offer):
    """The unknown-staff centre of C is estimated from the known centres (5,400) and removed
    at C, though the model holds no supply there: the same rule as a published staff
    (no cap by the modelled supply), so its closure is quantified."""
    cal = _calibrated(ctx, [5400.0, 10800.0, 0.0])
    out = closure_effects(territory, _sites(), offer, cal).set_index("site_id")
    s2 = out.loc["s2"]
    assert s2["basis"] == "estimé" and s2["reason"] == "" and s2["consultations"] == 5400
    # D_C = 1/3·2000 + 3000; C loses 5,400 / D_C (A is beyond 20 minutes of C)
    d_c = 1 / 3 * 2000 + 3000
    expected = (0.0 * 1000 + -5400 / d_c * 3000) / 4000
    assert s2["delta_apl"] == pytest.approx(expected)
    assert out.loc["s1", "reason"] == "" and out.loc["s1", "delta_apl"] < 0


def test_closure_out_of_reach_says_so(ctx, offer):
    """A: 12 min from B, beyond 20 from C. Closing the centre of C (staff known) changes
    nothing in A: a computed 0 whose reason is stated."""
    staff = pd.concat([offer.staff, offer.staff.assign(site_id="s2")], ignore_index=True)
    both_known = Offer(sites=offer.sites, staff=staff)
    only_a = Territory("commune", "A", "A", pd.DataFrame({"code_insee": ["A"]}))
    out = closure_effects(only_a, _sites(), both_known, ctx).set_index("site_id")
    assert out.loc["s2", "delta_apl"] == 0 and out.loc["s2", "reason"] == "out_of_reach"
    assert out.loc["s1", "delta_apl"] < 0 and out.loc["s1", "reason"] == ""


def test_sites_serving_minutes_from_the_nearest_commune():
    """Circo 12-02 (96 communes): Figeac (Lot) is outside; its time is the shortest from a
    commune of the territory (recomputed here), not 0 (sparse min over missing pairs)."""
    from proxisante.offer import load_default_offer
    from proxisante.scenarios.briefing import sites_serving
    from proxisante.territory import load_communes, select
    from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH
    from proxisante.travel.estimate import great_circle_km

    t = select("circo:12-02")
    s = sites_serving(t, load_default_offer())
    figeac = s[s["commune"] == "46102"]
    assert len(figeac) and not figeac["inside"].any()
    c = load_communes().set_index("code_insee")
    inside = t.communes.dropna(subset=["lat"])
    km = great_circle_km(inside["lat"], inside["lon"], c.loc["46102", "lat"], c.loc["46102", "lon"])
    expected = float(np.min(km)) * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60
    assert figeac["minutes"].iloc[0] == pytest.approx(expected, rel=1e-9) and expected > 5
    assert (s.loc[s["inside"], "minutes"] == 0).all() and (s.loc[~s["inside"], "minutes"] > 0).all()
    assert s["minutes"].max() <= 20


def test_closure_of_a_site_without_gp_says_so(ctx, territory, offer):
    """A site whose published staff counts no GP (0 FTE): its closure changes no GP supply,
    said so (not « out of reach », not « estimate capped »)."""
    zero = offer.staff.assign(site_id="s2", fte=pd.array([0.0], dtype="Float64"), headcount=0)
    o = Offer(sites=offer.sites, staff=pd.concat([offer.staff, zero], ignore_index=True))
    sites = _sites().assign(staff_basis=["headcount", "fte"], gp_headcount=[1.0, 0.0])
    for world in (ctx, _calibrated(ctx, [5400.0, 10800.0, 0.0])):
        s2 = closure_effects(territory, sites, o, world).set_index("site_id").loc["s2"]
        assert s2["reason"] == "no_gp_staff" and s2["delta_apl"] == 0
        assert s2["apl_after"] == s2["apl_before"] and s2["population_newly_under"] == 0


def test_comparison_counts_the_zoning_apl_beside_the_all_ages_apl():
    """Page 1's comparison says which APL each count uses: « type ZIP » by the APL of GPs
    under 65 (the zoning rule) and under 2.5 by the all-ages APL. Aveyron's 2nd
    constituency: 34,167 and 16,258 inhabitants (DREES 2023), counted here from the
    official table directly."""
    from proxisante.scenarios.briefing import apl_comparison
    from proxisante.territory import load_official_apl, select

    t = select("circo:12-02")
    row = apl_comparison(t, 2023).iloc[0]
    apl = load_official_apl(2023)
    apl = apl[apl["in_current_geography"] & apl["code_insee"].isin(t.codes)]
    by_hand = apl.loc[apl["apl_generalistes_moins65"] < 2.5, "pop_totale"].sum()
    assert row["population_zoning_under"] == by_hand == 34_167
    assert row["population_under_served"] == 16_258


def test_closures_of_centres_without_gp_say_why():
    """A dental centre (FINESS category 124, named « dentaire ») holds no GP: its closure is
    a stated 0, not « effectif inconnu ». A centre in a commune whose official APL is 0 has
    an estimated GP staff of 0, said so."""
    from proxisante.model import calibrated_baseline
    from proxisante.offer import load_default_offer
    from proxisante.territory import select

    offer, base = load_default_offer(), calibrated_baseline()
    dental = offer.sites[offer.sites["site_id"] == "300007408"].assign(
        commune_nom="La Grand-Combe", staff_basis="unknown")  # fmt: skip
    out = closure_effects(select("30132"), dental, offer, base).iloc[0]
    assert out["reason"] == "no_gp_discipline"
    assert out["consultations"] == 0 and out["delta_apl"] == 0
    centres = offer.sites[(offer.sites["category"] == "centre_de_sante")
                          & offer.sites["commune"].isin(base.codes)]  # fmt: skip
    apl = pd.Series(base.baseline_apl, index=base.codes)
    at_zero = centres[(apl.reindex(centres["commune"]).to_numpy() == 0)
                      & ~centres["name"].str.contains("DENTAIRE|INFIRMI", case=False)]  # fmt: skip
    site = at_zero.iloc[[0]].assign(commune_nom="x", staff_basis="unknown")
    out = closure_effects(select(site["commune"].iloc[0]), site, offer, base).iloc[0]
    assert out["reason"] == "no_gp_counted" and out["consultations"] == 0
