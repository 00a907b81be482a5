"""Travel times consistent with the official APL (proxisante.model.reach), checked by hand
and against a dense re-computation of the DREES APL."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.model.reach import official_reach


def _dense_apl(minutes: np.ndarray, demand, supply) -> np.ndarray:
    """The DREES APL written out with loops over a dense matrix (NaN: no pair)."""
    n = len(demand)
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            t = minutes[i, j]
            if np.isnan(t) or t > 20:
                continue
            w[i, j] = 1.0 if t < 10 else (2 / 3 if t < 15 else 1 / 3)
    d = w.T @ np.asarray(demand, float)
    ratio = np.divide(supply, d, out=np.zeros(n), where=d > 0)
    return w @ ratio


def _sparse(dense: np.ndarray) -> sp.csr_array:
    r, c = np.nonzero(~np.isnan(dense))
    return sp.csr_array((dense[r, c], (r, c)), shape=dense.shape)


def _dense(m: sp.csr_array) -> np.ndarray:
    out = np.full(m.shape, np.nan)
    coo = m.tocoo()
    out[coo.row, coo.col] = coo.data
    return out


NAN = np.nan


def test_a_commune_at_apl_zero_reaches_no_commune_holding_doctors():
    minutes = np.array([[0.0, 5.0, 12.0], [5.0, 0.0, 8.0], [12.0, 8.0, 0.0]])
    demand = np.array([100.0, 100.0, 100.0])
    least = np.array([0.0, 500.0, 0.0])  # known staff at commune 1 only
    apl = np.array([0.0, 5.0, 3.0])
    out, adj = official_reach(_sparse(minutes), demand, apl, least)
    m = _dense(out)
    assert np.isnan(m[0, 1]) and np.isnan(m[1, 0])  # both directions leave
    assert m[0, 2] == 12.0 and m[0, 0] == 0.0  # no doctors at 2; its own time stays
    assert adj.pairs_removed == 2 and adj.communes == 1 and adj.communes_left == 0
    assert _dense_apl(m, demand, least)[0] == 0.0


def test_the_farthest_pair_moves_one_step_at_a_time_until_the_apl_holds():
    # commune 0 (APL 2) reaches the known staff of 1 (< 10 min) and of 2 (12 min)
    minutes = np.array([[0.0, 4.0, 12.0], [4.0, 0.0, NAN], [12.0, NAN, 0.0]])
    demand = np.array([100.0, 100.0, 100.0])
    least = np.array([0.0, 300.0, 300.0])
    apl = np.array([2.0, 9.0, 9.0])
    before = _dense_apl(minutes, demand, least)
    assert before[0] > apl[0]
    out, adj = official_reach(_sparse(minutes), demand, apl, least)
    m = _dense(out)
    after = _dense_apl(m, demand, least)
    assert after[0] <= apl[0] + 1e-9
    # the 12-minute pair went first (to 15, then beyond 20), the 4-minute one stayed
    assert m[0, 1] == 4.0 and np.isnan(m[0, 2]) and np.isnan(m[2, 0])
    assert adj.pairs_removed == 2 and adj.pairs_farther == 0 and adj.rounds >= 2


def test_a_pair_moved_but_kept_counts_as_farther():
    minutes = np.array([[0.0, 4.0], [4.0, 0.0]])
    demand = np.array([100.0, 100.0])
    least = np.array([0.0, 600.0])
    # at 4 min: D_1 = 200, contribution 3 > 2.5; at 10 min (2/3): D_1 = 166.7, 2.4 ≤ 2.5
    apl = np.array([2.5, 9.0])
    out, adj = official_reach(_sparse(minutes), demand, apl, least)
    m = _dense(out)
    assert m[0, 1] == 10.0 and m[1, 0] == 10.0
    assert adj.pairs_farther == 2 and adj.pairs_removed == 0
    assert _dense_apl(m, demand, least)[0] == pytest.approx(2.4)


def test_held_out_communes_are_not_read_and_own_supply_is_reported():
    minutes = np.array([[0.0, 5.0], [5.0, 0.0]])
    demand = np.array([100.0, 100.0])
    least = np.array([800.0, 500.0])
    apl = np.array([0.0, 0.5])  # both inconsistent with their own supply
    out, adj = official_reach(_sparse(minutes), demand, apl, least, fitted=[False, True])
    m = _dense(out)
    # commune 0 is held out: its APL of 0 is not read. Commune 1 loses its pair to 0 and is
    # left with its own supply, which still exceeds its APL: reported, not hidden
    assert np.isnan(m[1, 0]) and m[1, 1] == 0.0 and m[0, 0] == 0.0
    assert adj.communes_left == 1


def test_random_worlds_end_consistent_and_change_only_what_they_must():
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = 12
        xy = rng.uniform(0, 25, (n, 2))
        km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        minutes = np.where(km * 1.2 <= 20, km * 1.2, NAN)
        np.fill_diagonal(minutes, 0.0)
        demand = rng.uniform(50, 500, n)
        least = np.where(rng.random(n) < 0.4, rng.uniform(100, 3000, n), 0.0)
        apl = _dense_apl(minutes, demand, least) * rng.uniform(0.3, 1.5, n)
        apl[rng.random(n) < 0.15] = 0.0
        out, adj = official_reach(_sparse(minutes), demand, apl, least)
        m = _dense(out)
        after = _dense_apl(m, demand, least)
        own = np.array([least[i] / max(demand[i], 1e-9) for i in range(n)])
        stuck = own > apl + 1e-9  # a commune's own supply alone can still exceed its APL
        assert (after[~stuck] <= apl[~stuck] + 1e-7).all()
        # times only grow, self times never move, and the result stays symmetric
        kept = ~np.isnan(m)
        assert (m[kept] >= minutes[kept] - 1e-12).all()
        assert (np.diag(m) == 0).all()
        np.testing.assert_array_equal(np.isnan(m), np.isnan(m).T)
        if not (_dense_apl(minutes, demand, least) > apl + 1e-9).any():
            np.testing.assert_array_equal(m, minutes)
            assert adj.communes == 0


def test_apl_zero_leaves_every_commune_where_gps_practise():
    """Rule 1 also applies to communes whose GPs are libéral (no known staff: practising)."""
    minutes = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, NAN], [9.0, NAN, 0.0]])
    demand = np.array([100.0, 100.0, 100.0])
    least = np.zeros(3)
    apl = np.array([0.0, 4.0, 0.0])
    out, adj = official_reach(_sparse(minutes), demand, apl, least,
                              practising=np.array([False, True, False]))  # fmt: skip
    m = _dense(out)
    assert np.isnan(m[0, 1]) and np.isnan(m[1, 0])
    assert m[0, 2] == 9.0  # no GP at 2: the pair stays
    assert adj.pairs_removed == 2 and adj.communes == 1
    # a held-out commune's APL of 0 is not read
    out, adj = official_reach(_sparse(minutes), demand, apl, least,
                              practising=np.array([False, True, False]),
                              fitted=[False, True, True])  # fmt: skip
    assert adj.pairs_removed == 0


def test_given_pairs_beyond_20_minutes_stay_and_bad_masks_are_refused():
    from proxisante.errors import InputError

    minutes = np.array([[0.0, 5.0, 25.0], [5.0, 0.0, NAN], [25.0, NAN, 0.0]])
    demand = np.array([100.0, 100.0, 100.0])
    least = np.array([0.0, 500.0, 500.0])
    out, adj = official_reach(_sparse(minutes), demand, np.array([0.0, 9.0, 9.0]), least)
    m = _dense(out)
    assert m[0, 2] == 25.0 and m[2, 0] == 25.0  # a user's matrix beyond the catchment
    assert np.isnan(m[0, 1]) and adj.pairs_removed == 2
    with pytest.raises(InputError, match=r"fitted has shape \(2,\); expected one value"):
        official_reach(_sparse(minutes), demand, np.zeros(3), least, fitted=[True, False])
