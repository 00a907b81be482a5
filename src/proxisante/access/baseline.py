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
from functools import cache

import numpy as np
import pandas as pd

from proxisante.access._checks import check_vector
from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.incremental import Catchment
from proxisante.errors import InputError, UnknownCodeError
from proxisante.territory import load_communes, load_official_apl
from proxisante.travel import TravelMatrix, estimate_matrix

__all__ = ["EvaluationBaseline"]


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
    """

    year: int
    codes: np.ndarray
    baseline_apl: np.ndarray
    pop_standardisee: np.ndarray
    pop_totale: np.ndarray
    catchment: Catchment

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

    def index_of(self, codes) -> np.ndarray:
        """Row indexes of ``codes``; an unknown code raises :class:`UnknownCodeError`."""
        wanted = list(codes)
        idx = pd.Index(self.codes).get_indexer(wanted)
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
