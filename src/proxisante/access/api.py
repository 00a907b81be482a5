"""DataFrame-level façade of the engine: ids in, a tidy table out.

The engine functions take numpy arrays aligned with a :class:`~proxisante.travel.TravelMatrix`;
this module aligns user tables on its ids (summing supply per destination) and dispatches to
the measure.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.fca import (
    catchment_weights,
    hansen_potential,
    nearest_minutes,
    three_step,
    two_step,
)
from proxisante.errors import InputError, UnknownCodeError
from proxisante.travel.base import TravelMatrix

__all__ = ["MEASURES", "align_demand", "align_supply", "compute_access"]

Measure = Literal["apl", "2sfca", "e2sfca", "3sfca", "gravity", "nearest"]
MEASURES: tuple[str, ...] = ("apl", "2sfca", "e2sfca", "3sfca", "gravity", "nearest")


def align_supply(
    travel: TravelMatrix, supply: pd.DataFrame, *, column: str = "supply"
) -> np.ndarray:
    """Sum ``supply[column]`` by ``supply['destination']`` onto the matrix destinations."""
    for col in ("destination", column):
        if col not in supply.columns:
            msg = f"supply table lacks column '{col}'; expected columns destination, {column}"
            raise InputError(msg)
    index = pd.Index(travel.destination_ids)
    pos = index.get_indexer(supply["destination"].astype(str))
    if (pos < 0).any():
        unknown = supply["destination"].astype(str)[pos < 0].iloc[0]
        raise UnknownCodeError("supply destination (not in the travel matrix)", unknown)
    values = pd.to_numeric(supply[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"supply row {i + 1}, field '{column}': {supply[column].iloc[i]!r}; expected ≥ 0"
        raise InputError(msg)
    return np.bincount(pos, weights=values, minlength=len(index))


def align_demand(travel: TravelMatrix, demand: pd.Series) -> np.ndarray:
    """Reorder a demand Series indexed by origin id onto the matrix origins (missing → error)."""
    d = demand.reindex(pd.Index(travel.origin_ids))
    if d.isna().any():
        missing = d.index[d.isna()][0]
        raise UnknownCodeError("origin without demand", str(missing))
    return d.to_numpy(dtype=float)


def compute_access(
    measure: Measure,
    travel: TravelMatrix,
    *,
    supply: np.ndarray,
    demand: np.ndarray,
    decay: Decay = DREES_APL_STEP,
) -> pd.DataFrame:
    """Compute one measure for every origin of ``travel``.

    Parameters
    ----------
    measure
        ``apl`` (DREES: 2SFCA with the DREES step; supply in counted consultations, demand in
        standardised inhabitants), ``2sfca``/``e2sfca`` (with ``decay``), ``3sfca``,
        ``gravity`` (Hansen potential), ``nearest`` (minutes to the nearest supply).
    travel
        Travel times, origins × destinations.
    supply, demand
        Arrays aligned with the destinations and the origins (see :func:`align_supply`,
        :func:`align_demand`).
    decay
        Decay of travel time (ignored by ``apl``, which always uses the DREES step).

    Returns
    -------
    pandas.DataFrame
        ``origin`` and ``value`` columns.
    """
    if measure not in MEASURES:
        msg = f"measure was '{measure}'; expected one of {', '.join(MEASURES)}"
        raise InputError(msg)
    if measure == "nearest":
        value = nearest_minutes(travel.minutes, supply)
    else:
        w = catchment_weights(travel.minutes, DREES_APL_STEP if measure == "apl" else decay)
        if measure in ("apl", "2sfca", "e2sfca"):
            value = two_step(w, supply, demand)
        elif measure == "3sfca":
            value = three_step(w, supply, demand)
        else:
            value = hansen_potential(w, supply)
    return pd.DataFrame({"origin": travel.origin_ids, "value": value})
