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
