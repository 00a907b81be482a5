"""Offline travel-time estimate: great-circle distance × detour factor ÷ speed.

Candidate pairs are found with a k-d tree on unit-sphere 3-D points (chord length is a
monotone function of great-circle distance), so only pairs within the cut-off are ever
materialised: no n × n loop, no dense matrix.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from proxisante.errors import InputError
from proxisante.travel.base import TravelMatrix, validate_points
from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH

__all__ = [
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "EARTH_RADIUS_KM",
    "estimate_matrix",
    "great_circle_km",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


def _unit_xyz(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle (haversine) distance in km on a sphere of radius :data:`EARTH_RADIUS_KM`.

    >>> round(float(great_circle_km(0.0, 0.0, 0.0, 1.0)), 3)
    111.195
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def estimate_matrix(
    origin_ids,
    origin_lat,
    origin_lon,
    destination_ids,
    destination_lat,
    destination_lon,
    *,
    cutoff_minutes: float,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> TravelMatrix:
    """Estimate car travel times (minutes) for every origin–destination pair within a cut-off.

    ``minutes = great_circle_km × detour_factor ÷ speed_kmh × 60``.

    A point to itself (same coordinates) gets 0 minutes, which is stored explicitly:
    DREES counts a commune's time to itself in the first band (< 10 min) of the APL decay
    (DREES, *apl_generalistes.xlsx*, sheet "Paramètres").

    Parameters
    ----------
    origin_ids, origin_lat, origin_lon
        Origin identifiers and WGS84 coordinates (degrees).
    destination_ids, destination_lat, destination_lon
        Destination identifiers and WGS84 coordinates (degrees).
    cutoff_minutes
        Keep pairs with ``minutes <= cutoff_minutes`` (> 0).
    detour_factor
        Road distance / great-circle distance (≥ 1).
    speed_kmh
        Mean speed over the road distance, km/h (> 0).

    Returns
    -------
    TravelMatrix
        Sparse matrix of minutes, provider ``"estimate"``.
    """
    if not np.isfinite(cutoff_minutes) or cutoff_minutes <= 0:
        msg = f"cutoff_minutes was {cutoff_minutes!r}; expected a finite number of minutes > 0"
        raise InputError(msg)
    if not np.isfinite(detour_factor) or detour_factor < 1:
        msg = f"detour_factor was {detour_factor!r}; expected a finite number ≥ 1"
        raise InputError(msg)
    if not np.isfinite(speed_kmh) or speed_kmh <= 0:
        msg = f"speed_kmh was {speed_kmh!r}; expected a finite speed in km/h > 0"
        raise InputError(msg)
    o_ids, o_lat, o_lon = validate_points(origin_ids, origin_lat, origin_lon, what="origins")
    d_ids, d_lat, d_lon = validate_points(
        destination_ids, destination_lat, destination_lon, what="destinations"
    )
    max_km = cutoff_minutes / 60.0 * speed_kmh / detour_factor
    # chord length on the unit sphere for a great-circle distance of max_km
    max_angle = min(max_km / EARTH_RADIUS_KM, np.pi)
    max_chord = 2.0 * np.sin(max_angle / 2.0) * (1 + 1e-12)
    tree_o = cKDTree(_unit_xyz(o_lat, o_lon))
    tree_d = cKDTree(_unit_xyz(d_lat, d_lon))
    pairs = tree_o.sparse_distance_matrix(tree_d, max_chord, output_type="ndarray")
    rows = pairs["i"].astype(np.int64)
    cols = pairs["j"].astype(np.int64)
    # exact great-circle distance from the chord (no second trigonometric pass per pair)
    chord = pairs["v"]
    km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
    minutes = km * detour_factor / speed_kmh * 60.0
    keep = minutes <= cutoff_minutes
    mat = sp.csr_array((minutes[keep], (rows[keep], cols[keep])), shape=(len(o_ids), len(d_ids)))
    mat.sort_indices()
    return TravelMatrix(
        minutes=mat,
        origin_ids=o_ids,
        destination_ids=d_ids,
        cutoff_minutes=float(cutoff_minutes),
        provider="estimate",
    )
