"""Exact incremental updates of 2SFCA-type measures (APL) after a supply change.

At fixed demand, ``A_i = Σ_j W_ij S_j / D_j`` with ``D_j = Σ_k W_kj P_k`` is linear in the
supply, so a change ``ΔS_j`` at sites ``J`` changes every origin by exactly

    ΔA_i = Σ_{j ∈ J} W_ij ΔS_j / D_j,

touching only the pairs of the changed columns (``docs/methods.md``, "The marginal-effect
identity").
A supply change at a site whose catchment holds no demand changes nothing (``D_j = 0``).
Population changes alter ``D`` and need a full recompute.

The baseline-free form (:func:`supply_change_delta`, :func:`apply_supply_change`) adds the
delta to a published indicator (the official DREES APL): it needs only the travel times of
the edited sites' columns and the standardised populations of the origins that reach them,
not every GP's activity. :class:`Catchment` precomputes ``W`` (also in CSC, so a delta reads
only the changed columns) and ``D`` for many successive changes on one territory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from proxisante.access._checks import as_csr, check_vector
from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.fca import catchment_weights, site_demand, supply_ratio
from proxisante.errors import InputError

__all__ = ["Catchment", "apply_supply_change", "supply_change_delta"]


@dataclass(frozen=True)
class Catchment:
    """Decay weights and catchment demand, precomputed once for many supply changes.

    Build with :meth:`build`. ``weights`` (origins × destinations, CSR) and its CSC copy
    let a delta read only the changed columns.
    """

    weights: sp.csr_array
    weights_csc: sp.csc_array
    demand: np.ndarray
    site_demand: np.ndarray

    @classmethod
    def build(cls, minutes, demand, *, decay: Decay = DREES_APL_STEP) -> Catchment:
        """Precompute ``W = f(minutes)`` and ``D_j = Σ_i W_ij P_i``."""
        w = catchment_weights(minutes, decay)
        p = check_vector(demand, name="demand", length=w.shape[0], unit="inhabitants")
        return cls(weights=w, weights_csc=sp.csc_array(w), demand=p, site_demand=site_demand(w, p))

    @classmethod
    def from_weights(cls, weights, demand) -> Catchment:
        """Catchment of decay weights already computed (origins × destinations, ≥ 0).

        Validates ``weights`` and ``demand`` as :meth:`build` does and recomputes the
        catchment demand ``D_j``.
        """
        w = as_csr(weights, name="weights")
        p = check_vector(demand, name="demand", length=w.shape[0], unit="inhabitants")
        return cls(weights=w, weights_csc=sp.csc_array(w), demand=p, site_demand=site_demand(w, p))

    def with_demand(self, demand) -> Catchment:
        """The same weights with another demand per origin (e.g. a population change, or
        another profession's demand): a full recompute of ``D_j`` (demand changes are not
        marginal); the weights, already checked, are shared."""
        p = check_vector(demand, name="demand", length=self.shape[0], unit="inhabitants")
        return Catchment(weights=self.weights, weights_csc=self.weights_csc, demand=p,
                         site_demand=site_demand(self.weights, p))  # fmt: skip

    @property
    def shape(self) -> tuple[int, int]:
        return self.weights.shape

    def accessibility(self, supply) -> np.ndarray:
        """Full computation ``A = W (S / D)`` (the 2SFCA / APL)."""
        s = check_vector(supply, name="supply", length=self.shape[1], unit="supply units")
        return self.weights @ supply_ratio(s, self.site_demand)

    def per_unit_effect(self, sites) -> sp.csc_array:
        """Effect on every origin of one supply unit at each of ``sites``: ``W_ij / D_j``.

        Returns a sparse origins × len(sites) matrix (0 where ``D_j = 0``): the columns are
        the marginal effects used by scenarios and by the optimisation.
        """
        j = self._site_index(sites)
        cols = self.weights_csc[:, j]
        scale = supply_ratio(np.ones(len(j)), self.site_demand[j])
        return sp.csc_array(cols @ sp.diags_array(scale))

    def delta(self, sites, delta_supply) -> np.ndarray:
        """Exact ``ΔA`` for supply changes ``delta_supply`` (may be negative) at ``sites``.

        ``sites`` are destination (column) indexes; repeated sites add up.
        """
        j_u, ds_u = _net_changes(sites, delta_supply, n_sites=self.shape[1])
        if len(j_u) == 0:
            return np.zeros(self.shape[0])
        return self.weights_csc[:, j_u] @ supply_ratio(ds_u, self.site_demand[j_u])

    def delta_rows(self, sites, delta_supply) -> tuple[np.ndarray, np.ndarray]:
        """The origins whose accessibility changes and their ``ΔA``: ``(rows, delta)``.

        The non-zero entries of :meth:`delta`, in row order, with the same values (each
        origin sums its columns' terms in column order, as the sparse product does), read
        from the changed columns only: no vector over every origin is built.
        """
        j_u, ds_u = _net_changes(sites, delta_supply, n_sites=self.shape[1])
        w = self.weights_csc
        if not w.has_sorted_indices:  # checked once, then cached by scipy
            w.sort_indices()
        ratio = supply_ratio(ds_u, self.site_demand[j_u])
        start, end = w.indptr[j_u], w.indptr[j_u + 1]
        if len(j_u) == 1:
            rows = w.indices[start[0] : end[0]].astype(np.int64)
            values = w.data[start[0] : end[0]] * ratio[0]
        else:
            parts = [np.arange(a, b) for a, b in zip(start, end, strict=True)]
            at = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
            terms = w.data[at] * np.repeat(ratio, end - start)
            rows, inverse = np.unique(w.indices[at].astype(np.int64), return_inverse=True)
            values = np.bincount(inverse, weights=terms, minlength=len(rows))
        keep = values != 0
        return rows[keep], values[keep]

    def updated(self, baseline, sites, delta_supply) -> np.ndarray:
        """``baseline + ΔA`` (baseline: our full computation or a published indicator)."""
        return _check_baseline(baseline, self.shape[0]) + self.delta(sites, delta_supply)

    def _site_index(self, sites) -> np.ndarray:
        return _site_index(sites, n_sites=self.shape[1])


def _site_index(sites, *, n_sites: int) -> np.ndarray:
    j = np.atleast_1d(np.asarray(sites))
    if j.size and not np.issubdtype(j.dtype, np.integer):
        msg = f"sites must be integer column indexes of the matrix; got dtype {j.dtype}"
        raise InputError(msg)
    j = j.astype(np.int64)
    bad = (j < 0) | (j >= n_sites)
    if bad.any():
        msg = f"site index {int(j[bad][0])} is outside 0..{n_sites - 1}"
        raise InputError(msg)
    return j


def _net_changes(sites, delta_supply, *, n_sites: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique changed columns and their net supply change (repeated sites summed)."""
    j = _site_index(sites, n_sites=n_sites)
    ds = np.atleast_1d(np.asarray(delta_supply, dtype=float))
    if ds.shape != j.shape or not np.isfinite(ds).all():
        msg = (
            f"delta_supply must be {len(j)} finite values aligned with sites; got {ds.tolist()[:5]}"
        )
        raise InputError(msg)
    j_u, inverse = np.unique(j, return_inverse=True)
    return j_u, np.bincount(inverse, weights=ds, minlength=len(j_u))


def _check_baseline(baseline, n_origins: int) -> np.ndarray:
    b = np.asarray(baseline, dtype=float)
    if b.shape != (n_origins,):
        msg = f"baseline has shape {b.shape}; expected ({n_origins},) values, one per origin"
        raise InputError(msg)
    if not np.isfinite(b).all():
        i = int(np.flatnonzero(~np.isfinite(b))[0])
        msg = f"baseline[{i}] is {float(b[i])}; expected finite values"
        raise InputError(msg)
    return b


def supply_change_delta(
    minutes, demand, sites, delta_supply, *, decay: Decay = DREES_APL_STEP
) -> np.ndarray:
    """Baseline-free change of a 2SFCA-type measure (APL) after supply changes at ``sites``.

    ``ΔA_i = Σ_{j ∈ sites} f(t_ij) ΔS_j / D_j`` with ``D_j = Σ_k f(t_kj) P_k``
    (``docs/methods.md``, "The marginal-effect identity"). Only the columns of ``sites`` are
    read and decayed, so the other sites' supply is not needed (``D_j`` does not depend on
    supply).

    Parameters
    ----------
    minutes
        Sparse origins × destinations travel times in minutes (CSR or CSC; CSC makes the
        column reads proportional to the changed pairs only).
    demand
        Demand per origin (standardised inhabitants for the APL).
    sites
        Integer destination indexes of the changed sites (repeats add up).
    delta_supply
        Supply change at each of ``sites`` (consultations per year for the APL; < 0 for
        closures).
    decay
        :data:`~proxisante.access.decay.DREES_APL_STEP` by default.

    Returns
    -------
    numpy.ndarray
        ``ΔA`` per origin, in supply units per demand unit (consultations per year per
        standardised inhabitant for the APL). A site whose catchment holds no demand
        (``D_j = 0``) changes nothing.
    """
    if not sp.issparse(minutes):
        msg = f"minutes must be a scipy.sparse matrix (origins × destinations); got {type(minutes)}"
        raise InputError(msg)
    n_i, n_j = minutes.shape
    p = check_vector(demand, name="demand", length=n_i, unit="inhabitants")
    j_u, ds_u = _net_changes(sites, delta_supply, n_sites=n_j)
    if len(j_u) == 0:
        return np.zeros(n_i)
    cols = sp.csc_array(minutes if minutes.format == "csc" else as_csr(minutes))[:, j_u]
    w = sp.csc_array((decay(cols.data), cols.indices, cols.indptr), shape=cols.shape)
    return w @ supply_ratio(ds_u, w.T @ p)


def apply_supply_change(
    baseline, minutes, demand, sites, delta_supply, *, decay: Decay = DREES_APL_STEP
) -> np.ndarray:
    """``baseline + ΔA`` (:func:`supply_change_delta`) on a given baseline.

    With ``baseline`` the official DREES APL (``load_official_apl(year)['apl_generalistes']``
    aligned on the origins) and ``demand`` its ``pop_standardisee``, this is the scenario
    APL without knowing any GP's activity (``docs/methods.md``). Exact when
    ``minutes`` and ``demand`` are those DREES used; with other travel times the delta is
    that of our times applied to the published level.
    """
    delta = supply_change_delta(minutes, demand, sites, delta_supply, decay=decay)
    return _check_baseline(baseline, len(delta)) + delta
