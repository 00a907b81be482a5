"""Age estimate: the tilt by hand, calibration on groups, aggregation, imports kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from proxisante.errors import InputError
from proxisante.needs.age_estimate import (
    AGE_LABELS,
    AgeEstimate,
    calibrated_tilt,
    reference_pyramid,
    tilt_to_ratio,
)
from proxisante.territory import age_weights

OLD = np.array([label in ("75-79", "80-84", "85-89", "90+") for label in AGE_LABELS])
YOUNG = np.array([label in ("0-4", "5-9", "10-14") for label in AGE_LABELS])


def test_tilt_two_bands_by_hand():
    # p ∝ (0.5, 0.5)·exp(θ·(1, 3)); mean weight 2.5 ⇒ p = (0.25, 0.75) and θ = ln(3)/2
    p = tilt_to_ratio([2.5], [1.0, 3.0], [0.5, 0.5])
    assert p[0] == pytest.approx([0.25, 0.75], abs=1e-9)
    # non-uniform base: base (0.8, 0.2), target 0.5·1 + 0.5·3 = 2 ⇒ p = (0.5, 0.5)
    p = tilt_to_ratio([2.0], [1.0, 3.0], [0.8, 0.2])
    assert p[0] == pytest.approx([0.5, 0.5], abs=1e-9)


def test_tilt_is_the_closest_distribution_three_bands():
    # With three bands the tilt p_b ∝ q_b e^{θ w_b} is the KL projection: check against a
    # brute-force minimisation of KL(p‖q) over the feasible line {Σp = 1, Σ p w = r}.
    q = np.array([0.2, 0.5, 0.3])
    w = np.array([0.5, 1.0, 2.0])
    r = 1.4
    p = tilt_to_ratio([r], w, q)[0]
    assert p @ w == pytest.approx(r, abs=1e-9)
    # feasible p = p0 + t·d with d ⟂ (1, w)
    d = np.cross(np.ones(3), w)
    ts = np.linspace(-1, 1, 200_001)
    cand = p[None, :] + ts[:, None] * d[None, :]
    ok = (cand > 0).all(axis=1)
    kl = (cand[ok] * np.log(cand[ok] / q)).sum(axis=1)
    best = cand[ok][np.argmin(kl)]
    assert best == pytest.approx(p, abs=1e-4)


def test_tilt_rejects_impossible_ratio():
    with pytest.raises(InputError, match="outside the open range"):
        tilt_to_ratio([3.5], [1.0, 3.0], [0.5, 0.5])


def test_reference_pyramid_is_insee_rp2018():
    q = reference_pyramid()
    assert q.sum() == pytest.approx(1.0)
    # 75+: (2,179,222 + 1,883,645 + 1,335,575 + 837,479) / 66,732,540
    assert q[OLD].sum() == pytest.approx(6_235_921 / 66_732_540, rel=1e-9)


def test_calibration_reproduces_group_shares_and_each_ratio():
    w = age_weights(2023)
    q = reference_pyramid()
    ratio = np.array([0.95, 1.10, 1.02, 0.99])
    pop = np.array([1000.0, 3000.0, 500.0, 800.0])
    group = np.array([0, 0, 1, -1])  # commune 3 has no bassin: ratio-only
    t_old = np.array([0.12, np.nan])  # group 1 has no published 75+ share
    t_young = np.array([0.17, 0.20])
    p, rounds = calibrated_tilt(ratio, w, q, group=group, population=pop,
                                target_old=t_old, target_young=t_young)  # fmt: skip
    assert rounds < 200
    assert p.sum(axis=1) == pytest.approx(np.ones(4))
    assert p @ w == pytest.approx(ratio, abs=1e-8)  # every commune keeps its DREES ratio
    agg_old = (pop[:2] * p[:2, OLD].sum(axis=1)).sum() / pop[:2].sum()
    agg_young = (pop[:2] * p[:2, YOUNG].sum(axis=1)).sum() / pop[:2].sum()
    assert agg_old == pytest.approx(0.12, abs=2e-5)
    assert agg_young == pytest.approx(0.17, abs=2e-5)
    assert p[2, YOUNG].sum() == pytest.approx(0.20, abs=2e-5)  # single commune: exact
    alone = tilt_to_ratio(ratio[3:], w, q)
    assert p[3] == pytest.approx(alone[0])  # no bassin: untouched by the calibration


def test_aggregation_of_an_estimate_by_hand():
    bands = pd.DataFrame(0.0, index=["a", "b"], columns=AGE_LABELS)
    bands.loc["a", ["50-54", "75-79"]] = [30.0, 10.0]
    bands.loc["b", ["65-69", "90+", "0-4"]] = [20.0, 5.0, 15.0]
    est = AgeEstimate(bands, pd.Series("estimate_calibrated", index=bands.index), 2021)
    assert est.aged(75).tolist() == [10.0, 5.0]
    assert est.aged(65).tolist() == [10.0, 25.0]
    assert est.between(50, 74).tolist() == [30.0, 20.0]
    # 75+ share of the two communes together: 15 / 80
    assert est.aged(75).sum() / bands.to_numpy().sum() == pytest.approx(15 / 80)
    with pytest.raises(InputError, match="band limits"):
        est.between(52, 74)
