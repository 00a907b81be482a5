"""Sites with unknown GP staff: a stated distribution held at the site's commune.

Regression: the previous estimate was capped by the supply the calibrated model held in a
pool of communes within 10 minutes, and removed there in proportion (Decazeville and Firmi
showed identical figures, and a closure could remove supply from a neighbouring commune).
"""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.model import calibrated_baseline
from proxisante.model.site_estimate import (
    SiteEstimate,
    estimate_site_consultations,
    known_centre_consultations,
)
from proxisante.offer import load_default_offer
from proxisante.scenarios import Scenario, criticality_ranking, evaluate

DECAZEVILLE, FIRMI = "12089", "12100"


@pytest.fixture(scope="module")
def base():
    return calibrated_baseline()


def test_estimate_is_the_known_centres_distribution_by_hand(base):
    j = int(base.index_of([DECAZEVILLE])[0])
    est = estimate_site_consultations(base, j, [2000.0, 4000.0, 8000.0, np.nan, 0.0])
    assert (est.low, est.consultations, est.high) == (3000.0, 4000.0, 6000.0)
    assert est.sample.tolist() == [2000.0, 4000.0, 8000.0]  # NaN and 0 are not centres
    assert est.removal() == ([j], [-4000.0])
    assert est.removal(1000.0) == ([j], [-1000.0])
    # members draw the 20/40/60/80 % quantiles of the sample (4 members)
    draws = [est.member_consultations(k, 4) for k in range(4)]
    assert draws == pytest.approx(np.quantile([2000.0, 4000.0, 8000.0], [0.2, 0.4, 0.6, 0.8]))
    assert "médiane des 3 centres" in est.method and "fourchette P25–P75" in est.method


def test_decazeville_and_firmi_are_not_copies_of_each_other(base):
    known = known_centre_consultations(load_default_offer())
    rank = criticality_ranking(operator="filieris", baseline=base).set_index("name")
    deca, firmi = rank.loc["Centre Filieris de Decazeville"], rank.loc["Centre Filieris de Firmi"]
    for row in (deca, firmi):
        assert bool(row["gp_estimated"]) and row["consultations_lost"] == pytest.approx(
            np.median(known)
        )
        assert row["max_apl_drop"] > 0
        assert row["max_apl_drop_p10"] <= row["max_apl_drop"] <= row["max_apl_drop_p90"]
    # each closure is held at its own commune: the largest drop is in that commune
    for site, code in (("filieris-centre-de-decazeville", DECAZEVILLE),
                       ("filieris-centre-de-firmi", FIRMI)):  # fmt: skip
        sc = Scenario.model_validate({"name": "t", "baseline_year": 2023, "edits": [
            {"kind": "close_sites", "sites": [site]}]})  # fmt: skip
        res = evaluate(sc, baseline=base)
        c = res.communes.set_index("code_insee")
        i = int(base.index_of([code])[0])
        col = base.catchment.per_unit_effect([i]).toarray().ravel()
        np.testing.assert_allclose(c["delta_apl"].to_numpy(), -np.median(known) * col, atol=1e-12)
        hit = c["delta_apl"] != 0
        assert (c.loc[hit, "delta_apl_p10"] <= c.loc[hit, "delta_apl"] + 1e-12).all()
        assert (c.loc[hit, "delta_apl"] <= c.loc[hit, "delta_apl_p90"] + 1e-12).all()
        assert any("estimé" in n for n in res.notes)


def test_removal_is_at_the_site_only():
    est = SiteEstimate(10.0, 5.0, 20.0, "", 2, np.array([5.0, 10.0, 20.0]))
    assert est.removal(-3.0) == ([2], [-0.0])  # never an addition


def test_a_centre_whose_name_states_no_gp_discipline_gets_no_estimate(base):
    """FINESS category 124 counts dental and nursing centres: La Grand-Combe's dental centre
    gets no GP estimate (closing it changes no APL, and the scenario says so); the Filieris
    polyvalent centre of the same commune keeps its estimate."""
    from proxisante.model.site_estimate import unknown_staff_estimates

    offer = load_default_offer()
    sites = offer.sites[offer.sites["commune"] == "30132"]
    names = sites.set_index("site_id")["name"]
    assert "DENTAIRE" in names["300007408"] and "POLYVALENT" in names["300007879"]
    est = unknown_staff_estimates(offer, base, sites)
    assert "300007408" not in est and "300007879" in est
    res = evaluate(Scenario.model_validate({"name": "t", "baseline_year": 2023, "edits": [
        {"kind": "close_sites", "sites": ["300007408"]}]}), offer=offer, baseline=base)  # fmt: skip
    assert (res.communes["delta_apl"] == 0).all()
    assert any("aucun médecin généraliste connu" in n for n in res.notes)


def test_the_estimate_is_limited_by_the_official_apl_of_its_commune(base):
    """A centre cannot hold more GP activity than DREES counts in its own commune (its own
    pair: 0 minutes, weight 1, no travel estimate): at APL 0, the estimate is 0 and says so;
    elsewhere a closure of the central estimate never takes the commune below 0."""
    known = [8000.0, 16200.0, 24000.0]
    zero = np.flatnonzero((base.baseline_apl == 0) & (base.catchment.site_demand > 0))[0]
    est = estimate_site_consultations(base, int(zero), known)
    assert (est.consultations, est.low, est.high) == (0.0, 0.0, 0.0)
    assert "limitée à 0 consultations/an par l'APL officielle de sa commune" in est.method
    assert all(est.member_consultations(k, len(base.members)) == 0.0
               for k in range(len(base.members)))  # fmt: skip
    j = int(base.index_of([DECAZEVILLE])[0])
    deca = estimate_site_consultations(base, j, known)
    assert deca.consultations == 16200.0 and "limitée" not in deca.method
    rng = np.random.default_rng(5)
    for j in rng.choice(len(base.codes), 300, replace=False):
        e = estimate_site_consultations(base, int(j), known)
        own = base.baseline_apl[j] - e.consultations / base.catchment.site_demand[j]
        assert own >= -1e-9 or not np.isfinite(e.consultations)
