"""Needs of the population and home care: how old, how poor and how ill a territory is, the
nurses and SSIAD places within reach of its inhabitants aged 75 or more, and the prevention
reach of its health centres.

Sits beside :mod:`proxisante.model`, below :mod:`proxisante.scenarios`: it draws on
``territory``, ``offer``, ``travel`` and ``access`` and knows nothing of rendering.
"""

from proxisante.needs.age_estimate import (
    AGE_LABELS,
    AgeEstimate,
    calibrated_tilt,
    estimate_population_by_age,
    reference_pyramid,
    tilt_to_ratio,
)
from proxisante.needs.api import (
    ESTIMATE_SENTENCE_FR,
    NeedsData,
    centre_coverage_change,
    default_ages,
    home_care_summary,
    load_needs,
    nurse_supply,
    prevention_change,
    prevention_reach,
    territory_needs,
)
from proxisante.needs.bassins import (
    ATTACHMENTS,
    attach_bassins_vie,
    attach_communes,
    attachment_counts,
)
from proxisante.needs.change import HomeCareChange, home_care_change
from proxisante.needs.home_care import (
    DEFAULT_CUTOFF_MINUTES,
    EHPAD_FRANCE_PER_1000,
    PLACE_MEASURES,
    SSIAD_FRANCE_PER_1000,
    UNDER_SERVED_FRACTION,
    HomeCareAccess,
    elderly_access,
    estimate_nurse_supply,
    home_care_access,
    medico_social_sites,
)
from proxisante.needs.layer import (
    INDICATORS,
    Indicator,
    NeedsComparison,
    commune_needs,
    compare_territory,
)
from proxisante.needs.prevention import (
    PREVENTION_TARGETS,
    centre_reach,
    reach_change,
    target_populations,
)

__all__ = [
    "AGE_LABELS",
    "ATTACHMENTS",
    "DEFAULT_CUTOFF_MINUTES",
    "EHPAD_FRANCE_PER_1000",
    "ESTIMATE_SENTENCE_FR",
    "INDICATORS",
    "PLACE_MEASURES",
    "PREVENTION_TARGETS",
    "SSIAD_FRANCE_PER_1000",
    "UNDER_SERVED_FRACTION",
    "AgeEstimate",
    "HomeCareAccess",
    "HomeCareChange",
    "Indicator",
    "NeedsComparison",
    "NeedsData",
    "attach_bassins_vie",
    "attach_communes",
    "attachment_counts",
    "calibrated_tilt",
    "centre_coverage_change",
    "centre_reach",
    "commune_needs",
    "compare_territory",
    "default_ages",
    "elderly_access",
    "estimate_nurse_supply",
    "estimate_population_by_age",
    "home_care_access",
    "home_care_change",
    "home_care_summary",
    "load_needs",
    "medico_social_sites",
    "nurse_supply",
    "prevention_change",
    "prevention_reach",
    "reach_change",
    "reference_pyramid",
    "target_populations",
    "territory_needs",
    "tilt_to_ratio",
]
