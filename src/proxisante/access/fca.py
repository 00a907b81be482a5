"""The floating-catchment family over a sparse origin × destination matrix.

Notation: origins ``i`` are demand locations (communes, population ``P_i``), destinations
``j`` are supply locations (sites or communes with supply ``S_j``), ``W_ij = f(t_ij)`` the
decay weight of the stored (reachable) pairs. All functions are pure and vectorised; they
never densify the matrix.

- 2SFCA (Luo & Wang 2003): ``R_j = S_j / Σ_i W_ij P_i``, ``A_i = Σ_j W_ij R_j``; with a step
  decay by travel-time zones it is the E2SFCA (Luo & Qi 2009), and with the DREES step decay and
  counted consultations it is the APL (:mod:`proxisante.access.apl`).
- 3SFCA (Wan, Zou & Sternberg 2012): selection weights ``G_ij = W_ij / Σ_k W_ik`` enter both
  steps: ``R_j = S_j / Σ_i G_ij W_ij P_i``, ``A_i = Σ_j G_ij W_ij R_j``.
- M2SFCA (Delamater 2013, *Health & Place* 24): the 2SFCA ratios, with the weights squared
  in the second step, ``A_i = Σ_j W_ij² R_j``, so distant supply counts less for people who
  must travel to it (a "suboptimal configuration" penalty).
- BFCA, balanced FCA (Paez, Higgins & Vivona 2019, *PLOS ONE* 14(6) e0218773): demand is
  allocated to sites with row-normalised weights ``W_ij / Σ_k W_ik`` and supply to origins
  with column-normalised weights ``W_ij / Σ_k W_kj``, which removes the inflation of demand
  and of the level of service: each origin's population is counted once in total.
- Gravity / Hansen potential (Hansen 1959; Joseph & Bantock 1982 for health care):
  ``A_i = Σ_j W_ij S_j``.

A site whose catchment holds no demand (``Σ_i W_ij P_i = 0``) gets ``R_j = 0``: its supply
reaches nobody, so it adds nothing (no NaN, no division warning).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from proxisante.access._checks import as_csr, check_vector
from proxisante.access.decay import Decay
from proxisante.errors import InputError

__all__ = [
    "balanced",
    "catchment_weights",
    "covered_population",
    "hansen_potential",
    "modified_two_step",
    "nearest_minutes",
    "site_demand",
    "supply_ratio",
    "three_step",
    "two_step",
]


def catchment_weights(minutes, decay: Decay) -> sp.csr_array:
    """``W = f(minutes)`` on the stored pairs (same sparsity structure as ``minutes``)."""
    m = as_csr(minutes)
    return sp.csr_array((decay(m.data), m.indices, m.indptr), shape=m.shape)


def site_demand(weights: sp.csr_array, demand: np.ndarray) -> np.ndarray:
    """``D_j = Σ_i W_ij P_i``: decay-weighted demand in each destination's catchment."""
    return weights.T @ demand


def supply_ratio(supply: np.ndarray, demand_at_site: np.ndarray) -> np.ndarray:
    """``R_j = S_j / D_j``, and 0 where ``D_j = 0`` (supply that reaches no demand)."""
    out = np.zeros_like(supply, dtype=float)
    np.divide(supply, demand_at_site, out=out, where=demand_at_site > 0)
    return out


def _inputs(weights, supply, demand) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    w = as_csr(weights, name="weights")
    n_i, n_j = w.shape
    if n_i == 0 or n_j == 0:
        msg = f"empty territory: the matrix has shape {w.shape}; need ≥ 1 origin and destination"
        raise InputError(msg)
    s = check_vector(supply, name="supply", length=n_j, unit="supply units")
    p = check_vector(demand, name="demand", length=n_i, unit="inhabitants")
    return w, s, p


def two_step(weights, supply, demand) -> np.ndarray:
    """Two-step floating catchment (2SFCA / E2SFCA) accessibility of each origin.

    Parameters
    ----------
    weights
        Sparse origins × destinations decay weights (:func:`catchment_weights`).
    supply
        Supply at each destination (e.g. consultations per year, or FTE).
    demand
        Demand at each origin (e.g. standardised inhabitants).

    Returns
    -------
    numpy.ndarray
        ``A_i`` in supply units per demand unit (e.g. consultations per year per inhabitant).
    """
    w, s, p = _inputs(weights, supply, demand)
    return w @ supply_ratio(s, site_demand(w, p))


