"""Offline commune-to-commune travel times with a few calibrated parameters.

The plain offline estimate (:func:`proxisante.travel.estimate_matrix`) uses one speed
everywhere. Road speeds differ between dense towns and the countryside, so the calibrated
model gives each commune a speed by the size of its unité urbaine (INSEE TUU2017 class:
rural, small urban unit < 20,000 inhabitants, larger urban unit) and adds a fixed
terminal time to trips between two different communes (parking, reaching the road
network). A trip's speed is the mean of its two ends' speeds::

    minutes_ij = km_ij × detour ÷ ((v_i + v_j) / 2) × 60 + terminal   (i ≠ j)
    minutes_ii = 0                                                    (DREES: own commune < 10 min)

Candidate pairs are computed once (k-d tree on unit-sphere points, the engine's own
:func:`proxisante.travel.estimate_matrix` method) for the fastest admissible parameters, so
an outer search over the parameters only recomputes minutes on the stored pairs.

References
----------
Héran (2009), *Flux* 76-77 (detour factors 1.2–1.4); INSEE, unités urbaines 2020 and
TUU2017 size classes (table d'appartenance géographique des communes, COG 2022).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

from proxisante.access.decay import DREES_APL_STEP
from proxisante.errors import InputError
from proxisante.travel import TravelMatrix, estimate_matrix

__all__ = [
    "URBAN_CLASS_LABELS",
    "CommunePairs",
    "TravelParameters",
    "commune_pairs",
    "urban_class",
]

#: Speed classes of a commune, from its unité urbaine size class (TUU2017).
URBAN_CLASS_LABELS: tuple[str, ...] = (
    "rural (outside any unité urbaine)",
    "small urban unit (< 20,000 inhabitants)",
    "urban unit of 20,000 inhabitants or more",
)


def urban_class(tuu2017) -> np.ndarray:
    """Speed class 0, 1, 2 (:data:`URBAN_CLASS_LABELS`) from INSEE TUU2017 size classes.

    >>> urban_class([0, 1, 3, 4, 8]).tolist()
    [0, 1, 1, 2, 2]
    """
    t = np.asarray(tuu2017, dtype=float)
    if np.isnan(t).any() or (t < 0).any() or (t > 8).any():
        msg = "TUU2017 size classes must be integers 0..8 (0 = rural commune)"
        raise InputError(msg)
    return np.select([t == 0, t <= 3], [0, 1], 2).astype(np.int8)


@dataclass(frozen=True)
class TravelParameters:
    """Parameters of the calibrated offline travel model (see the module docstring).

    Attributes
    ----------
    speed_kmh
        Speed of the three urban classes (rural, small urban, large urban), km/h.
    detour_factor
        Road distance ÷ great-circle distance.
    terminal_minutes
        Fixed time added to every trip between two different communes, minutes.
    """

    speed_kmh: tuple[float, float, float] = (60.0, 60.0, 60.0)
    detour_factor: float = 1.3
    terminal_minutes: float = 0.0

    def __post_init__(self) -> None:
        v = np.asarray(self.speed_kmh, dtype=float)
        if v.shape != (3,) or not np.isfinite(v).all() or (v <= 0).any():
            msg = f"speed_kmh was {self.speed_kmh!r}; expected three speeds in km/h > 0"
            raise InputError(msg)
        if not (np.isfinite(self.detour_factor) and self.detour_factor >= 1):
            msg = f"detour_factor was {self.detour_factor!r}; expected a number ≥ 1"
            raise InputError(msg)
        if not (np.isfinite(self.terminal_minutes) and self.terminal_minutes >= 0):
            msg = f"terminal_minutes was {self.terminal_minutes!r}; expected minutes ≥ 0"
            raise InputError(msg)

    def scaled(self, speed_factor: float) -> TravelParameters:
        """The same parameters with every speed multiplied by ``speed_factor``."""
        fast, mid, slow = (float(s) * speed_factor for s in self.speed_kmh)
        return TravelParameters(
            (fast, mid, slow),
            self.detour_factor,
            self.terminal_minutes,
        )

    def reach_km(self, minutes: float | None = None) -> float:
        """Longest great-circle distance a trip covers within ``minutes`` (default: the
        APL cut-off, 20), km: the radius of the candidate pairs these parameters need."""
        m = DREES_APL_STEP.max_minutes if minutes is None else minutes
        return float(m) / 60.0 * max(self.speed_kmh) / self.detour_factor

    def as_dict(self) -> dict:
        d = asdict(self)
        d["speed_kmh"] = list(self.speed_kmh)
        return d


@dataclass(frozen=True)
class CommunePairs:
    """Candidate commune pairs within a straight-line radius (both orientations, self included).

    Attributes
    ----------
    ids
        Commune codes (rows and columns).
    rows, cols
        Pair indexes (origin, destination).
    km
        Great-circle distance of each pair, km.
    speed_class
        Speed class of each commune (:func:`urban_class`).
    max_km
        Radius of the pairs, km (NaN: unknown).
    """

    ids: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    km: np.ndarray
    speed_class: np.ndarray
    max_km: float = float("nan")

    def covers(self, params: TravelParameters) -> bool:
        """True if every pair ``params`` can reach within 20 minutes is stored."""
        return bool(self.max_km >= params.reach_km() - 1e-9)

    @property
    def n(self) -> int:
        return len(self.ids)

    def minutes(self, params: TravelParameters, *, cutoff_minutes: float | None = None):
        """Sparse minutes (CSR, self pairs stored as 0) for ``params``, pairs within the cut-off."""
        cutoff = DREES_APL_STEP.max_minutes if cutoff_minutes is None else cutoff_minutes
        v = np.asarray(params.speed_kmh, dtype=float)[self.speed_class]
        speed = 0.5 * (v[self.rows] + v[self.cols])
        own = self.rows == self.cols
        t = self.km * params.detour_factor / speed * 60.0 + np.where(
            own, 0.0, params.terminal_minutes
        )
        t[own] = 0.0
        keep = t <= cutoff
        m = sp.csr_array((t[keep], (self.rows[keep], self.cols[keep])), shape=(self.n, self.n))
        m.sort_indices()
        return m

    def travel_matrix(self, params: TravelParameters) -> TravelMatrix:
        """The :class:`~proxisante.travel.TravelMatrix` of ``params`` (provider ``model``)."""
        return TravelMatrix(
            minutes=self.minutes(params),
            origin_ids=self.ids,
            destination_ids=self.ids,
            cutoff_minutes=float(DREES_APL_STEP.max_minutes),
            provider="model",
        )


def commune_pairs(ids, lat, lon, speed_class, *, max_km: float) -> CommunePairs:
    """Every pair of communes within ``max_km`` great-circle km (self pairs included).

    Parameters
    ----------
    ids, lat, lon
        Commune codes and WGS84 coordinates (degrees).
    speed_class
        Speed class of each commune (:func:`urban_class`).
    max_km
        Radius: the longest straight-line distance any admissible parameters can cover
        within the APL cut-off (20 minutes).
    """
    # The engine's estimate at detour 1 and 60 km/h turns minutes into km one for one.
    tm = estimate_matrix(
        ids, lat, lon, ids, lat, lon, cutoff_minutes=max_km, detour_factor=1.0, speed_kmh=60.0
    )
    coo = tm.minutes.tocoo()
    cls = np.asarray(speed_class, dtype=np.int8)
    if cls.shape != (len(tm.origin_ids),):
        msg = f"speed_class has {cls.shape[0]} values for {len(tm.origin_ids)} communes"
        raise InputError(msg)
    return CommunePairs(
        ids=tm.origin_ids,
        rows=coo.row.astype(np.int64),
        cols=coo.col.astype(np.int64),
        km=np.asarray(coo.data, dtype=float),
        speed_class=cls,
        max_km=float(max_km),
    )
