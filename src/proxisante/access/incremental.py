"""Exact incremental updates of 2SFCA-type measures (APL) after a supply change.

At fixed demand, ``A_i = Σ_j W_ij S_j / D_j`` with ``D_j = Σ_k W_kj P_k`` is linear in the
supply, so a change ``ΔS_j`` at sites ``J`` changes every origin by exactly

    ΔA_i = Σ_{j ∈ J} W_ij ΔS_j / D_j,

touching only the pairs of the changed columns (DESIGN.md, "Key method fact"; METHODS.md).
A supply change at a site whose catchment holds no demand changes nothing (``D_j = 0``).
Population changes alter ``D`` and need a full recompute.

The baseline-free form adds the delta to a published indicator (the official DREES APL):
it needs only the travel times and standardised populations around the edited sites.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from proxisante.access._checks import check_vector
from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.fca import catchment_weights, site_demand, supply_ratio
from proxisante.errors import InputError

__all__ = ["Catchment"]


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
        """Exact ``ΔA`` for supply changes ``delta_supply`` (may be negative) at ``sites``."""
        j = self._site_index(sites)
        ds = np.asarray(delta_supply, dtype=float)
        if ds.shape != j.shape or not np.isfinite(ds).all():
            msg = f"delta_supply must be {len(j)} finite values aligned with sites; got {ds!r}"
            raise InputError(msg)
        j_u, inverse = np.unique(j, return_inverse=True)
        ds_u = np.bincount(inverse, weights=ds, minlength=len(j_u))
        if len(j_u) == 0:
            return np.zeros(self.shape[0])
        return self.weights_csc[:, j_u] @ supply_ratio(ds_u, self.site_demand[j_u])

    def updated(self, baseline, sites, delta_supply) -> np.ndarray:
        """``baseline + ΔA`` (baseline: our full computation or a published indicator)."""
        b = np.asarray(baseline, dtype=float)
        if b.shape != (self.shape[0],):
            msg = f"baseline has shape {b.shape}; expected ({self.shape[0]},) origins"
            raise InputError(msg)
        return b + self.delta(sites, delta_supply)

    def _site_index(self, sites) -> np.ndarray:
        j = np.atleast_1d(np.asarray(sites))
        if j.size and not np.issubdtype(j.dtype, np.integer):
            msg = f"sites must be integer column indexes of the matrix; got dtype {j.dtype}"
            raise InputError(msg)
        j = j.astype(np.int64)
        bad = (j < 0) | (j >= self.shape[1])
        if bad.any():
            msg = f"site index {int(j[bad][0])} is outside 0..{self.shape[1] - 1}"
            raise InputError(msg)
        return j
