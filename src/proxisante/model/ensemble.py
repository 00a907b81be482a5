"""Ensemble of independent national calibrations, run in parallel through Dask.

Each member is a full supply fit carrying stated uncertainties of the model: travel (every
speed scaled by 0.85 or 1.15), the consultations per GP (the département activity scaled by
0.9 or 1.1, which moves each commune's supply bounds with it) and the supply within its
bound (the prior moved to the lower or upper end of each commune's bound). Four members
carry one uncertainty each; four carry them together the way they lower or raise the APL
(less activity and supply at the lower end of its bound, with slower or the same travel;
the opposite). The supply stays within its bounds in every member.

The spread of the members gives every scenario delta a range (P10–P90), and sites of
unknown staff draw their own quantile of the known centres in each member
(:mod:`proxisante.model.site_estimate`). When the calibration was validated on held-out
départements, every member is also fitted without each fold's APL and predicts it: the
P10–P90 of those predictions is the held-out range whose coverage of the official APL
is reported (``coverage_held_out``). The members were chosen on that figure (APL 2023, 4
folds, before the first rule of :mod:`proxisante.model.reach`): the four single-uncertainty
members alone covered 32.9 % of communes, with two supply members at the ends of the bound
53.8 %, and with the four joint members 73.3 % (the final model: 73.6 %;
docs/calibration.md).

Members are independent, so they run as tasks of a ``dask.distributed`` cluster: a
``LocalCluster`` by default, or an existing scheduler (``--scheduler ADDRESS``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from proxisante.access.baseline import range_with_central
from proxisante.errors import InputError
from proxisante.model.calibrate import (
    Calibration,
    SupplyBounds,
    _fit,
    _Setting,
    consultations_per_gp,
    coverage_figures,
    departement_folds,
    predict_fold,
)
from proxisante.model.fit import FitWeights
from proxisante.model.inputs import CalibrationInputs
from proxisante.model.travel import CommunePairs, TravelParameters, commune_pairs

__all__ = ["DEFAULT_MEMBERS", "ensemble_specs", "fit_member", "predict_member_fold",
           "run_ensemble"]  # fmt: skip

#: Default members: speeds −15 % and +15 %, consultations per GP −10 % and +10 % (activity
#: per GP varies by about 10 % within a département's range of practices; DREES), then the
#: same with the supply at the lower or upper end of its bound, jointly ("low" and "high").
DEFAULT_MEMBERS: tuple[dict, ...] = (
    {"kind": "travel", "speed_factor": 0.85},
    {"kind": "travel", "speed_factor": 1.15},
    {"kind": "activity", "activity_factor": 0.9},
    {"kind": "activity", "activity_factor": 1.1},
    {"kind": "low", "activity_factor": 0.9, "supply_position": -1.0},
    {"kind": "high", "activity_factor": 1.1, "supply_position": 1.0},
    {"kind": "low", "speed_factor": 0.85, "activity_factor": 0.9, "supply_position": -1.0},
    {"kind": "high", "speed_factor": 1.15, "activity_factor": 1.1, "supply_position": 1.0},
)


def ensemble_specs(params: TravelParameters, members=DEFAULT_MEMBERS) -> list[dict]:
    """Member descriptions with their travel parameters (JSON-ready)."""
    out = []
    for m in members:
        p = params.scaled(m.get("speed_factor", 1.0))
        out.append({**m, "travel": p.as_dict()})
    return out


def _member(inputs: CalibrationInputs, spec: dict, pairs: CommunePairs | None,
            penalties: FitWeights, bounds: SupplyBounds, iterations: int):  # fmt: skip
    """The travel minutes and fit setting of a member."""
    t = spec["travel"]
    params = TravelParameters(tuple(t["speed_kmh"]), t["detour_factor"], t["terminal_minutes"])
    if pairs is None or not pairs.covers(params):
        pairs = commune_pairs(
            inputs.codes, inputs.lat, inputs.lon, inputs.speed_class, max_km=params.reach_km()
        )
    setting = _Setting(consultations_per_gp(inputs), penalties, bounds, iterations,
                       activity_factor=float(spec.get("activity_factor", 1.0)),
                       supply_position=float(spec.get("supply_position", 0.0)))  # fmt: skip
    return pairs.minutes(params), setting


def fit_member(
    inputs: CalibrationInputs,
    spec: dict,
    *,
    penalties: FitWeights = FitWeights(),
    bounds: SupplyBounds = SupplyBounds(),
    iterations: int = 200,
    pairs: CommunePairs | None = None,
    start_consultations: np.ndarray | None = None,
) -> np.ndarray:
    """One member's calibrated supply (consultations per year), a pure function of its inputs.

    ``pairs`` (the central calibration's candidate pairs) are reused when they cover the
    member's speeds, else computed. ``start_consultations`` (the central fit's supply)
    warm-starts the member.
    """
    minutes, setting = _member(inputs, spec, pairs, penalties, bounds, iterations)
    fit, *_ = _fit(inputs, minutes, setting, start=start_consultations)
    return fit.consultations


def predict_member_fold(
    inputs: CalibrationInputs,
    spec: dict,
    out: np.ndarray,
    *,
    penalties: FitWeights = FitWeights(),
    bounds: SupplyBounds = SupplyBounds(),
    iterations: int = 200,
    pairs: CommunePairs | None = None,
) -> np.ndarray:
    """One member's APL of the communes ``out`` (boolean mask), fitted without their APL
    (no warm start: the central supply was fitted with it); NaN elsewhere."""
    minutes, setting = _member(inputs, spec, pairs, penalties, bounds, iterations)
    apl, _ = predict_fold(inputs, minutes, setting, out)
    return np.where(out, apl, np.nan)


def run_ensemble(
    cal: Calibration,
    *,
    members=DEFAULT_MEMBERS,
    scheduler: str | None = None,
    n_workers: int = 2,
    iterations: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[dict, np.ndarray]]:
    """Fit every member on a Dask cluster; return ``(spec, consultations)`` pairs in order.

    When ``cal`` was validated on held-out folds (``cal.folds`` ≥ 2), every member also
    predicts each fold without its APL, and ``cal`` receives the P10–P90 of the central and
    member predictions (``heldout_low``, ``heldout_high``) and its coverage figure
    (``figures["coverage_held_out"]``).

    Parameters
    ----------
    cal
        The central calibration (its inputs and travel parameters).
    members
        Member descriptions (:data:`DEFAULT_MEMBERS`).
    scheduler
        Address of an existing ``dask.distributed`` scheduler; None starts a
        ``LocalCluster`` of ``n_workers`` single-threaded processes for the run.
    progress
        ``progress(done, total)`` after each task (a member's fit or held-out fold).
    """
    # deferred: dask (slow import) only for an ensemble run
    from dask.distributed import Client, LocalCluster

    if cal.params is None:
        msg = "the calibration was fitted on given travel times (no travel parameters to vary)"
        raise InputError(msg)
    specs = ensemble_specs(cal.params, members)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        supply, held = _run_tasks(client, cal, specs, iterations, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if held:
        stack = np.vstack([cal.heldout_apl, *held])
        cal.heldout_low, cal.heldout_high = range_with_central(stack)
        cal.figures.update(coverage_figures(cal))
    return list(zip(specs, supply, strict=True))


def _run_tasks(client, cal: Calibration, specs: list[dict], iterations: int,
               progress: Callable[[int, int], None] | None):  # fmt: skip
    """Submit the members' fits and held-out folds; return ``(supplies, held_out_apls)``
    (one array per member each; no held-out APL when ``cal`` has no folds)."""
    # deferred: dask (slow import) only for an ensemble run
    from dask.distributed import as_completed

    # inputs, candidate pairs and the central supply are sent once to every worker
    inputs, start = (
        client.scatter(v, broadcast=True) for v in (cal.inputs, np.asarray(cal.consultations))
    )
    pairs = None if cal.pairs is None else client.scatter(cal.pairs, broadcast=True)
    bounds = SupplyBounds(**cal.figures.get("bounds", {}))  # the central fit's bounds
    fits = [client.submit(fit_member, inputs, s, iterations=iterations, pairs=pairs,
                          bounds=bounds, start_consultations=start, pure=False)
            for s in specs]  # fmt: skip
    folds = departement_folds(cal.inputs.departement, cal.folds) if cal.folds > 1 else None
    held = []
    for s in specs if folds is not None else []:
        held.append([client.submit(predict_member_fold, inputs, s, folds == k,
                                   iterations=iterations, pairs=pairs, bounds=bounds,
                                   pure=False)
                     for k in range(cal.folds)])  # fmt: skip
    every = fits + [f for per_member in held for f in per_member]
    results = {}
    for done, fut in enumerate(as_completed(every), start=1):
        results[fut.key] = fut.result()
        if progress is not None:
            progress(done, len(every))
    supply = [results[f.key] for f in fits]
    held_apl = [np.nansum([results[f.key] for f in per_member], axis=0) for per_member in held]
    return supply, held_apl
