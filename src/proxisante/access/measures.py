"""The access measures, as a registry of small objects with one interface.

Each :class:`AccessMeasure` says how to turn aligned supply and demand arrays into one value
per origin of a :class:`~proxisante.travel.TravelMatrix`, which decay it uses by default and
whether its value is a supply-to-demand ratio. :data:`MEASURE_REGISTRY` lists them by name;
:func:`proxisante.access.compute_access`, the CLI (``proxisante access --measure``) and the
documentation read it. Adding a measure: one entry in :data:`MEASURE_REGISTRY` (and its
reference test), see ``docs/extending.md``.

Sources of the engines: :mod:`proxisante.access.fca`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from proxisante.access.decay import DREES_APL_STEP, Decay, PowerDecay, StepDecay
from proxisante.access.fca import (
    balanced,
    catchment_weights,
    covered_population,
    hansen_potential,
    modified_two_step,
    nearest_minutes,
    three_step,
    two_step,
)
from proxisante.errors import InputError
from proxisante.travel import TravelMatrix

__all__ = [
    "LUO_QI_ZONES",
    "MEASURE_REGISTRY",
    "AccessMeasure",
    "CatchmentMeasure",
    "measure_by_name",
]

LUO_QI_ZONES = StepDecay(uppers=(10.0, 20.0, 30.0), values=(1.0, 0.68, 0.22), closed="right")
"""E2SFCA travel-time zone weights of Luo & Qi (2009), *Health & Place* 15(4): 0–10 min → 1,
10–20 → 0.68, 20–30 → 0.22 (Gaussian weights of the zone centres), 0 beyond 30 minutes.
Closed on the right like the PySAL ``access`` default of ``enhanced_two_stage_fca``."""


def _binary(travel: TravelMatrix) -> Decay:
    """1 up to the matrix's cut-off (Luo & Wang 2003)."""
    return StepDecay(uppers=(float(travel.cutoff_minutes),), values=(1.0,))


def _luo_qi(travel: TravelMatrix) -> Decay:
    return LUO_QI_ZONES


def _drees(travel: TravelMatrix) -> Decay:
    return DREES_APL_STEP


@dataclass(frozen=True)
class AccessMeasure:
    """One access measure: ``name`` (as the user types it), ``summary`` (one line with its
    source), ``ratio`` (its value is supply per demand unit: FTE per inhabitant when supply is
    FTE, shown per 100,000) and ``uses_decay`` (it weighs travel times by a decay)."""

    name: str
    summary: str
    ratio: bool = False
    uses_decay: bool = True

    def default_decay(self, travel: TravelMatrix) -> Decay:
        """The decay the measure uses when none is given."""
        msg = f"measure '{self.name}' needs an explicit decay (e.g. PowerDecay(beta=1.0))"
        raise InputError(msg)

    def user_default_decay(self, cutoff_minutes: float) -> Decay | None:
        """The decay behind a user's ``--decay default`` (None: :meth:`default_decay`)."""
        return None

    def values(
        self, travel: TravelMatrix, supply: np.ndarray, demand: np.ndarray, *,
        decay: Decay | None, max_minutes: float | None,
    ) -> np.ndarray:  # fmt: skip
        """One value per origin of ``travel`` (arrays aligned with the matrix)."""
        raise NotImplementedError


@dataclass(frozen=True)
class CatchmentMeasure(AccessMeasure):
    """A measure over the decay weights ``W = f(t)``: ``engine(W, supply, demand)``.

    ``fixed_decay``: the default decay is the measure's definition (the APL's DREES steps), a
    given decay is ignored.
    """

    engine: Callable[..., np.ndarray] = two_step
    decay_for: Callable[[TravelMatrix], Decay] | None = None
    fixed_decay: bool = False

    def default_decay(self, travel: TravelMatrix) -> Decay:
        if self.decay_for is None:
            return super().default_decay(travel)
        return self.decay_for(travel)

    def values(self, travel, supply, demand, *, decay, max_minutes):
        f = self.default_decay(travel) if decay is None or self.fixed_decay else decay
        return self.engine(catchment_weights(travel.minutes, f), supply, demand)


def _potential(weights, supply, demand) -> np.ndarray:
    return hansen_potential(weights, supply)


@dataclass(frozen=True)
class GravityMeasure(CatchmentMeasure):
    """Hansen potential: no neutral default decay; a user's ``default`` is ``1/t``."""

    engine: Callable[..., np.ndarray] = _potential

    def user_default_decay(self, cutoff_minutes: float) -> Decay | None:
        return PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0, max_minutes=cutoff_minutes)


@dataclass(frozen=True)
class NearestMeasure(AccessMeasure):
    """Minutes to the nearest destination with supply > 0 (``inf`` if none)."""

    uses_decay: bool = False

    def values(self, travel, supply, demand, *, decay, max_minutes):
        return nearest_minutes(travel.minutes, supply)


@dataclass(frozen=True)
class CoverageMeasure(AccessMeasure):
    """1.0 if some supply is within ``max_minutes`` (default: the matrix's cut-off), else 0."""

    uses_decay: bool = False

    def values(self, travel, supply, demand, *, decay, max_minutes):
        limit = travel.cutoff_minutes if max_minutes is None else max_minutes
        _, covered = covered_population(travel.minutes, supply, demand, max_minutes=limit)
        return covered.astype(float)


_MEASURES: tuple[AccessMeasure, ...] = (
    CatchmentMeasure("apl", "APL de la DREES : 2SFCA, paliers DREES, consultations par habitant "
                     "standardisé (Barlet et al. 2012)", decay_for=_drees, fixed_decay=True),
    CatchmentMeasure("2sfca", "2SFCA, zone binaire (Luo & Wang 2003)", ratio=True,
                     decay_for=_binary),
    CatchmentMeasure("e2sfca", "E2SFCA, zones de Luo & Qi (2009)", ratio=True, decay_for=_luo_qi),
    CatchmentMeasure("3sfca", "3SFCA, poids de sélection (Wan, Zou & Sternberg 2012)", ratio=True,
                     engine=three_step, decay_for=_luo_qi),
    CatchmentMeasure("m2sfca", "M2SFCA (Delamater 2013)", ratio=True, engine=modified_two_step,
                     decay_for=_luo_qi),
    CatchmentMeasure("bfca", "FCA équilibré (Paez, Higgins & Vivona 2019)", ratio=True,
                     engine=balanced, decay_for=_luo_qi),
    GravityMeasure("gravity", "potentiel gravitaire de Hansen (1959)"),
    NearestMeasure("nearest", "minutes jusqu'à l'offre la plus proche"),
    CoverageMeasure("coverage", "1 si une offre est à moins du seuil, sinon 0"),
)  # fmt: skip
#: Every access measure by name, in the order the CLI lists them.
MEASURE_REGISTRY: dict[str, AccessMeasure] = {m.name: m for m in _MEASURES}


def measure_by_name(name: str) -> AccessMeasure:
    """The registered measure ``name``.

    Raises
    ------
    InputError
        ``name`` is not in :data:`MEASURE_REGISTRY`.

    >>> measure_by_name("e2sfca").ratio
    True
    """
    try:
        return MEASURE_REGISTRY[name]
    except KeyError:
        msg = f"measure was '{name}'; expected one of {', '.join(MEASURE_REGISTRY)}"
        raise InputError(msg) from None
