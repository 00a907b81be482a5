"""Ensemble of independent national calibrations, run in parallel through Dask.

Each member is a full supply fit carrying one stated uncertainty of the model: travel
(every speed scaled by 0.85 or 1.15) or the consultations per GP (the département activity
scaled by 0.9 or 1.1, which moves each commune's supply bounds with it); the supply stays
within its bounds in every member. The spread of the members' supply gives every scenario
delta a range (P10–P90), and sites of unknown staff draw their own quantile of the known
centres in each member (:mod:`proxisante.model.site_estimate`). Members are
independent, so they run as tasks of a ``dask.distributed`` cluster: a
``LocalCluster`` by default, or an existing scheduler (``--scheduler ADDRESS``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from proxisante.errors import InputError
from proxisante.model.calibrate import (
    Calibration,
    SupplyBounds,
    _fit,
    _Setting,
    consultations_per_gp,
)
from proxisante.model.fit import FitWeights
from proxisante.model.inputs import CalibrationInputs
from proxisante.model.travel import CommunePairs, TravelParameters, commune_pairs

__all__ = ["DEFAULT_MEMBERS", "ensemble_specs", "fit_member", "run_ensemble"]

#: Default members: speeds −15 % and +15 %, consultations per GP −10 % and +10 % (activity
#: per GP varies by about 10 % within a département's range of practices; DREES).
DEFAULT_MEMBERS: tuple[dict, ...] = (
    {"kind": "travel", "speed_factor": 0.85},
    {"kind": "travel", "speed_factor": 1.15},
    {"kind": "activity", "activity_factor": 0.9},
    {"kind": "activity", "activity_factor": 1.1},
)


def ensemble_specs(params: TravelParameters, members=DEFAULT_MEMBERS) -> list[dict]:
    """Member descriptions with their travel parameters (JSON-ready)."""
    out = []
    for m in members:
        p = params.scaled(m.get("speed_factor", 1.0))
        out.append({**m, "travel": p.as_dict()})
    return out


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
    t = spec["travel"]
    params = TravelParameters(tuple(t["speed_kmh"]), t["detour_factor"], t["terminal_minutes"])
    if pairs is None or not pairs.covers(params):
        pairs = commune_pairs(
            inputs.codes, inputs.lat, inputs.lon, inputs.speed_class, max_km=params.reach_km()
        )
    setting = _Setting(consultations_per_gp(inputs), penalties, bounds, iterations,
                       activity_factor=float(spec.get("activity_factor", 1.0)))  # fmt: skip
    fit, *_ = _fit(inputs, pairs.minutes(params), setting, start=start_consultations)
    return fit.consultations


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

    Parameters
    ----------
    cal
        The central calibration (its inputs and travel parameters).
    members
        Member descriptions (:data:`DEFAULT_MEMBERS`).
    scheduler
        Address of an existing ``dask.distributed`` scheduler; None starts a
        ``LocalCluster`` of ``n_workers`` single-threaded processes for the run.
    """
    # deferred: dask (slow import) only for an ensemble run
    from dask.distributed import Client, LocalCluster, as_completed

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
        # inputs, candidate pairs and the central supply are sent once to every worker
        inputs, start = (
            client.scatter(v, broadcast=True) for v in (cal.inputs, np.asarray(cal.consultations))
        )
        pairs = None if cal.pairs is None else client.scatter(cal.pairs, broadcast=True)
        futures = [
            client.submit(
                fit_member,
                inputs,
                s,
                iterations=iterations,
                pairs=pairs,
                start_consultations=start,
                pure=False,
            )
            for s in specs
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(futures)
        for done, fut in enumerate(as_completed(futures), start=1):
            results[index[fut.key]] = fut.result()
            if progress is not None:
                progress(done, len(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return list(zip(specs, results, strict=True))
