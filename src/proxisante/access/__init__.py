"""Accessibility engine: DREES APL and the floating-catchment family over sparse travel times.

Pure functions over numpy arrays and ``scipy.sparse`` (no pandas in the hot path), exact
incremental updates (:class:`Catchment`), and a thin DataFrame façade (:func:`compute_access`).
"""

from proxisante.access.api import MEASURES, align_demand, align_supply, compute_access
from proxisante.access.apl import (
    CONSULTATIONS_PER_FTE,
    apl,
    consultations_from_fte,
    counted_consultations,
    fte_per_100k,
)
from proxisante.access.decay import (
    DREES_APL_STEP,
    Decay,
    ExponentialDecay,
    GaussianDecay,
    LinearDecay,
    PowerDecay,
    StepDecay,
)
from proxisante.access.fca import (
    catchment_weights,
    covered_population,
    hansen_potential,
    nearest_minutes,
    site_demand,
    supply_ratio,
    three_step,
    two_step,
)
from proxisante.access.incremental import Catchment

__all__ = [
    "CONSULTATIONS_PER_FTE",
    "DREES_APL_STEP",
    "MEASURES",
    "Catchment",
    "Decay",
    "ExponentialDecay",
    "GaussianDecay",
    "LinearDecay",
    "PowerDecay",
    "StepDecay",
    "align_demand",
    "align_supply",
    "apl",
    "catchment_weights",
    "compute_access",
    "consultations_from_fte",
    "counted_consultations",
    "covered_population",
    "fte_per_100k",
    "hansen_potential",
    "nearest_minutes",
    "site_demand",
    "supply_ratio",
    "three_step",
    "two_step",
]
