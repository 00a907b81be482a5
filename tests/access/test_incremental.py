"""Exact incremental updates = full recompute (1e-12), with and without a baseline."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import (
    DREES_APL_STEP,
    Catchment,
    GaussianDecay,
    apl,
    apply_supply_change,
    supply_change_delta,
)
from proxisante.errors import InputError


def _instance(seed: int, n_i: int = 300, n_j: int = 80):
    """Random asymmetric instance within 25 minutes, with explicit 0-minute pairs."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 40, size=(n_i, n_j))
    t[rng.random((n_i, n_j)) < 0.3] = 0.0  # some 0-minute pairs: stored, weight 1
    rows, cols = np.nonzero(t <= 25)
    minutes = sp.csr_array((t[rows, cols], (rows, cols)), shape=(n_i, n_j))
    pop = rng.uniform(50, 5000, n_i)
    supply = np.where(rng.random(n_j) < 0.6, rng.uniform(0, 30000, n_j), 0.0)
    return minutes, pop, supply, rng


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_equals_full_recompute(seed):
    minutes, pop, supply, rng = _instance(seed)
    cat = Catchment.build(minutes, pop)
    base = cat.accessibility(supply)
    np.testing.assert_allclose(base, apl(minutes, supply, pop), rtol=0, atol=1e-12)
    for _ in range(5):
        k = rng.integers(1, 6)
        sites = rng.integers(0, minutes.shape[1], k)  # repeats allowed: they add up
        delta = rng.uniform(-5400, 5400, k)
        new_supply = supply.copy()
        np.add.at(new_supply, sites, delta)
        new_supply = np.maximum(new_supply, 0.0)
        delta = new_supply - supply  # net, feasible change
        changed = np.flatnonzero(delta)
        full = apl(minutes, new_supply, pop)
        np.testing.assert_allclose(
            cat.updated(base, changed, delta[changed]), full, rtol=0, atol=1e-12
        )
        # baseline-free form, CSR and CSC input, applied on the baseline
        for m in (minutes, sp.csc_array(minutes)):
            got = apply_supply_change(base, m, pop, changed, delta[changed])
            np.testing.assert_allclose(got, full, rtol=0, atol=1e-12)
        supply = new_supply
        base = full


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_delta_rows_are_the_nonzero_entries_of_delta_bit_for_bit(seed):
    """The sparse form sums each origin's terms in the dense product's order: equal values,
    not just close (scenario results must not depend on which form computed them)."""
    minutes, pop, _, rng = _instance(seed)
    pop[rng.random(len(pop)) < 0.1] = 0.0
    cat = Catchment.build(minutes, pop)
    cases = [([], []), ([5], [0.0]), ([7], [-5400.0]), ([7, 7], [5400.0, -5400.0])]
    for _ in range(20):
        k = int(rng.integers(1, 8))
        cases.append((rng.integers(0, minutes.shape[1], k), rng.uniform(-9e4, 9e4, k)))
    for sites, delta in cases:
        dense = cat.delta(sites, delta)
        rows, values = cat.delta_rows(sites, delta)
        np.testing.assert_array_equal(rows, np.flatnonzero(dense))
        assert np.array_equal(values, dense[rows])


def test_delta_touches_only_reachable_origins():
    minutes, pop, _, _ = _instance(3)
    j = 7
    d = supply_change_delta(minutes, pop, [j], [5400.0])
    reached = np.zeros(minutes.shape[0], bool)
    col = sp.csc_array(minutes)[:, [j]]
    reached[col.indices[DREES_APL_STEP(col.data) > 0]] = True
    assert (d[~reached] == 0).all() and (d[reached] > 0).all()


def test_other_decay_and_site_without_demand():
    minutes, pop, supply, _ = _instance(4)
    dec = GaussianDecay(sigma_minutes=10, max_minutes=25)
    new = supply.copy()
    new[3] += 1000.0
    np.testing.assert_allclose(
        apply_supply_change(apl(minutes, supply, pop, decay=dec), minutes, pop, [3], [1000.0],
                            decay=dec),
        apl(minutes, new, pop, decay=dec),
        rtol=0, atol=1e-12,
    )  # fmt: skip
    # a site nobody reaches (empty column): D_j = 0 → no change, no warning
    empty = sp.csr_array((minutes.shape[0], 1))
    m2 = sp.csr_array(sp.hstack([minutes, empty]))
    assert (supply_change_delta(m2, pop, [m2.shape[1] - 1], [5400.0]) == 0).all()


def test_incremental_bad_inputs():
    minutes, pop, supply, _ = _instance(5, n_i=10, n_j=4)
    base = apl(minutes, supply, pop)
    with pytest.raises(InputError, match=r"outside 0\.\.3"):
        supply_change_delta(minutes, pop, [4], [1.0])
    with pytest.raises(InputError, match="aligned with sites"):
        supply_change_delta(minutes, pop, [0, 1], [1.0])
    with pytest.raises(InputError, match="aligned with sites"):
        supply_change_delta(minutes, pop, [0], [np.nan])
    with pytest.raises(InputError, match=r"baseline has shape \(3,\)"):
        apply_supply_change(base[:3], minutes, pop, [0], [1.0])
    with pytest.raises(InputError, match=r"baseline\[0\] is nan"):
        apply_supply_change(np.full(10, np.nan), minutes, pop, [0], [1.0])
    with pytest.raises(InputError, match=r"demand\[2\] is -1.0"):
        supply_change_delta(minutes, np.where(np.arange(10) == 2, -1.0, pop), [0], [1.0])
    with pytest.raises(InputError, match=r"scipy\.sparse"):
        supply_change_delta(minutes.toarray(), pop, [0], [1.0])
    bad = minutes.copy()
    bad.data[0] = np.nan
    with pytest.raises(InputError, match="finite"):
        supply_change_delta(bad, pop, [int(bad.indices[0])], [1.0])
