"""Hand-computed small cases for every measure (the arithmetic is in the test)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import (
    DREES_APL_STEP,
    Catchment,
    LinearDecay,
    PowerDecay,
    apl,
    catchment_weights,
    covered_population,
    hansen_potential,
    nearest_minutes,
    three_step,
    two_step,
)
from proxisante.errors import InputError

# 3 communes A, B, C (origins) x 2 sites at A and C (destinations); minutes:
#        site@A  site@C
#   A      0      12
#   B      8      16
#   C      —       0      (C -> A beyond the 20-minute cut-off: not stored)
MINUTES = sp.csr_array(
    (np.array([0.0, 12.0, 8.0, 16.0, 0.0]), (np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 1]))),
    shape=(3, 2),
)
POP_STD = np.array([1000.0, 500.0, 2000.0])
CONSULTATIONS = np.array([2 * 5400.0, 5400.0])


def test_apl_by_hand():
    # DREES weights: A [1, 2/3]; B [1, 1/3]; C [0, 1]
    d_a = 1 * 1000 + 1 * 500  # 1500
    d_c = 2 / 3 * 1000 + 1 / 3 * 500 + 1 * 2000  # 2833.33
    r_a, r_c = 10800 / d_a, 5400 / d_c  # 7.2, 1.90588
    expected = [r_a + 2 / 3 * r_c, r_a + 1 / 3 * r_c, r_c]
    got = apl(MINUTES, CONSULTATIONS, POP_STD)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got[0] == pytest.approx(8.470588235294118)


def test_explicit_zero_minutes_is_reachable():
    # the stored 0 of C to its own site is weight 1, unlike an absent pair
    w = catchment_weights(MINUTES, DREES_APL_STEP)
    assert w[2, 1] == 1.0 and w[2, 0] == 0.0 and w.nnz == 5


def test_two_step_linear_decay_by_hand():
    dec = LinearDecay(20)  # weights: A [1, 0.4]; B [0.6, 0.2]; C [-, 1]
    d0 = 1 * 1000 + 0.6 * 500  # 1300
    d1 = 0.4 * 1000 + 0.2 * 500 + 1 * 2000  # 2500
    s = np.array([10.0, 5.0])
    r = np.array([10 / d0, 5 / d1])
    expected = [1 * r[0] + 0.4 * r[1], 0.6 * r[0] + 0.2 * r[1], r[1]]
    np.testing.assert_allclose(two_step(catchment_weights(MINUTES, dec), s, POP_STD), expected)


def test_three_step_by_hand():
    dec = LinearDecay(20)
    # selection weights G (row-normalised W): A [1/1.4, 0.4/1.4]; B [0.6/0.8, 0.2/0.8]; C [1]
    gw = np.array([[1 / 1.4 * 1, 0.4 / 1.4 * 0.4], [0.6 / 0.8 * 0.6, 0.2 / 0.8 * 0.2], [0, 1.0]])
    d = gw.T @ POP_STD
    s = np.array([10.0, 5.0])
    expected = gw @ (s / d)
    got = three_step(catchment_weights(MINUTES, dec), s, POP_STD)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_gravity_by_hand():
    dec = PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0)
    s = np.array([10.0, 5.0])
    # A: 10/1 + 5/12 ; B: 10/8 + 5/16 ; C: 5/1
    expected = [10 + 5 / 12, 10 / 8 + 5 / 16, 5.0]
    np.testing.assert_allclose(hansen_potential(catchment_weights(MINUTES, dec), s), expected)


def test_nearest_and_coverage_by_hand():
    s = np.array([0.0, 3.0])  # only the site at C has supply
    np.testing.assert_array_equal(nearest_minutes(MINUTES, s), [12.0, 16.0, 0.0])
    total, mask = covered_population(MINUTES, s, POP_STD, max_minutes=15)
    assert total == 1000 + 2000 and mask.tolist() == [True, False, True]
    empty = sp.csr_array((2, 2))
    assert np.isinf(nearest_minutes(empty, np.ones(2))).all()


def test_site_without_demand_is_defined_zero():
    m = sp.csr_array((np.array([5.0]), (np.array([0]), np.array([0]))), shape=(2, 2))
    got = apl(m, np.array([5400.0, 5400.0]), np.array([100.0, 100.0]))
    np.testing.assert_array_equal(got, [54.0, 0.0])  # site 1 reaches nobody: no NaN


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"supply": [-1.0, 1.0]}, r"supply\[0\] is -1.0"),
        ({"supply": [np.nan, 1.0]}, r"supply\[0\] is nan"),
        ({"demand": [1.0, 2.0]}, r"demand has shape \(2,\); expected 3"),
        ({"demand": [1.0, -2.0, 3.0]}, r"demand\[1\]"),
    ],
)
def test_bad_inputs(kwargs, pattern):
    args = {"supply": CONSULTATIONS, "demand": POP_STD} | kwargs
    w = catchment_weights(MINUTES, DREES_APL_STEP)
    with pytest.raises(InputError, match=pattern):
        two_step(w, args["supply"], args["demand"])


def test_bad_times_and_empty_territory():
    neg = sp.csr_array((np.array([-1.0]), (np.array([0]), np.array([0]))), shape=(1, 1))
    with pytest.raises(InputError, match="negative or non-finite"):
        apl(neg, [1.0], [1.0])
    with pytest.raises(InputError, match="empty territory"):
        two_step(sp.csr_array((0, 2)), [1.0, 1.0], [])
    with pytest.raises(InputError, match=r"scipy\.sparse"):
        apl(np.ones((2, 2)), [1.0, 1.0], [1.0, 1.0])


def test_catchment_matches_full_and_incremental_is_exact():
    c = Catchment.build(MINUTES, POP_STD)
    base = c.accessibility(CONSULTATIONS)
    np.testing.assert_allclose(base, apl(MINUTES, CONSULTATIONS, POP_STD), rtol=0, atol=1e-15)
    new = c.updated(base, [1, 1, 0], [-5400.0, 2700.0, 100.0])
    full = apl(MINUTES, CONSULTATIONS + np.array([100.0, -2700.0]), POP_STD)
    np.testing.assert_allclose(new, full, rtol=0, atol=1e-12)
    eff = c.per_unit_effect([1]).toarray().ravel()
    np.testing.assert_allclose(eff * 5400, c.delta([1], [5400.0]), atol=1e-15)
    with pytest.raises(InputError, match="outside"):
        c.delta([5], [1.0])


def test_m2sfca_by_hand():
    from proxisante.access import modified_two_step

    dec = LinearDecay(20)  # weights: A [1, 0.4]; B [0.6, 0.2]; C [-, 1]
    s = np.array([10.0, 5.0])
    r = np.array([10 / 1300, 5 / 2500])  # the 2SFCA ratios (demand 1300 and 2500)
    # second step with squared weights
    expected = [1 * r[0] + 0.16 * r[1], 0.36 * r[0] + 0.04 * r[1], 1 * r[1]]
    got = modified_two_step(catchment_weights(MINUTES, dec), s, POP_STD)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_bfca_by_hand():
    from proxisante.access import balanced

    dec = LinearDecay(20)
    # demand shares (rows): A [1/1.4, 0.4/1.4]; B [0.75, 0.25]; C [0, 1]
    d0 = 1000 / 1.4 + 500 * 0.75  # 1089.29
    d1 = 1000 * 0.4 / 1.4 + 500 * 0.25 + 2000  # 2410.71
    assert d0 + d1 == pytest.approx(POP_STD.sum())  # each person counted once
    r0, r1 = 10 / d0, 5 / d1
    # supply shares (columns): site 0: A 1/1.6, B 0.6/1.6; site 1: A 0.4/1.6, B 0.2/1.6, C 1/1.6
    expected = [r0 / 1.6 + 0.25 * r1, 0.375 * r0 + 0.125 * r1, 0.625 * r1]
    got = balanced(catchment_weights(MINUTES, dec), np.array([10.0, 5.0]), POP_STD)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def _naive(measure, w, s, p):
    """Pure-Python reference on a dense weight matrix (loops, no shared code)."""
    n_i, n_j = w.shape
    if measure == "m2sfca":
        ratio = [s[j] / sum(w[i][j] * p[i] for i in range(n_i)) if any(w[:, j] * p) else 0.0
                 for j in range(n_j)]  # fmt: skip
        return [sum(w[i][j] ** 2 * ratio[j] for j in range(n_j)) for i in range(n_i)]
    row = [sum(w[i]) for i in range(n_i)]
    col = [sum(w[i][j] for i in range(n_i)) for j in range(n_j)]
    ratio = []
    for j in range(n_j):
        dem = sum(w[i][j] / row[i] * p[i] for i in range(n_i) if row[i] > 0)
        ratio.append(s[j] / dem if dem > 0 else 0.0)
    return [sum(w[i][j] / col[j] * ratio[j] for j in range(n_j) if col[j] > 0)
            for i in range(n_i)]  # fmt: skip


@pytest.mark.parametrize("measure", ["m2sfca", "bfca"])
def test_m2sfca_bfca_match_naive_reference_on_random_asymmetric_inputs(measure):
    from proxisante.access import balanced, modified_two_step

    rng = np.random.default_rng(11)
    minutes = rng.uniform(0, 40, (9, 6))
    minutes[rng.random((9, 6)) < 0.4] = np.inf  # unreachable pairs
    keep = np.isfinite(minutes)
    m = sp.csr_array((minutes[keep], np.nonzero(keep)), shape=minutes.shape)
    w = catchment_weights(m, LinearDecay(45))
    s, p = rng.uniform(0, 5, 6), rng.uniform(0, 1000, 9)
    fn = modified_two_step if measure == "m2sfca" else balanced
    np.testing.assert_allclose(fn(w, s, p), _naive(measure, w.toarray(), s, p), rtol=1e-12)


def test_m2sfca_with_binary_catchment_is_2sfca():
    from proxisante.access import StepDecay, modified_two_step

    w = catchment_weights(MINUTES, StepDecay((20.0,), (1.0,)))
    s = np.array([10.0, 5.0])
    np.testing.assert_allclose(modified_two_step(w, s, POP_STD), two_step(w, s, POP_STD))
