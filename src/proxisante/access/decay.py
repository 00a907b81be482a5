"""Distance-decay functions of travel time, as first-class objects.

Every decay maps an array of travel times in minutes to non-negative weights (in [0, 1] for
all but :class:`PowerDecay`, whose scale may exceed 1) and is vectorised: engines apply it
once to ``TravelMatrix.minutes.data`` (the stored, reachable pairs). Calling a decay
validates the times (finite, ≥ 0) and raises :class:`~proxisante.errors.InputError`
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from proxisante.catchment import DREES_STEP_UPPERS_MINUTES, DREES_STEP_WEIGHTS
from proxisante.errors import InputError

__all__ = [
    "DREES_APL_STEP",
    "Decay",
    "ExponentialDecay",
    "GaussianDecay",
    "LinearDecay",
    "PowerDecay",
    "StepDecay",
]


def _check_minutes(minutes: np.ndarray) -> np.ndarray:
    t = np.asarray(minutes, dtype=float)
    bad = ~np.isfinite(t) | (t < 0)
    if bad.any():
        msg = (
            f"travel times must be finite minutes ≥ 0; got {t[bad][:3].tolist()} "
            f"({int(bad.sum())} bad value(s))"
        )
        raise InputError(msg)
    return t


class Decay:
    """Base class: ``decay(minutes) -> weights`` (numpy in, numpy out)."""

    def weights(self, minutes: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, minutes) -> np.ndarray:
        return self.weights(_check_minutes(minutes))


@dataclass(frozen=True)
class StepDecay(Decay):
    """Piecewise-constant weights by travel-time band (minutes → weight).

    With ``closed="left"`` (default) band ``k`` is ``[upper_{k-1}, upper_k)`` with weight
    ``values[k]`` (the first band starts at 0); beyond the last upper bound the weight is 0,
    and with ``last_closed=True`` the last band includes its upper bound
    (``t == uppers[-1]`` keeps ``values[-1]``). With ``closed="right"`` every band is
    ``(upper_{k-1}, upper_k]``: a time equal to a bound takes the weight of the band it
    closes; this is the convention of PySAL ``access.weights.step_fn`` (``t <= bound``).

    >>> DREES_APL_STEP([0, 9.9, 10, 14.9, 15, 20, 20.1]).round(4).tolist()
    [1.0, 1.0, 0.6667, 0.6667, 0.3333, 0.3333, 0.0]
    >>> StepDecay((10.0, 20.0), (1.0, 0.5), closed="right")([10, 10.5, 20, 21]).tolist()
    [1.0, 0.5, 0.5, 0.0]
    """

    uppers: tuple[float, ...]
    values: tuple[float, ...]
    last_closed: bool = True
    closed: Literal["left", "right"] = "left"

    def __post_init__(self) -> None:
        u = np.asarray(self.uppers, dtype=float)
        v = np.asarray(self.values, dtype=float)
        if len(u) == 0 or len(u) != len(v):
            msg = f"StepDecay needs as many upper bounds as weights; got {len(u)} and {len(v)}"
            raise InputError(msg)
        if not (np.all(np.diff(u) > 0) and u[0] > 0):
            msg = f"StepDecay upper bounds must be increasing minutes > 0; got {list(self.uppers)}"
            raise InputError(msg)
        if np.any(v < 0) or np.any(v > 1):
            msg = f"StepDecay weights must lie in [0, 1]; got {list(self.values)}"
            raise InputError(msg)
        if self.closed not in ("left", "right"):
            msg = f"StepDecay closed was {self.closed!r}; expected 'left' or 'right'"
            raise InputError(msg)

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        u = np.asarray(self.uppers, dtype=float)
        v = np.append(np.asarray(self.values, dtype=float), 0.0)
        if self.closed == "right":
            return v[np.searchsorted(u, minutes, side="left")]
        band = np.searchsorted(u, minutes, side="right")
        if self.last_closed:
            band = np.where(minutes == u[-1], len(u) - 1, band)
        return v[band]

    @property
    def max_minutes(self) -> float:
        """Largest time with a non-zero weight."""
        return float(self.uppers[-1])


DREES_APL_STEP = StepDecay(uppers=DREES_STEP_UPPERS_MINUTES, values=DREES_STEP_WEIGHTS)
"""The DREES APL decay of road travel time (minutes → weight): the steps of
:mod:`proxisante.catchment`.

