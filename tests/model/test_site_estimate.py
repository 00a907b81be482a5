"""Sites with unknown GP staff: an estimate capped by the supply the model holds nearby.

Regression: in the bundled 2023 model Decazeville (12089) holds no supply (its 2017 GPs sit
in Firmi and Almont-les-Junies, a few minutes away, with nearly the same catchment), so a
cap at the commune alone made the Filieris centre of Decazeville a silent 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import Catchment, EvaluationBaseline
from proxisante.access.baseline import EnsembleMember
from proxisante.model import calibrated_baseline
from proxisante.model.site_estimate import (
    POOL_MINUTES,
    SiteEstimate,
    estimate_site_consultations,
    known_centre_consultations,
    pool_columns,
)
from proxisante.offer import load_default_offer
from proxisante.scenarios import Scenario, criticality_ranking, evaluate

DECAZEVILLE, FIRMI = "12089", "12100"


@pytest.fixture(scope="module")
def base():
    return calibrated_baseline()


def _toy(supply, member_supply):
    """Three communes on a line: 0–1 5 minutes apart, 2 at 12 minutes from 1 (17 from 0)."""
    minutes = sp.csr_array(np.array([[0.0, 5.0, 17.0], [5.0, 0.0, 12.0], [17.0, 12.0, 0.0]]))
    pop = np.array([1000.0, 1000.0, 1000.0])
    cat = Catchment.build(minutes, pop)
    s = np.asarray(supply, dtype=float)
    m = np.asarray(member_supply, dtype=float)
    return EvaluationBaseline(
        year=2023, codes=np.array(["a", "b", "c"]), baseline_apl=cat.accessibility(s),
        pop_standardisee=pop, pop_totale=pop, catchment=cat, supply=s,
        model_apl=cat.accessibility(s),
        members=(EnsembleMember(catchment=cat, supply=m, model_apl=cat.accessibility(m)),),
        model_id="toy",
    )  # fmt: skip


def test_pooled_estimate_by_hand():
    # the model put commune a's supply in b (5 minutes away): a holds 0, b 6,000, c 9,000
    toy = _toy([0.0, 6000.0, 9000.0], [1000.0, 2000.0, 9000.0])
    assert pool_columns(toy, 0).tolist() == [0, 1]  # c is 17 minutes away: not in the pool
    est = estimate_site_consultations(toy, 0, [2000.0, 4000.0, 8000.0])
    # median 4,000 ≤ pool 6,000: no silent 0; range P25–P75 (3,000–6,000) capped by the
    # lowest/highest pool supply of the members (3,000 in the member)
    assert est.consultations == 4000.0
    assert (est.low, est.high) == (3000.0, 4000.0)
    assert "à moins de 10 minutes" in est.method and "dont 0 dans la commune" in est.method
    cols, delta = est.removal(toy.supply)
    assert cols.tolist() == [1] and delta.tolist() == [-4000.0]
    # the member's own supply: 1,000 from a first, then 3,000 from b
    cols, delta = est.removal(toy.members[0].supply)
    assert cols.tolist() == [0, 1] and delta.tolist() == [-1000.0, -2000.0]  # all b holds
    # without anything near, the cap is the commune's supply and the pool is the commune
    lone = estimate_site_consultations(toy, 2, [2000.0, 4000.0, 8000.0])
    assert lone.pool.tolist() == [2] and lone.consultations == 4000.0
    assert "à moins de" not in lone.method


def test_removal_never_exceeds_what_a_world_holds():
    est = SiteEstimate(10.0, 5.0, 20.0, "", np.array([2, 0, 1]))
    for supply in ([0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [50.0, 50.0, 0.0]):
        cols, delta = est.removal(np.array(supply), 20.0)
        assert (-delta <= np.array(supply)[cols] + 1e-12).all()
        assert -delta.sum() == pytest.approx(min(20.0, sum(supply)))


def test_decazeville_regression_estimate_is_not_a_silent_zero(base):
    j = int(base.index_of([DECAZEVILLE])[0])
    assert base.supply[j] == 0.0  # what made the old estimate 0
    assert int(base.index_of([FIRMI])[0]) in pool_columns(base, j)
    assert POOL_MINUTES == 10.0
    known = known_centre_consultations(load_default_offer())
    est = estimate_site_consultations(base, j, known)
    assert est.consultations == pytest.approx(np.median(known)) and est.consultations > 0
    assert 0 < est.low <= est.consultations <= est.high
    assert "ne distingue pas des communes si proches" in est.method
    after = base.apl_after(*est.removal(base.supply))
    assert after.min() >= 0.0 and (after < base.baseline_apl - 1e-9).any()


def test_criticality_and_scenario_give_decazeville_an_effect_with_a_range(base):
    rank = criticality_ranking(operator="filieris", baseline=base).set_index("name")
    for name in ("Centre Filieris de Decazeville", "Centre Filieris de Firmi",
                 "Centre de santé Filieris de Salindres",
                 "Centre de santé Filieris de Ham-en-Artois"):  # fmt: skip
        row = rank.loc[name]
        assert bool(row["gp_estimated"]) and row["consultations_lost"] > 0
        assert row["max_apl_drop"] > 0 and 0 < row["max_apl_drop_p10"] <= row["max_apl_drop_p90"]
    sc = Scenario.model_validate({"name": "t", "baseline_year": 2023, "edits": [
        {"kind": "close_sites", "sites": ["filieris-centre-de-decazeville"]}]})  # fmt: skip
    res = evaluate(sc, baseline=base)
    c = res.communes
    assert c["delta_apl"].min() < 0 and c["apl_after"].min() >= 0.0
    hit = c["delta_apl"] != 0
    assert (c.loc[hit, "delta_apl_p10"] <= c.loc[hit, "delta_apl_p90"] + 1e-12).all()
    assert any("Decazeville" in n and "estimé" in n for n in res.notes)
