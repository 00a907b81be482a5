"""Calibrate the offline estimate against reference travel times (OSRM or a distancier).

The estimate is ``minutes = great_circle_km × detour_factor ÷ speed_kmh × 60``: one slope,
``minutes_per_km = 60 × detour_factor ÷ speed_kmh``. Given reference times for pairs of
points (an OSRM table on the user's road network, or an INSEE Metric distancier), the slope
is fitted by least squares through the origin over the pairs with a positive distance, and
the fit is reported (R², median absolute error and median ratio, before and after), so the
estimate can be used with the fitted speed where routing is not available. Holding the
detour factor at its default, the fitted speed is ``60 × detour_factor ÷ slope``; only the
product matters to the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proxisante import _fr as fr
from proxisante.errors import InputError
from proxisante.travel.base import TravelMatrix
from proxisante.travel.estimate import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, great_circle_km

__all__ = ["EstimateFit", "fit_estimate"]


@dataclass(frozen=True)
class EstimateFit:
    """Least-squares fit of the estimate's slope on reference times."""

    pairs: int
    minutes_per_km: float
    detour_factor: float
    speed_kmh: float
    r2: float
    median_abs_error_minutes: float
    median_ratio: float
    default_median_abs_error_minutes: float
    default_median_ratio: float

    def describe(self) -> str:
        """One paragraph with the figures, in French like every CLI output."""
        return (
            f"{fr.fmt_int(self.pairs)} paires : {fr.fmt_dec(self.minutes_per_km, 3)} min par km "
            f"à vol d'oiseau (facteur de détour {fr.fmt_num(self.detour_factor)} et "
            f"{fr.fmt_dec(self.speed_kmh, 1)} km/h), R² {fr.fmt_dec(self.r2, 3)}, |écart| "
            f"médian {fr.fmt_dec(self.median_abs_error_minutes, 2)} min, rapport médian "
            f"référence/estimation {fr.fmt_dec(self.median_ratio, 3)} ; avec les valeurs par "
            f"défaut ({fr.fmt_num(DEFAULT_DETOUR_FACTOR)}, {fr.fmt_num(DEFAULT_SPEED_KMH)} km/h) "
            f": |écart| médian {fr.fmt_dec(self.default_median_abs_error_minutes, 2)} min, "
            f"rapport {fr.fmt_dec(self.default_median_ratio, 3)}"
        )


def fit_estimate(
    reference: TravelMatrix,
    origin_lat,
    origin_lon,
    destination_lat,
    destination_lon,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> EstimateFit:
    """Fit the estimate's slope on the stored pairs of ``reference``.

    Parameters
    ----------
    reference
        Reference times (e.g. :func:`proxisante.travel.osrm.osrm_matrix`), origins and
        destinations in the order of the coordinates given.
    origin_lat, origin_lon, destination_lat, destination_lon
        WGS84 coordinates (degrees) of the reference's origins and destinations.
    detour_factor
        Held fixed; the fitted speed is expressed with it.

    Raises
    ------
    InputError
        Coordinates not aligned with the matrix, or fewer than 2 pairs with a positive
        distance and time.
    """
    coo = reference.minutes.tocoo()
    olat, olon = np.asarray(origin_lat, float), np.asarray(origin_lon, float)
    dlat, dlon = np.asarray(destination_lat, float), np.asarray(destination_lon, float)
    if len(olat) != coo.shape[0] or len(dlat) != coo.shape[1]:
        msg = (f"coordinates ({len(olat)} origins, {len(dlat)} destinations) do not match the "
               f"matrix shape {coo.shape}")  # fmt: skip
        raise InputError(msg)
    km = great_circle_km(olat[coo.row], olon[coo.row], dlat[coo.col], dlon[coo.col])
    minutes = coo.data.astype(float)
    keep = (km > 0) & (minutes > 0)
    if keep.sum() < 2:
        msg = f"{int(keep.sum())} pair(s) with a positive distance and time; at least 2 needed"
        raise InputError(msg)
    km, minutes = km[keep], minutes[keep]
    slope = float(km @ minutes / (km @ km))
    fitted = slope * km
    default = km * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60.0
    ss_res = float(((minutes - fitted) ** 2).sum())
    ss_tot = float(((minutes - minutes.mean()) ** 2).sum())
    return EstimateFit(
        pairs=int(keep.sum()),
        minutes_per_km=slope,
        detour_factor=detour_factor,
        speed_kmh=60.0 * detour_factor / slope,
        r2=1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
        median_abs_error_minutes=float(np.median(np.abs(minutes - fitted))),
        median_ratio=float(np.median(minutes / fitted)),
        default_median_abs_error_minutes=float(np.median(np.abs(minutes - default))),
        default_median_ratio=float(np.median(minutes / default)),
    )