Source: DREES, workbook ``apl_generalistes.xlsx``, sheet "Paramètres" (decay 1 for
"< 10 min", 2/3 for "10–15 min", 1/3 for "15–20 min", 0 for "> 20 min"); Barlet, Coldefy,
Collin, Lucas-Gabrielli (2012), DREES Études et Résultats n°795.

Boundaries. The source is strict at both ends ("< 10" → 1, "> 20" → 0) and silent on the
inner bound 15. We read every band as closed on the left: exactly 10 min → 2/3 (10 is not
"< 10"), exactly 15 min → 1/3 (start of "15–20"), exactly 20 min → 1/3 (20 is not "> 20").
A commune's time to itself is 0 minutes (stored explicitly by the travel providers) and
falls in the first band, as DREES counts it. The INSEE Metric distancier used by DREES gives
times with decimals, so exact ties are rare with real data; they matter with rounded or
synthetic times, hence this explicit choice.
"""


@dataclass(frozen=True)
class LinearDecay(Decay):
    """``1 − t / max_minutes`` up to ``max_minutes``, 0 beyond.

    >>> LinearDecay(20)([0, 10, 20, 30]).tolist()
    [1.0, 0.5, 0.0, 0.0]
    """

    max_minutes: float

    def __post_init__(self) -> None:
        if not np.isfinite(self.max_minutes) or self.max_minutes <= 0:
            msg = f"LinearDecay max_minutes was {self.max_minutes!r}; expected minutes > 0"
            raise InputError(msg)

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        return np.clip(1.0 - minutes / self.max_minutes, 0.0, 1.0)


@dataclass(frozen=True)
class GaussianDecay(Decay):
    """``exp(−t² / (2 σ²))``, truncated to 0 beyond ``max_minutes`` (Dai 2010 Gaussian 2SFCA).

    >>> GaussianDecay(sigma_minutes=10, max_minutes=30)([0, 10, 31]).round(4).tolist()
    [1.0, 0.6065, 0.0]
    """

    sigma_minutes: float
    max_minutes: float = np.inf

    def __post_init__(self) -> None:
        if not np.isfinite(self.sigma_minutes) or self.sigma_minutes <= 0:
            msg = f"GaussianDecay sigma_minutes was {self.sigma_minutes!r}; expected minutes > 0"
            raise InputError(msg)

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        w = np.exp(-(minutes**2) / (2.0 * self.sigma_minutes**2))
        return np.where(minutes <= self.max_minutes, w, 0.0)


@dataclass(frozen=True)
class ExponentialDecay(Decay):
    """``exp(−β t)`` with β per minute, truncated beyond ``max_minutes``.

    >>> ExponentialDecay(beta_per_minute=0.1)([0, 10]).round(4).tolist()
    [1.0, 0.3679]
    """

    beta_per_minute: float
    max_minutes: float = np.inf

    def __post_init__(self) -> None:
        if not np.isfinite(self.beta_per_minute) or self.beta_per_minute < 0:
            msg = f"ExponentialDecay beta_per_minute was {self.beta_per_minute!r}; expected ≥ 0"
            raise InputError(msg)

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        return np.where(minutes <= self.max_minutes, np.exp(-self.beta_per_minute * minutes), 0.0)


@dataclass(frozen=True)
class PowerDecay(Decay):
    """Gravity (Hansen 1959) decay ``(max(t, min_minutes) / scale_minutes)^(−β)``.

    ``min_minutes`` avoids the singularity at 0 (a commune to itself). Weights are not
    bounded by 1 when ``t < scale_minutes``; use ``scale_minutes ≤ min_minutes`` for [0, 1].

    >>> PowerDecay(beta=1.0, scale_minutes=5, min_minutes=5)([0, 5, 10]).tolist()
    [1.0, 1.0, 0.5]
    """

    beta: float
    scale_minutes: float = 1.0
    min_minutes: float = 1.0
    max_minutes: float = np.inf

    def __post_init__(self) -> None:
        if not (np.isfinite(self.beta) and self.beta >= 0):
            msg = f"PowerDecay beta was {self.beta!r}; expected a finite exponent ≥ 0"
            raise InputError(msg)
        if not (self.scale_minutes > 0 and self.min_minutes > 0):
            msg = "PowerDecay scale_minutes and min_minutes must be > 0"
            raise InputError(msg)

    def weights(self, minutes: np.ndarray) -> np.ndarray:
        t = np.maximum(minutes, self.min_minutes)
        return np.where(minutes <= self.max_minutes, (t / self.scale_minutes) ** (-self.beta), 0.0)
