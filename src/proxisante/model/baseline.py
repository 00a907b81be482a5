"""The calibrated model as the evaluation baseline of scenarios, plans, criticality and access.

:func:`calibrated_baseline` turns a calibrated model (the store's newest for the year, or
the bundled 2023 model) into an :class:`~proxisante.access.EvaluationBaseline`: the
official APL stays the baseline shown to users, while effects of supply changes are
computed in the calibrated world (the change of its APL added to the official APL) and
ranged by its ensemble members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.access import Catchment, EvaluationBaseline
from proxisante.access.baseline import EnsembleMember
from proxisante.errors import InputError
from proxisante.model.artefact import CalibratedModel, bundled_model, load_store_model
from proxisante.model.inputs import load_inputs
from proxisante.model.reach import official_reach
from proxisante.model.travel import TravelParameters, commune_pairs

__all__ = ["baseline_model", "calibrated_baseline", "calibrated_supply", "default_baseline"]


def calibrated_baseline(model: CalibratedModel | None = None) -> EvaluationBaseline:
    """The evaluation baseline of ``model`` (default: the bundled 2023 model), cached."""
    model = model or bundled_model()
    return _baseline(model.model_id, model)


_CACHE: dict[str, EvaluationBaseline] = {}
#: The models behind the baselines built in this process (model id → model): their fit
#: figures are stated next to every effect computed in them.
_MODELS: dict[str, CalibratedModel] = {}


def baseline_model(baseline: EvaluationBaseline) -> CalibratedModel | None:
    """The calibrated model a baseline of :func:`calibrated_baseline` was built from (None for
    an official or user-built baseline)."""
    if baseline.model_id is None:
        return None
    return _MODELS.get(baseline.model_id)


def _baseline(model_id: str, model: CalibratedModel) -> EvaluationBaseline:
    if model_id in _CACHE:
        return _CACHE[model_id]
    travel = model.travel
    if travel is None:
        msg = (
            f"model {model_id} was fitted on user travel times; evaluate it with the same "
            "matrix (the offline travel model is needed for a national baseline)"
        )
        raise InputError(msg)
    inputs = load_inputs(model.year)
    t = model.table
    if t["code_insee"].tolist() != inputs.codes.tolist():
        msg = f"model {model_id} does not cover the bundled communes of APL {model.year}"
        raise InputError(msg)
    speeds = [travel] + [model.member_travel(k) for k in range(len(model.members))]
    pairs = commune_pairs(
        inputs.codes,
        inputs.lat,
        inputs.lon,
        inputs.speed_class,
        max_km=max(p.reach_km() for p in speeds),
    )
    pop = inputs.pop_standardisee
    least = t["least_consultations"].to_numpy(dtype=float)
    practising = t["gp_practising"].to_numpy(dtype=bool)
    catchments: dict[TravelParameters, Catchment] = {}

    def catchment(p: TravelParameters) -> Catchment:
        """The catchment of ``p``'s travel times made consistent with the official APL, as
        the fit made them (:func:`proxisante.model.reach.official_reach`)."""
        if p not in catchments:
            minutes, _ = official_reach(pairs.minutes(p), pop, inputs.apl, least,
                                        practising=practising)  # fmt: skip
            catchments[p] = Catchment.build(minutes, pop)
        return catchments[p]

    cat = catchment(travel)
    supply = t["supply_consultations"].to_numpy(dtype=float)
    members = []
    member_supply = model.member_supply() if model.members else np.empty((len(t), 0))
    for k in range(len(model.members)):
        mc = catchment(model.member_travel(k))
        s = member_supply[:, k]
        members.append(EnsembleMember(catchment=mc, supply=s, model_apl=mc.accessibility(s)))
    base = EvaluationBaseline(
        year=model.year,
        codes=inputs.codes,
        baseline_apl=inputs.apl,
        pop_standardisee=pop,
        pop_totale=inputs.pop_totale,
        catchment=cat,
        supply=supply,
        model_apl=cat.accessibility(supply),
        members=tuple(members),
        model_id=model_id,
    )
    _CACHE.clear()
    _CACHE[model_id] = base
    _MODELS[model_id] = model
    return base


def default_baseline(year: int = 2023, *, store=None) -> EvaluationBaseline:
    """The default evaluation baseline of ``year``: the calibrated model of that year.

    The store's newest model of ``year`` (``proxisante model calibrate``) wins over the
    bundled 2023 model; without a model for ``year`` the official APL on the offline
    estimate (:meth:`EvaluationBaseline.official`), uncalibrated.
    """
    if store is not None:
        m = load_store_model(store, year=year)
        if m is not None and m.travel is not None:
            return calibrated_baseline(m)
    b = bundled_model()
    if b.year == year:
        return calibrated_baseline(b)
    return EvaluationBaseline.official(year)


def calibrated_supply(year: int = 2023):
    """Calibrated GP consultations per commune (pandas Series, index INSEE code) of ``year``."""
    b = default_baseline(year)
    if b.supply is None:
        msg = f"no calibrated model for {year}; calibrate one with `proxisante model calibrate`"
        raise InputError(msg)
    return pd.Series(b.supply, index=pd.Index(b.codes, name="code_insee"), name="consultations")
