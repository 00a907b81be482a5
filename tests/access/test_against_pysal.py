"""Equality with PySAL `access` (test-only dependency) on shared random inputs, to 1e-9.

Also an asymmetric travel-time matrix (the bug class of access issue #18) and the
engine's linearity / split-invariance / zero-supply properties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.access import (
    LUO_QI_ZONES,
    GaussianDecay,
    LinearDecay,
    PowerDecay,
    StepDecay,
    apl,
    catchment_weights,
    hansen_potential,
    three_step,
    two_step,
)

access = pytest.importorskip("access", reason="PySAL access is a test-only dependency")
weights = pytest.importorskip("access.weights")

MAX_MINUTES = 30.0


@pytest.fixture(params=[0, 1, 2])
def instance(request):
    """Random asymmetric instance: 60 demand zones, 18 supply sites, times 0-45 min."""
    rng = np.random.default_rng(request.param)
    n_i, n_j = 60, 18
    t = rng.uniform(0, 45, size=(n_i, n_j))
    t[rng.random((n_i, n_j)) < 0.15] = np.nan  # some pairs unreachable
    keep = np.isfinite(t) & (t <= MAX_MINUTES)
    rows, cols = np.nonzero(keep)
    minutes = sp.csr_array((t[rows, cols], (rows, cols)), shape=(n_i, n_j))
    pop = rng.integers(100, 5000, n_i).astype(float)
    supply = rng.integers(0, 20, n_j).astype(float)
    demand_df = pd.DataFrame({"geoid": np.arange(n_i), "pop": pop})
    supply_df = pd.DataFrame({"geoid": np.arange(n_j), "doctors": supply})
    cost_df = pd.DataFrame({"origin": rows, "dest": cols, "cost": t[rows, cols]})
    model = access.Access(
        demand_df=demand_df, demand_index="geoid", demand_value="pop",
        supply_df=supply_df, supply_index="geoid", supply_value="doctors",
        cost_df=cost_df, cost_origin="origin", cost_dest="dest", cost_name="cost",
    )  # fmt: skip
    return minutes, pop, supply, model


def _theirs(series: pd.DataFrame, n: int) -> np.ndarray:
    return series.iloc[:, 0].reindex(np.arange(n)).fillna(0.0).to_numpy()


def test_2sfca_equals_pysal(instance):
    minutes, pop, supply, model = instance
    step = StepDecay(uppers=(MAX_MINUTES,), values=(1.0,))
    ours = two_step(catchment_weights(minutes, step), supply, pop)
    theirs = _theirs(model.two_stage_fca(name="x", max_cost=MAX_MINUTES), len(pop))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_e2sfca_equals_pysal(instance):
    minutes, pop, supply, model = instance
    fn = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    # PySAL's step_fn is closed on the right (t <= bound): LUO_QI_ZONES uses closed="right"
    ours = two_step(catchment_weights(minutes, LUO_QI_ZONES), supply, pop)
    theirs = _theirs(
        model.enhanced_two_stage_fca(name="x", weight_fn=fn, max_cost=MAX_MINUTES), len(pop)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_3sfca_equals_pysal(instance):
    minutes, pop, supply, model = instance
    fn = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    ours = three_step(catchment_weights(minutes, LUO_QI_ZONES), supply, pop)
    theirs = _theirs(model.three_stage_fca(name="x", weight_fn=fn, max_cost=MAX_MINUTES), len(pop))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_gravity_equals_pysal(instance):
    minutes, pop, supply, model = instance
    fn = weights.gravity(scale=10, alpha=-1.5, min_dist=1)
    ours = hansen_potential(
        catchment_weights(minutes, PowerDecay(beta=1.5, scale_minutes=10, min_minutes=1)), supply
    )
    theirs = _theirs(
        model.weighted_catchment(name="x", weight_fn=fn, max_cost=MAX_MINUTES), len(pop)
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_asymmetric_matrix_orientation():
    # origins x sites: origin 0 -> site 0 in 0 min, -> site 1 in 5; origin 1 -> site 0 in 25
    # (weight 0), -> site 1 in 0. The transpose describes a different world.
    dense = np.array([[0.0, 5.0], [25.0, 0.0]])
    rows, cols = np.nonzero(np.ones_like(dense))
    m = sp.csr_array((dense[rows, cols], (rows, cols)), shape=(2, 2))
    pop = np.array([100.0, 300.0])
    s = np.array([5400.0, 0.0])
    # site 0 is reached by origin 0 only: D0 = 100, R0 = 54 -> APL [54, 0]
    np.testing.assert_allclose(apl(m, s, pop), [54.0, 0.0])
    # transposed: site 0 reached by both (0 and 5 min): D0 = 400, R0 = 13.5 -> [13.5, 13.5]
    np.testing.assert_allclose(apl(sp.csr_array(m.T), s, pop), [13.5, 13.5])


def test_properties(instance):
    minutes, pop, supply, _ = instance
    w = catchment_weights(minutes, LinearDecay(MAX_MINUTES))
    # linear in supply
    a1, a2 = two_step(w, supply, pop), two_step(w, 3 * supply + 1, pop)
    np.testing.assert_allclose(a2, 3 * a1 + two_step(w, np.ones_like(supply), pop), rtol=1e-12)
    # invariant to splitting a site in two (duplicate column, supply halved)
    w2 = sp.csr_array(sp.hstack([w, w[:, [0]]]))
    s2 = np.append(supply, supply[0] / 2)
    s2[0] = supply[0] / 2
    np.testing.assert_allclose(two_step(w2, s2, pop), a1, rtol=1e-12)
    # zero where no supply is reachable
    s0 = supply.copy()
    s0[:] = 0
    assert (two_step(w, s0, pop) == 0).all()
    # analytic limit: one catchment covering everything -> total supply / total demand
    full = sp.csr_array(np.ones((len(pop), len(supply))))
    np.testing.assert_allclose(two_step(full, supply, pop), supply.sum() / pop.sum(), rtol=1e-12)


def _model(rows, cols, t, pop, supply):
    return access.Access(
        demand_df=pd.DataFrame({"geoid": np.arange(len(pop)), "pop": pop}), demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": np.arange(len(supply)), "doctors": supply}),
        supply_index="geoid", supply_value="doctors",
        cost_df=pd.DataFrame({"origin": rows, "dest": cols, "cost": t}), cost_origin="origin",
        cost_dest="dest", cost_name="cost",
    )  # fmt: skip


def test_square_asymmetric_integer_times_equal_pysal():
    """Same ids on both sides, t_ij != t_ji, whole minutes hitting the zone bounds exactly.

    Any transposition (origin/destination swapped) or boundary-convention mismatch shows."""
    rng = np.random.default_rng(7)
    n = 40
    t = rng.integers(0, 36, size=(n, n)).astype(float)  # asymmetric, many ties at 10/20/30
    np.fill_diagonal(t, 0.0)
    assert not np.allclose(t, t.T)
    rows, cols = np.nonzero(t <= MAX_MINUTES)
    minutes = sp.csr_array((t[rows, cols], (rows, cols)), shape=(n, n))
    assert minutes.nnz == len(rows)  # the stored 0-minute diagonal is kept
    pop = rng.integers(100, 5000, n).astype(float)
    supply = rng.integers(0, 20, n).astype(float)
    model = _model(rows, cols, t[rows, cols], pop, supply)
    fn = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    w = catchment_weights(minutes, LUO_QI_ZONES)
    pairs = [
        (two_step(w, supply, pop), model.enhanced_two_stage_fca(name="e", weight_fn=fn)),
        (three_step(w, supply, pop), model.three_stage_fca(name="t", weight_fn=fn)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours, _theirs(theirs, n), rtol=1e-9, atol=1e-12)
    # the transposed matrix gives a different answer: orientation matters
    assert not np.allclose(two_step(sp.csr_array(w.T), supply, pop), pairs[0][0])


def test_gaussian_2sfca_and_3sfca_normalisation_vs_pysal(instance):
    """PySAL's 3SFCA computes the selection weights G over *every* row of its cost table,
    before applying ``max_cost``; ours over the stored pairs (the matrix cut-off). They agree
    when the cost table is cut at the same time as the catchment, as here (the travel
    matrix holds only pairs ≤ 30 min and ``max_cost`` = 30)."""
    minutes, pop, supply, model = instance
    dec = GaussianDecay(sigma_minutes=12.0, max_minutes=MAX_MINUTES)
    fn = weights.gaussian(12.0)
    w = catchment_weights(minutes, dec)
    theirs2 = model.two_stage_fca(name="g2", weight_fn=fn, max_cost=MAX_MINUTES)
    theirs3 = model.three_stage_fca(name="g3", weight_fn=fn, max_cost=MAX_MINUTES)
    n = len(pop)
    np.testing.assert_allclose(two_step(w, supply, pop), _theirs(theirs2, n), rtol=1e-9)
    np.testing.assert_allclose(three_step(w, supply, pop), _theirs(theirs3, n), rtol=1e-9)
