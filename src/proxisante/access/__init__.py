"""Accessibility engine: DREES APL and the floating-catchment family over sparse travel times.

Pure functions over numpy arrays and ``scipy.sparse`` (no pandas in the hot path), exact
incremental updates (:class:`Catchment`, :func:`supply_change_delta`), and a thin DataFrame
façade (:func:`access_table`, :func:`compute_access`). At the data edge:
:class:`EvaluationBaseline` (the national baseline scenarios and plans are evaluated on)
and :func:`read_supply_file` (a user's supply table).

Orientation everywhere: matrices are origins (demand, rows) × destinations (supply sites,
columns), in minutes; reachable pairs are exactly the stored entries (a stored 0.0 is
0 minutes).
"""

from proxisante.access.api import (
    DECAY_NAMES,
    LUO_QI_ZONES,
    MEASURES,
    RATIO_MEASURES,
    access_table,
    align_demand,
    align_supply,
    compute_access,
    decay_by_name,
    default_decay,
)
from proxisante.access.apl import (
    CONSULTATIONS_PER_FTE,
    NEW_GP_CONSULTATIONS,
    PER_100K,
    UNDER_65_AGE,
    apl,
    apl_under_65,
    consultations_by_site,
    consultations_from_fte,
    counted_consultations,
    fte_from_activity,
    fte_per_100k,
    standardise_population,
)
from proxisante.access.baseline import EvaluationBaseline
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
    balanced,
    catchment_weights,
    covered_population,
    hansen_potential,
    modified_two_step,
    nearest_minutes,
    site_demand,
    supply_ratio,
    three_step,
    two_step,
)
from proxisante.access.incremental import Catchment, apply_supply_change, supply_change_delta
from proxisante.access.measures import MEASURE_REGISTRY, AccessMeasure, measure_by_name
from proxisante.access.professions import (
    ESTIMATED_PROFESSIONS,
    ProfessionAccess,
    baseline_professions,
    profession_access,
)
from proxisante.access.supply_file import read_apl_file, read_supply_file

__all__ = [
    "CONSULTATIONS_PER_FTE",
    "DECAY_NAMES",
    "DREES_APL_STEP",
    "ESTIMATED_PROFESSIONS",
    "LUO_QI_ZONES",
    "MEASURES",
    "MEASURE_REGISTRY",
    "NEW_GP_CONSULTATIONS",
    "PER_100K",
    "RATIO_MEASURES",
    "UNDER_65_AGE",
    "AccessMeasure",
    "Catchment",
    "Decay",
    "EvaluationBaseline",
    "ExponentialDecay",
    "GaussianDecay",
    "LinearDecay",
    "PowerDecay",
    "ProfessionAccess",
    "StepDecay",
    "access_table",
    "align_demand",
    "align_supply",
    "apl",
    "apl_under_65",
    "apply_supply_change",
    "balanced",
    "baseline_professions",
    "catchment_weights",
    "compute_access",
    "consultations_by_site",
    "consultations_from_fte",
    "counted_consultations",
    "covered_population",
    "decay_by_name",
    "default_decay",
    "fte_from_activity",
    "fte_per_100k",
    "hansen_potential",
    "measure_by_name",
    "modified_two_step",
    "nearest_minutes",
    "profession_access",
    "read_apl_file",
    "read_supply_file",
    "site_demand",
    "standardise_population",
    "supply_change_delta",
    "supply_ratio",
    "three_step",
    "two_step",
]
