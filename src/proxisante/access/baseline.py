"""The evaluation baseline: the national APL world that scenarios and plans are evaluated on.

An :class:`EvaluationBaseline` holds, for every commune it covers, the baseline APL to GPs,
the DREES standardised and total populations, and the DREES-step :class:`Catchment` over
commune-to-commune travel times. Scenarios add the exact marginal effects of supply changes
to the baseline (``ΔAPL_i = Σ_j f(t_ij) ΔS_j / D_j``, see ``docs/methods.md``); plans use the
same per-unit effects as the columns of their optimisation model.

Constructors
------------
:meth:`EvaluationBaseline.official`
    The official DREES APL as the baseline, on the offline travel-time estimate (built once
    per year and process) or on a given square travel matrix (OSRM, INSEE Metric distancier).
:meth:`EvaluationBaseline.from_supply`
    A baseline computed from a full supply vector on given travel times, the same engine
    end to end (e.g. a calibrated supply and travel model).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pandas as pd

from proxisante.access._checks import check_vector
from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.incremental import Catchment
from proxisante.errors import InputError, UnknownCodeError
from proxisante.territory import load_communes, load_official_apl
from proxisante.travel import TravelMatrix, estimate_matrix

__all__ = ["EnsembleMember", "EvaluationBaseline", "range_with_central"]


@dataclass(frozen=True)
class EnsembleMember:
    """One member of an ensemble of calibrated worlds (ranges of scenario effects).

    Attributes
    ----------
    catchment
        DREES-step catchment of the member's travel times.
    supply
        Calibrated GP consultations per year of every commune in this member.
    model_apl
        APL computed by the engine with this supply and catchment.
    """

    catchment: Catchment
    supply: np.ndarray
    model_apl: np.ndarray


def range_with_central(stack, low: float = 10.0, high: float = 90.0):
    """P``low``–P``high`` over the worlds of ``stack`` (row 0: the central world), widened
    where needed so that the range always contains the central value.

    With a handful of worlds a percentile can fall strictly inside the spread while the
    central world sits at one end; a range that excludes the value shown next to it would
    read as a contradiction, so the central value bounds the range on that side.

    >>> lo, hi = range_with_central(np.array([[0.0, 5.0], [1.0, 4.0], [2.0, 6.0]]))
    >>> lo.tolist(), hi.tolist()
    ([0.0, 4.2], [1.8, 5.8])
    """
    s = np.asarray(stack, dtype=float)
    lo = np.minimum(np.percentile(s, low, axis=0), s[0])
    hi = np.maximum(np.percentile(s, high, axis=0), s[0])
    return lo, hi


@dataclass(frozen=True)
class EvaluationBaseline:
    """Baseline APL, populations and catchment of the evaluated communes (aligned arrays).

    Attributes
    ----------
    year
        APL millésime of the baseline (and of the DREES standardised population).
    codes
        INSEE codes of the communes, rows and columns of the catchment.
    baseline_apl
        APL to GPs before any edit (consultations per year per standardised inhabitant).
    pop_standardisee, pop_totale
        DREES standardised population (the APL's demand) and total population (inhabitants).
    catchment
        DREES-step weights and catchment demand over ``codes`` × ``codes``.
    supply, model_apl, members, model_id
        Set for a calibrated baseline (:func:`proxisante.model.calibrated_baseline`): the
        calibrated GP consultations per commune, the engine's APL with them, the ensemble
        members (ranges) and the model's id; None / empty for the official baseline alone.
    """

    year: int
    codes: np.ndarray
    baseline_apl: np.ndarray
    pop_standardisee: np.ndarray
    pop_totale: np.ndarray
    catchment: Catchment
    supply: np.ndarray | None = None
    model_apl: np.ndarray | None = None
    members: tuple[EnsembleMember, ...] = ()
    model_id: str | None = None

    @property
    def calibrated(self) -> bool:
        """True when scenario effects come from a calibrated model (its catchments)."""
        return self.supply is not None and self.model_apl is not None

    def apl_after(self, sites, delta_consultations) -> np.ndarray:
        """APL of every commune after supply changes (consultations) at ``sites`` (columns).

        One rule for every change, loss or gain, on the official and on a calibrated
        baseline: ``official + ΔAPL``, with ``ΔAPL_i = Σ_j W_ij ΔS_j / D_j`` in the
        baseline's catchment (the calibrated model's on a calibrated baseline). Hence
        ``Σ_i ΔAPL_i Pstd_i = Σ_j ΔS_j`` (every consultation added or removed is seen), a
        change at one commune moves every APL in one direction, and opposite changes cancel
        exactly. An APL is never shown below 0 (:meth:`changed_rows`).
        """
        rows, values = self.changed_rows(sites, delta_consultations)
        after = self.baseline_apl.copy()
        after[rows] = values
        return after

    def changed_rows(self, sites, delta_consultations, *, member: EnsembleMember | None = None):
        """The communes whose APL changes and their APL after: ``(rows, apl_after[rows])``.

        The same values as :meth:`apl_after` (``member``: in that ensemble member's
        catchment), computed only where the change reaches: a delta reads the changed
        columns of the catchment, and the communes it does not reach keep their baseline
        APL exactly. A removal larger than a commune's official APL allows (the model's
        catchment differs from the official one) stops at 0: :meth:`floored_rows` counts
        those communes.
        """
        rows, d = self.delta_rows(sites, delta_consultations, member=member)
        return rows, np.maximum(self.baseline_apl[rows] + d, 0.0)

    def delta_rows(self, sites, delta_consultations, *, member: EnsembleMember | None = None):
        """The exact ``ΔAPL`` of a supply change, before the floor at 0: ``(rows, delta)``."""
        catchment = self.catchment if member is None else member.catchment
        return catchment.delta_rows(sites, delta_consultations)

    def floored_rows(self, sites, delta_consultations) -> np.ndarray:
        """Rows whose official APL plus the change would fall below 0 (shown as 0)."""
        rows, d = self.delta_rows(sites, delta_consultations)
        return rows[self.baseline_apl[rows] + d < 0.0]

    def delta_range(self, sites, delta_consultations, *, low: float = 10.0, high: float = 90.0):
        """P``low``–P``high`` of the APL change over the central model and its members.

        Returns ``(low_delta, high_delta)`` arrays (consultations per standardised
        inhabitant), or ``(None, None)`` without an ensemble; see :meth:`world_delta_range`.
        """
        return self.world_delta_range(lambda _member: (sites, delta_consultations), low=low,
                                      high=high)  # fmt: skip

    def world_delta_range(self, changes_of, *, low: float = 10.0, high: float = 90.0):
        """P``low``–P``high`` of the APL change when each world has its own changes:
        ``changes_of(k) -> (sites, delta_consultations)`` with ``k`` None for the central
        world and the member's index otherwise (e.g. a site of unknown staff whose
        consultations each member draws from their stated distribution).

        Computed on the communes some world changes only (elsewhere every change is 0).
        The range always contains the central change (:func:`range_with_central`).
        """
        if not self.members:
            return None, None
        worlds = [self.changed_rows(*changes_of(None))] + [
            self.changed_rows(*changes_of(k), member=m) for k, m in enumerate(self.members)
        ]
        touched = np.unique(np.concatenate([rows for rows, _ in worlds]))
        stack = np.zeros((len(worlds), len(touched)))
        for k, (rows, after) in enumerate(worlds):
            stack[k, np.searchsorted(touched, rows)] = after - self.baseline_apl[rows]
        low_delta, high_delta = np.zeros(len(self.codes)), np.zeros(len(self.codes))
        if len(touched):
            low_delta[touched], high_delta[touched] = range_with_central(stack, low, high)
        return low_delta, high_delta

    def __post_init__(self) -> None:
        n = len(self.codes)
        if self.catchment.shape != (n, n):
            msg = f"catchment has shape {self.catchment.shape}; expected ({n}, {n}) over codes"
            raise InputError(msg)
        check_vector(self.baseline_apl, name="baseline_apl", length=n, unit="APL")
        check_vector(self.pop_standardisee, name="pop_standardisee", length=n, unit="inhabitants")
        check_vector(self.pop_totale, name="pop_totale", length=n, unit="inhabitants")

    @classmethod
    def official(
        cls, year: int = 2023, *, travel: TravelMatrix | None = None
    ) -> EvaluationBaseline:
        """The official DREES APL of ``year`` as the baseline.

        Parameters
        ----------
        year
            APL millésime (its standardised population is the demand).
        travel
            A square travel matrix over commune codes (OSRM, or an imported INSEE Metric
            distancier) to use instead of the offline estimate; only the communes it covers
            are evaluated. Without it, every commune with an official APL and a location is
            evaluated on the offline estimate, built once per year and process.

        Raises
        ------
        InputError
            A non-square matrix, or a commune of the matrix without an official APL.
        """
        if travel is None:
            return _official_on_estimate(year)
        ids, d = _square_communes(travel, year)
        pop = d["pop_standardisee"].to_numpy(dtype=float)
        return cls(
            year=year, codes=ids, baseline_apl=d["apl_generalistes"].to_numpy(dtype=float),
            pop_standardisee=pop, pop_totale=d["pop_totale"].to_numpy(dtype=float),
            catchment=Catchment.build(travel.minutes, pop),
        )  # fmt: skip

    @classmethod
    def from_supply(
        cls, travel: TravelMatrix, supply_consultations, *, year: int = 2023,
        decay: Decay = DREES_APL_STEP,
    ) -> EvaluationBaseline:  # fmt: skip
        """A baseline computed by the engine: the APL of ``supply_consultations`` on ``travel``.

        Parameters
        ----------
        travel
            Square travel matrix over commune codes (minutes).
        supply_consultations
            GP consultations per year at each commune of ``travel`` (aligned with its ids).
        year
            Year of the DREES standardised and total populations used as demand.
        decay
            Distance decay (default: the DREES APL step).
        """
        ids, d = _square_communes(travel, year)
        pop = d["pop_standardisee"].to_numpy(dtype=float)
        cat = Catchment.build(travel.minutes, pop, decay=decay)
        return cls(
            year=year, codes=ids, baseline_apl=cat.accessibility(supply_consultations),
            pop_standardisee=pop, pop_totale=d["pop_totale"].to_numpy(dtype=float),
            catchment=cat,
        )  # fmt: skip

    @cached_property
    def code_index(self) -> pd.Index:
        """``codes`` as a pandas index, built once (its hash table is reused by every
        :meth:`index_of` and by the tables indexed by commune)."""
        return pd.Index(self.codes, name="code_insee")

    @cached_property
    def _row_of(self) -> dict[str, int]:
        """Row of each code (a few codes are looked up without pandas' index machinery)."""
        return {str(code): k for k, code in enumerate(self.codes)}

    def index_of(self, codes) -> np.ndarray:
        """Row indexes of ``codes``; an unknown code raises :class:`UnknownCodeError`."""
        wanted = list(codes)
        if len(wanted) <= 1000:  # the edits of a scenario: dictionary lookups
            row = self._row_of
            idx = np.array([row.get(c, -1) if isinstance(c, str) else -1 for c in wanted],
                           dtype=np.intp)  # fmt: skip
        else:
            idx = self.code_index.get_indexer(wanted)
        if (idx < 0).any():
            bad = np.asarray(wanted, dtype=object)[idx < 0]
            raise UnknownCodeError("commune (no official APL or location)", str(bad[0]))
        return idx


@cache
def _apl_table(year: int) -> pd.DataFrame:
    """Communes with an official APL of ``year`` (current geography) and a location."""
    apl = load_official_apl(year)
    apl = apl[apl["in_current_geography"]]
    communes = load_communes()[["code_insee", "lat", "lon"]].dropna()
    return communes.merge(apl, on="code_insee", how="inner", validate="one_to_one")


def _square_communes(travel: TravelMatrix, year: int) -> tuple[np.ndarray, pd.DataFrame]:
    """The commune codes of a square matrix and their APL-table rows, in matrix order."""
    if list(travel.origin_ids) != list(travel.destination_ids):
        msg = "the travel matrix must be square with the same commune codes as rows and columns"
        raise InputError(msg)
    df = _apl_table(year).set_index("code_insee")
    ids = np.asarray(travel.origin_ids, dtype=str)
    missing = [c for c in ids if c not in df.index]
    if missing:
        msg = (
            f"travel matrix commune '{missing[0]}' has no official APL {year} ({len(missing)} such)"
        )
        raise InputError(msg)
    return ids, df.loc[ids]


@cache
def _official_on_estimate(year: int) -> EvaluationBaseline:
    """The national estimate-based official baseline of ``year``, built once per process."""
    df = _apl_table(year)
    ids = df["code_insee"].to_numpy()
    tm = estimate_matrix(
        ids, df["lat"], df["lon"], ids, df["lat"], df["lon"],
        cutoff_minutes=DREES_APL_STEP.max_minutes,
    )  # fmt: skip
    pop = df["pop_standardisee"].to_numpy(dtype=float)
    return EvaluationBaseline(
        year=year,
        codes=ids,
        baseline_apl=df["apl_generalistes"].to_numpy(dtype=float),
        pop_standardisee=pop,
        pop_totale=df["pop_totale"].to_numpy(dtype=float),
        catchment=Catchment.build(tm.minutes, pop),
    )
