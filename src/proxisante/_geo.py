"""Where France is: WGS84 boxes of metropolitan France and the overseas départements."""

from __future__ import annotations

import numpy as np

__all__ = ["FRANCE_BOXES", "check_coordinates_in_france"]

#: WGS84 boxes (lat_min, lat_max, lon_min, lon_max) of metropolitan France and each overseas
#: département, generous by a few kilometres.
FRANCE_BOXES = [
    (41.2, 51.2, -5.3, 9.7),  # metropolitan France and Corsica
    (15.8, 16.6, -61.9, -60.9),  # Guadeloupe
    (14.3, 14.95, -61.3, -60.7),  # Martinique
    (2.0, 5.9, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
]


def check_coordinates_in_france(lat, lon) -> np.ndarray:
    """True where (lat, lon) lies in France (metropole or an overseas département).

    Examples
    --------
    >>> check_coordinates_in_france([50.44, 0.0, -21.1], [2.86, 0.0, 55.5]).tolist()
    [True, False, True]
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ok = np.zeros(lat.shape, dtype=bool)
    for la0, la1, lo0, lo1 in FRANCE_BOXES:
        ok |= (lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1)
    return ok
