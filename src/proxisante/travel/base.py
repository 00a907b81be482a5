"""The one travel-time interface: a sparse origin × destination matrix of minutes.

Every provider (offline estimate, OSRM road network, imported distancier) returns a
:class:`TravelMatrix`. Reachable pairs are exactly the *stored entries* of the CSR
matrix; a stored ``0.0`` means "0 minutes" (e.g. a commune to itself) and is kept
distinct from "not reachable within the cut-off" (no stored entry). Consumers must
therefore work on ``minutes.data`` / ``minutes.indices`` and never call
``eliminate_zeros()`` on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante._geo import check_coordinates_in_france
from proxisante.errors import InputError

__all__ = ["TravelMatrix", "validate_points"]


@dataclass(frozen=True)
class TravelMatrix:
    """Travel times in minutes between origins (rows) and destinations (columns).

    Attributes
    ----------
    minutes
        ``scipy.sparse.csr_array`` of shape (n_origins, n_destinations), float64 minutes;
        only pairs within ``cutoff_minutes`` are stored.
    origin_ids, destination_ids
        Identifiers (e.g. INSEE codes) of the rows and columns, as numpy arrays of str.
    cutoff_minutes
        The cut-off used: pairs with a longer time are absent.
    provider
        Name of the provider that computed the times (``estimate``, ``osrm``, ``matrix``).
    """

    minutes: sp.csr_array
    origin_ids: np.ndarray
    destination_ids: np.ndarray
    cutoff_minutes: float
    provider: str

    def __post_init__(self) -> None:
        n_o, n_d = self.minutes.shape
        if len(self.origin_ids) != n_o or len(self.destination_ids) != n_d:
            msg = (
                f"matrix shape {self.minutes.shape} does not match {len(self.origin_ids)} "
                f"origin ids and {len(self.destination_ids)} destination ids"
            )
            raise InputError(msg)

    @property
    def n_pairs(self) -> int:
        """Number of stored (reachable) origin–destination pairs."""
        return int(self.minutes.nnz)

    def to_frame(self):  # -> pandas.DataFrame (imported lazily: pandas stays off the hot path)
        """Long format ``origin, destination, minutes`` (one row per reachable pair)."""
        coo = self.minutes.tocoo()
        return pd.DataFrame(
            {
                "origin": self.origin_ids[coo.row],
                "destination": self.destination_ids[coo.col],
                "minutes": coo.data,
            }
        )


def validate_points(ids, lat, lon, *, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a point set: unique ids, finite WGS84 latitude/longitude in range, not swapped.

    A point outside France that would be in France with latitude and longitude exchanged is
    refused (the lat/lon order mistake; points elsewhere are accepted).

    Parameters
    ----------
    ids
        Point identifiers (converted to str).
    lat, lon
        WGS84 latitude and longitude in degrees (``lat`` in [-90, 90], ``lon`` in [-180, 180]).
    what
        Name of the point set for messages (``"origins"``, ``"destinations"``).

    Returns
    -------
    ids, lat, lon as numpy arrays (str, float64, float64).
    """
    ids_a = np.asarray(ids).astype(str)
    lat_a = np.asarray(lat, dtype=float)
    lon_a = np.asarray(lon, dtype=float)
    if not (len(ids_a) == len(lat_a) == len(lon_a)):
        msg = f"{what}: {len(ids_a)} ids but {len(lat_a)} latitudes and {len(lon_a)} longitudes"
        raise InputError(msg)
    uniq, counts = np.unique(ids_a, return_counts=True)
    if (counts > 1).any():
        dup = uniq[counts > 1][:5].tolist()
        msg = f"{what}: duplicate ids {dup}; each point needs a unique id"
        raise InputError(msg)

    def refuse(mask: np.ndarray, problem: str) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            msg = (
                f"{what}: point '{ids_a[i]}' (row {i + 1}) has latitude={lat_a[i]} "
                f"longitude={lon_a[i]}; {problem} ({int(mask.sum())} such point(s))"
            )
            raise InputError(msg)

    bad = ~np.isfinite(lat_a) | ~np.isfinite(lon_a) | (np.abs(lat_a) > 90) | (np.abs(lon_a) > 180)
    refuse(bad, "expected finite WGS84 degrees, latitude in [-90, 90] and longitude in "
                "[-180, 180]")  # fmt: skip
    swapped = ~check_coordinates_in_france(lat_a, lon_a) & check_coordinates_in_france(lon_a, lat_a)
    refuse(swapped, "outside France, but in France with the two swapped: give latitude then "
                    "longitude")  # fmt: skip
    return ids_a, lat_a, lon_a
