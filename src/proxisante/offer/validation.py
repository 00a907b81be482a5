"""Row-level validation shared by the offer importers: strict (fail on the first bad row,
naming file, line and field) or lenient (skip bad rows and report every one)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante.errors import DataFileError

__all__ = ["FRANCE_BOXES", "RowErrors", "check_coordinates_in_france"]

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
    """True where (lat, lon) lies in France (metropole or an overseas département)."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ok = np.zeros(lat.shape, dtype=bool)
    for la0, la1, lo0, lo1 in FRANCE_BOXES:
        ok |= (lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1)
    return ok


@dataclass
class RowErrors:
    """Collects bad rows. Strict mode raises on the first one; lenient mode records them all."""

    path: str
    lenient: bool = False
    rows: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, mask, lines, field_name: str, expected: str, values=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        lines = np.asarray(lines)
        if not self.lenient:
            i = int(np.flatnonzero(mask)[0])
            msg = f"expected {expected} ({int(mask.sum())} bad row(s)); use --lenient to skip them"
            raise DataFileError(self.path, msg, line=int(lines[i]), field=field_name)
        for ln in lines[mask]:
            self.rows.append((int(ln), field_name, expected))

    def keep_mask(self, lines) -> np.ndarray:
        """Rows of ``lines`` with no recorded error."""
        bad = {ln for ln, _, _ in self.rows}
        return ~pd.Series(np.asarray(lines)).isin(bad).to_numpy()

    @property
    def count(self) -> int:
        return len({ln for ln, _, _ in self.rows})

    def summary(self, first: int = 5) -> str:
        """'N bad row(s) skipped: line L field F (expected …); …'."""
        rows = sorted(self.rows)[:first]
        listed = "; ".join(f"line {ln}, field '{f}' (expected {e})" for ln, f, e in rows)
        return f"{self.count} bad row(s) skipped: {listed}" + (" …" if self.count > first else "")