def _with_data(w: sp.csr_array, data: np.ndarray) -> sp.csr_array:
    return sp.csr_array((data, w.indices, w.indptr), shape=w.shape)


def _normalised(w: sp.csr_array, *, axis: int) -> np.ndarray:
    """Stored weights divided by their row (``axis=1``) or column (``axis=0``) sums; 0 where
    the sum is 0."""
    sums = np.asarray(w.sum(axis=axis)).ravel()
    if axis == 1:
        per_entry = sums[np.repeat(np.arange(w.shape[0]), np.diff(w.indptr))]
    else:
        per_entry = sums[w.indices]
    out = np.zeros_like(w.data, dtype=float)
    np.divide(w.data, per_entry, out=out, where=per_entry > 0)
    return out


def _selection_weighted(w: sp.csr_array) -> sp.csr_array:
    """``G_ij · W_ij`` with ``G_ij = W_ij / Σ_k W_ik`` (0 for rows with no weight)."""
    return _with_data(w, _normalised(w, axis=1) * w.data)


def three_step(weights, supply, demand) -> np.ndarray:
    """Three-step floating catchment (3SFCA, Wan, Zou & Sternberg 2012) accessibility."""
    w, s, p = _inputs(weights, supply, demand)
    gw = _selection_weighted(w)
    return gw @ supply_ratio(s, site_demand(gw, p))


def modified_two_step(weights, supply, demand) -> np.ndarray:
    """Modified 2SFCA (M2SFCA, Delamater 2013): ``A_i = Σ_j W_ij² S_j / Σ_k W_kj P_k``.

    Same arguments and units as :func:`two_step`; with a binary catchment it equals the
    2SFCA.
    """
    w, s, p = _inputs(weights, supply, demand)
    return _with_data(w, w.data**2) @ supply_ratio(s, site_demand(w, p))


def balanced(weights, supply, demand) -> np.ndarray:
    """Balanced floating catchment (BFCA, Paez, Higgins & Vivona 2019) accessibility.

    ``R_j = S_j / Σ_i (W_ij / Σ_k W_ik) P_i`` and ``A_i = Σ_j (W_ij / Σ_k W_kj) R_j``:
    every origin's demand is shared among its sites (Σ_j of the allocated demand is the
    population reached), every site's supply among its origins. Same arguments and units as
    :func:`two_step`.
    """
    w, s, p = _inputs(weights, supply, demand)
    demand_share = _with_data(w, _normalised(w, axis=1))
    supply_share = _with_data(w, _normalised(w, axis=0))
    return supply_share @ supply_ratio(s, site_demand(demand_share, p))


def hansen_potential(weights, supply) -> np.ndarray:
    """Gravity (Hansen) potential ``A_i = Σ_j W_ij S_j`` in supply units."""
    w = as_csr(weights, name="weights")
    s = check_vector(supply, name="supply", length=w.shape[1], unit="supply units")
    return w @ s


def nearest_minutes(minutes, supply) -> np.ndarray:
    """Minutes to the nearest destination with supply > 0; ``inf`` if none within the cut-off."""
    m = as_csr(minutes)
    s = check_vector(supply, name="supply", length=m.shape[1], unit="supply units")
    keep = s[m.indices] > 0
    data = np.where(keep, m.data, np.inf)
    out = np.full(m.shape[0], np.inf)
    nonempty = np.diff(m.indptr) > 0
    if m.nnz:
        mins = np.minimum.reduceat(data, m.indptr[:-1][nonempty])
        out[nonempty] = mins
    return out


def covered_population(minutes, supply, demand, *, max_minutes: float) -> tuple[float, np.ndarray]:
    """Population with at least one destination with supply within ``max_minutes``.

    Returns
    -------
    (total, covered)
        Total covered demand and a boolean mask of covered origins.
    """
    m = as_csr(minutes)
    p = check_vector(demand, name="demand", length=m.shape[0], unit="inhabitants")
    covered = nearest_minutes(m, supply) <= max_minutes
    return float(p[covered].sum()), covered
