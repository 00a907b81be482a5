"""DataFrame-level façade of the engine: ids in, a tidy table out.

The engine functions take numpy arrays aligned with a :class:`~proxisante.travel.TravelMatrix`
(rows = origins = demand, columns = destinations = supply sites). This module aligns user
tables on the matrix ids and dispatches to the measure; pandas is used only here, at the edge.

Tables
------
supply
    One row per site (several rows per destination are summed): ``destination`` (id among
    ``travel.destination_ids``) and a supply column (``supply`` by default: consultations
    per year for the APL, fte or any count for the other measures), ≥ 0.
demand
    One row per origin, every origin of the matrix present exactly once: ``origin`` (id
    among ``travel.origin_ids``) and a demand column (``demand`` by default: standardised
    inhabitants for the APL, inhabitants otherwise), ≥ 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.access.decay import Decay, GaussianDecay, LinearDecay, PowerDecay
from proxisante.access.measures import LUO_QI_ZONES, MEASURE_REGISTRY, measure_by_name
from proxisante.errors import InputError, UnknownCodeError
from proxisante.travel import TravelMatrix

__all__ = [
    "DECAY_NAMES",
    "LUO_QI_ZONES",
    "MEASURES",
    "RATIO_MEASURES",
    "access_table",
    "align_demand",
    "align_supply",
    "compute_access",
    "decay_by_name",
    "default_decay",
]

#: Names of the access measures (:data:`~proxisante.access.measures.MEASURE_REGISTRY`).
MEASURES: tuple[str, ...] = tuple(MEASURE_REGISTRY)


def default_decay(measure: str, travel: TravelMatrix) -> Decay:
    """The decay a measure uses when none is given
    (:meth:`~proxisante.access.measures.AccessMeasure.default_decay`).

    - ``apl``: :data:`~proxisante.access.decay.DREES_APL_STEP` (always);
    - ``2sfca``: a binary catchment, 1 up to ``travel.cutoff_minutes`` (Luo & Wang 2003);
    - ``e2sfca``, ``3sfca``, ``m2sfca`` and ``bfca``: :data:`LUO_QI_ZONES` (a graded decay:
      with a binary catchment the M2SFCA is the 2SFCA);
    - ``gravity``: none — a gravity decay has no neutral default, pass one
      (e.g. :class:`~proxisante.access.decay.PowerDecay`).
    """
    return measure_by_name(measure).default_decay(travel)


#: Measures whose value is a supply-to-demand ratio (FTE per inhabitant when supply is FTE:
#: shown per 100,000 inhabitants, :data:`~proxisante.access.apl.PER_100K`).
RATIO_MEASURES: tuple[str, ...] = tuple(n for n, m in MEASURE_REGISTRY.items() if m.ratio)
#: Decays a user can name (:func:`decay_by_name`).
DECAY_NAMES: tuple[str, ...] = ("default", "linear", "gaussian", "power")


def decay_by_name(name: str, measure: str, cutoff_minutes: float) -> Decay | None:
    """The decay a user names for ``measure`` within ``cutoff_minutes``.

    ``default``: the measure's own (``None``, see :func:`default_decay`), except for
    ``gravity`` which gets ``1/t`` (:class:`PowerDecay` with β = 1 from 1 minute);
    ``linear``: 1 at 0 min down to 0 at the cut-off; ``gaussian``: σ = cut-off ÷ 3;
    ``power``: ``1/t`` from 1 minute.

    Raises
    ------
    InputError
        ``name`` is not one of :data:`DECAY_NAMES`.

    >>> decay_by_name("default", "2sfca", 30.0) is None
    True
    """
    if name not in DECAY_NAMES:
        msg = f"--decay was '{name}'; expected one of {', '.join(DECAY_NAMES)}"
        raise InputError(msg)
    if name == "default":
        return measure_by_name(measure).user_default_decay(cutoff_minutes)
    if name == "linear":
        return LinearDecay(cutoff_minutes)
    if name == "gaussian":
        return GaussianDecay(sigma_minutes=cutoff_minutes / 3, max_minutes=cutoff_minutes)
    return PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0, max_minutes=cutoff_minutes)


def align_supply(
    travel: TravelMatrix, supply: pd.DataFrame, *, column: str = "supply"
) -> np.ndarray:
    """Sum ``supply[column]`` by ``supply['destination']`` onto the matrix destinations.

    Raises
    ------
    InputError
        Missing column, or a value that is not a finite number ≥ 0.
    UnknownCodeError
        A destination that is not a column of ``travel``.
    """
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
        msg = (
            f"supply row {i + 1}, field '{column}': {supply[column].iloc[i]!r}; "
            "expected a finite number ≥ 0"
        )
        raise InputError(msg)
    return np.bincount(pos, weights=values, minlength=len(index))


def align_demand(
    travel: TravelMatrix, demand: pd.Series | pd.DataFrame, *, column: str = "demand"
) -> np.ndarray:
    """Demand of every matrix origin, in matrix order.

    ``demand`` is a Series indexed by origin id, or a DataFrame with columns ``origin`` and
    ``column``. Every origin needs exactly one finite value ≥ 0; ids that are not origins of
    the matrix are rejected too (misaligned tables are an error, not a silent drop).
    """
    if isinstance(demand, pd.DataFrame):
        for col in ("origin", column):
            if col not in demand.columns:
                msg = f"demand table lacks column '{col}'; expected columns origin, {column}"
                raise InputError(msg)
        demand = pd.Series(demand[column].to_numpy(), index=demand["origin"].astype(str))
    ids = demand.index.astype(str)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()][0]
        msg = f"demand has several rows for origin '{dup}'; expected one row per origin"
        raise InputError(msg)
    origins = pd.Index(travel.origin_ids)
    extra = ids.difference(origins)
    if len(extra):
        raise UnknownCodeError("demand origin (not in the travel matrix)", str(extra[0]))
    pos = ids.get_indexer(origins)
    if (pos < 0).any():
        raise UnknownCodeError("origin without demand", str(origins[pos < 0][0]))
    raw = demand.to_numpy()[pos]
    values = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"demand of origin '{origins[i]}' is {raw[i]}; expected a finite number ≥ 0"
        raise InputError(msg)
    return values


def compute_access(
    measure: str,
    travel: TravelMatrix,
    *,
    supply: np.ndarray,
    demand: np.ndarray,
    decay: Decay | None = None,
    max_minutes: float | None = None,
) -> pd.DataFrame:
    """Compute one measure for every origin of ``travel`` from aligned arrays.

    Parameters
    ----------
    measure
        ``apl`` (DREES: 2SFCA with the DREES step; supply in counted consultations per
        year, demand in standardised inhabitants; result in consultations per year per
        standardised inhabitant), ``2sfca`` / ``e2sfca`` (supply per demand unit),
        ``3sfca``, ``m2sfca`` (Delamater 2013), ``bfca`` (balanced, Paez et al. 2019),
        ``gravity`` (Hansen potential, supply units), ``nearest`` (minutes to the
        nearest destination with supply > 0, ``inf`` if none), ``coverage`` (1.0 if some
        supply is within ``max_minutes``, else 0.0).
    travel
        Travel times, origins × destinations, minutes.
    supply, demand
        Arrays aligned with the destinations and the origins (see :func:`align_supply`,
        :func:`align_demand`).
    decay
        Decay of travel time; ``None`` uses :func:`default_decay`. Ignored by ``apl``
        (always the DREES step), ``nearest`` and ``coverage``.
    max_minutes
        Threshold of ``coverage``, minutes (default: ``travel.cutoff_minutes``).

    Returns
    -------
    pandas.DataFrame
        ``origin`` and ``value`` columns, one row per origin in matrix order.
    """
    value = measure_by_name(measure).values(travel, supply, demand, decay=decay,
                                            max_minutes=max_minutes)  # fmt: skip
    return pd.DataFrame({"origin": travel.origin_ids, "value": value})


def access_table(
    measure: str,
    travel: TravelMatrix,
    *,
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    decay: Decay | None = None,
    supply_column: str = "supply",
    demand_column: str = "demand",
    max_minutes: float | None = None,
) -> pd.DataFrame:
    """One measure for every origin, from user tables (see the module docstring).

    Parameters
    ----------
    measure, decay, max_minutes
        See :func:`compute_access`.
    travel
        Travel times in minutes, origins (demand) × destinations (supply sites).
    supply
        Columns ``destination`` and ``supply_column``.
    demand
        Columns ``origin`` and ``demand_column``, one row per origin of ``travel``.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``demand`` (aligned input), ``value`` and ``measure``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> ids = np.array(["a", "b"])  # a stored 0.0 (a to itself) is a reachable pair
    >>> t = sp.csr_array(([0.0, 12.0, 25.0, 5.0], ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(2, 2))
    >>> tm = TravelMatrix(t, ids, ids, 30.0, "example")
    >>> sup = pd.DataFrame({"destination": ["a"], "supply": [5400.0]})
    >>> dem = pd.DataFrame({"origin": ["a", "b"], "demand": [1000.0, 500.0]})
    >>> access_table("apl", tm, supply=sup, demand=dem)["value"].tolist()
    [5.4, 0.0]
    """
    s = align_supply(travel, supply, column=supply_column)
    d = align_demand(travel, demand, column=demand_column)
    out = compute_access(measure, travel, supply=s, demand=d, decay=decay, max_minutes=max_minutes)
    out.insert(1, "demand", d)
    out["measure"] = measure
    return out
