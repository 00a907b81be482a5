"""A calibrated national model of GP access: supply and travel times fitted to the official APL.

The engine (:mod:`proxisante.access`) is exact; this package estimates the world it runs on
so that the DREES-step APL it computes reproduces the official APL of a baseline year
(docs/calibration.md): GP supply per commune (consultations and FTE) and a few offline
travel-time parameters, with held-out validation by département and an ensemble of
calibrations for ranges.
"""

from proxisante.model.baseline import calibrated_baseline, calibrated_supply, default_baseline
from proxisante.model.calibrate import (
    ACTIVITY_BOUNDS,
    DEPARTEMENT_TOLERANCE,
    TRAVEL_CANDIDATES,
    Calibration,
    SupplyBounds,
    calibrate,
    consultations_per_gp,
    departement_activity,
    departement_folds,
    gp_bounds,
    prior_consultations,
)
from proxisante.model.communes import commune_table, gp_estimates
from proxisante.model.fit import FitWeights, SupplyFit, fit_figures, fit_supply_ratio, fit_under65
from proxisante.model.inputs import CalibrationInputs, load_inputs
from proxisante.model.quality import effects_note_fr, model_quality
from proxisante.model.travel import CommunePairs, TravelParameters, commune_pairs, urban_class

__all__ = [
    "ACTIVITY_BOUNDS",
    "DEPARTEMENT_TOLERANCE",
    "TRAVEL_CANDIDATES",
    "Calibration",
    "CalibrationInputs",
    "CommunePairs",
    "FitWeights",
    "SupplyBounds",
    "SupplyFit",
    "TravelParameters",
    "calibrate",
    "calibrated_baseline",
    "calibrated_supply",
    "commune_pairs",
    "commune_table",
    "consultations_per_gp",
    "default_baseline",
    "departement_activity",
    "departement_folds",
    "effects_note_fr",
    "fit_figures",
    "fit_supply_ratio",
    "fit_under65",
    "gp_bounds",
    "gp_estimates",
    "load_inputs",
    "model_quality",
    "prior_consultations",
    "urban_class",
]
