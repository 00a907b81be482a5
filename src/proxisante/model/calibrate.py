"""National calibration: GP supply per commune and travel parameters fitted to the official APL.

Method (docs/calibration.md):

1. Candidate commune pairs within the longest straight line any admissible travel
   parameters cover in 20 minutes (:func:`proxisante.model.travel.commune_pairs`).
2. Prior supply: the libéral GPs of 2017 (INSEE BPE) of each commune, scaled in each
   département to its 2024 GP count (INSEE), at ``a`` consultations per GP, with ``a`` the
   national total of counted consultations (``Σ_i APL_i Pstd_i``, exact for a 2SFCA whose
   supply all reaches demand) divided by the national GP count, checked within the DREES
   bounds (3,600–6,000 consultations per GP).
3. Outer search over a few travel parameters (:data:`TRAVEL_CANDIDATES`): for each, short
   supply fits with the APL of each fold of départements left out in turn; the lowest MAE
   of the held-out prediction wins (in-sample figures favour ever slower travel).
4. Final supply fit at the chosen parameters (:func:`proxisante.model.fit.fit_supply_ratio`).
5. Held-out validation by département (k folds): the APL of a fold's départements is left
   out of the fit and predicted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from proxisante.access import CONSULTATIONS_PER_FTE, Catchment
from proxisante.access.decay import DREES_APL_STEP
from proxisante.errors import InputError
from proxisante.model.fit import FitWeights, fit_figures, fit_supply_ratio
from proxisante.model.inputs import CalibrationInputs
from proxisante.model.travel import CommunePairs, TravelParameters, commune_pairs

__all__ = [
    "ACTIVITY_BOUNDS",
    "DEPARTEMENT_TOLERANCE",
    "TRAVEL_CANDIDATES",
    "Calibration",
    "calibrate",
    "consultations_per_gp",
    "departement_folds",
    "prior_consultations",
]

#: DREES bounds of the consultations counted per GP (sheet "Paramètres").
ACTIVITY_BOUNDS: tuple[float, float] = (3600.0, 6000.0)
#: Stated tolerance of a département's estimated GP total against INSEE 2024 (relative).
DEPARTEMENT_TOLERANCE = 0.10
#: Travel parameters tried by the outer search (speeds rural / small urban / large urban,
#: detour, terminal minutes). Chosen from a national study (docs/calibration.md, APL 2023,
#: 4 held-out folds): the held-out MAE is lowest from 40 to 50 km/h mean speed at detour 1.3
#: (50/40/30 km/h 1.043; 45 km/h 0.972; 50 km/h + 2 min 0.970; 40 km/h 1.009), while 60 km/h
#: and slower than 35 km/h predict held-out départements worse.
TRAVEL_CANDIDATES: tuple[TravelParameters, ...] = (
    TravelParameters((50.0, 40.0, 30.0), 1.3, 0.0),
    TravelParameters((45.0, 45.0, 45.0), 1.3, 0.0),
    TravelParameters((45.0, 40.0, 35.0), 1.3, 0.0),
    TravelParameters((40.0, 40.0, 40.0), 1.3, 0.0),
    TravelParameters((50.0, 50.0, 50.0), 1.3, 2.0),
)
_MAX_SPEED_KMH = 90.0


@dataclass
class Calibration:
    """A fitted national model (in memory; :mod:`proxisante.model.artefact` saves it).

    Attributes
    ----------
    inputs
        The inputs fitted.
    params
        Chosen travel parameters (None when the travel times were given).
    consultations
        Counted GP consultations per year of each commune (the calibrated supply ``S``).
    predicted_apl
        The engine's APL with this supply and these travel times.
    consultations_per_gp
        ``a``, consultations counted per GP.
    heldout_apl
        APL of each commune predicted with its département's APL left out (NaN if not run).
    figures
        Fit figures (``in_sample``, ``held_out``, ``departement_totals``, ``search``,
        ``timings_s``).
    travel_provider
        ``model`` (offline travel model) or the provider of the given travel times.
    pairs
        The candidate commune pairs of the offline travel model (reused by the ensemble;
        None when the travel times were given).
    """

    inputs: CalibrationInputs
    params: TravelParameters | None
    consultations: np.ndarray
    predicted_apl: np.ndarray
    consultations_per_gp: float
    heldout_apl: np.ndarray
    figures: dict = field(default_factory=dict)
    travel_provider: str = "model"
    pairs: CommunePairs | None = None

    @property
    def fte(self) -> np.ndarray:
        """Calibrated supply in GP full-time equivalents (5,400 consultations, DREES)."""
        return self.consultations / CONSULTATIONS_PER_FTE

    @property
    def gp_estimate(self) -> np.ndarray:
        """Calibrated supply in GPs (consultations ÷ ``a``)."""
        return self.consultations / self.consultations_per_gp


def consultations_per_gp(inputs: CalibrationInputs) -> float:
    """``a`` = national counted consultations ÷ national GP count (INSEE 2024).

    In a 2SFCA whose supply all reaches demand, ``Σ_i APL_i Pstd_i = Σ_j S_j``, so the
    official APL gives the national counted consultations exactly.

    Raises
    ------
    InputError
        If ``a`` falls outside the DREES bounds (3,600–6,000): the inputs disagree.
    """
    total = float(np.sum(inputs.apl * inputs.pop_standardisee))
    _, first = np.unique(inputs.departement, return_index=True)
    gps = np.nansum(inputs.departement_gp[first])
    if gps <= 0:
        msg = "no département GP count: cannot convert consultations to GPs"
        raise InputError(msg)
    a = total / gps
    lo, hi = ACTIVITY_BOUNDS
    if not lo <= a <= hi:
        msg = (
            f"consultations per GP would be {a:.0f}; expected within the DREES bounds "
            f"{lo:.0f}-{hi:.0f}"
        )
        raise InputError(msg)
    return a


def prior_consultations(inputs: CalibrationInputs, a: float) -> np.ndarray:
    """Prior supply: 2017 GPs scaled to each département's 2024 count, × ``a``.

    A département without any 2017 GP in the prior gets its 2024 count spread over its
    pôle communes (all its communes if none) by standardised population.
    """
    dep_codes, dep = np.unique(inputs.departement, return_inverse=True)
    prior = inputs.prior_gp.astype(float).copy()
    in_dep = np.bincount(dep, weights=prior, minlength=len(dep_codes))
    target = np.zeros(len(dep_codes))
    target[dep] = inputs.departement_gp
    for d in np.flatnonzero(in_dep <= 0):
        members = dep == d
        where = members & inputs.pole if (members & inputs.pole).any() else members
        prior[where] = inputs.pop_standardisee[where]
    in_dep = np.bincount(dep, weights=prior, minlength=len(dep_codes))
    scale = np.where(
        np.isfinite(target) & (target > 0) & (in_dep > 0), target / np.maximum(in_dep, 1e-12), 1.0
    )
    return prior * scale[dep] * a


def departement_folds(departement, k: int, *, seed: int = 2023) -> np.ndarray:
    """Fold number (0..k−1) of each commune, whole départements per fold (shuffled, seeded)."""
    codes, inv = np.unique(np.asarray(departement), return_inverse=True)
    order = np.random.default_rng(seed).permutation(len(codes))
    fold_of_dep = np.empty(len(codes), dtype=np.int64)
    fold_of_dep[order] = np.arange(len(codes)) % k
    return fold_of_dep[inv]


def _fit(
    inputs, minutes, a, prior, *, weight=None, penalties, iterations, start=None, callback=None
):
    cat = Catchment.build(minutes, inputs.pop_standardisee, decay=DREES_APL_STEP)
    dep_codes, dep = np.unique(inputs.departement, return_inverse=True)
    dep_gp = np.full(len(dep_codes), np.nan)
    dep_gp[dep] = inputs.departement_gp
    known = np.isfinite(inputs.known_consultations)
    fit = fit_supply_ratio(
        cat.weights,
        cat.site_demand,
        inputs.apl,
        prior_consultations=np.where(known, inputs.known_consultations, prior),
        implausible=(inputs.prior_gp <= 0) & ~inputs.pole,
        departement=dep,
        departement_gp=dep_gp,
        consultations_per_gp=a,
        observation_weight=weight,
        penalties=penalties,
        max_iterations=iterations,
        fixed=known,
        start_consultations=start,
        callback=callback,
    )
    return fit, cat


def _predict(inputs, minutes, a, prior, fold, *, penalties, iterations, callback=None):
    """APL predicted for each fold of départements by a fit without its APL (``fold`` None:
    the in-sample APL of one fit)."""
    if fold is None:
        fit, _ = _fit(
            inputs, minutes, a, prior, penalties=penalties, iterations=iterations, callback=callback
        )
        return fit.predicted_apl
    pred = np.full(inputs.n, np.nan)
    for k in range(int(fold.max()) + 1):
        out = fold == k
        fit, _ = _fit(
            inputs,
            minutes,
            a,
            prior,
            weight=(~out).astype(float),
            penalties=penalties,
            iterations=iterations,
            callback=callback,
        )
        pred[out] = fit.predicted_apl[out]
    return pred


def calibrate(
    inputs: CalibrationInputs,
    *,
    candidates: tuple[TravelParameters, ...] = TRAVEL_CANDIDATES,
    penalties: FitWeights = FitWeights(),
    search_iterations: int = 60,
    search_folds: int = 2,
    iterations: int = 400,
    folds: int = 0,
    pairs: CommunePairs | None = None,
    minutes=None,
    travel_provider: str = "model",
    progress: Callable[[str, int, int], None] | None = None,
) -> Calibration:
    """Calibrate supply and travel parameters on ``inputs`` (see the module docstring).

    Parameters
    ----------
    inputs
        :func:`proxisante.model.inputs.load_inputs` (or a subset, or a synthetic case).
    candidates
        Travel parameters of the outer search (one: no search).
    penalties
        Penalty weights of the supply fit.
    search_iterations, iterations
        L-BFGS-B iterations of each search fit and of the final fit.
    search_folds
        The travel search ranks candidates by the MAE of their APL predicted on held-out
        départements (this many folds; each fold fitted without its APL). In-sample figures
        cannot rank travel parameters: slower speeds shrink catchments until every commune
        fits its own APL (docs/calibration.md). 0 or 1: in-sample MAE.
    folds
        Number of département folds for held-out validation (0: none).
    pairs
        Precomputed candidate pairs (else computed for the fastest candidate).
    minutes, travel_provider
        Travel times given by the user (square CSR over ``inputs.codes``, e.g. an OSRM
        network or an INSEE Metric distancier) and their provider: no travel search, only
        the supply is fitted on them.
    progress
        ``progress(stage, done, total)`` after each iteration (the CLI's progress bar).
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    if minutes is not None:
        candidates = candidates[:1]
    if pairs is None and minutes is None:
        pairs = commune_pairs(
            inputs.codes,
            inputs.lat,
            inputs.lon,
            inputs.speed_class,
            max_km=min(
                max(c.reach_km() for c in candidates),
                TravelParameters((_MAX_SPEED_KMH,) * 3, 1.0).reach_km(),
            ),
        )
    timings["pairs"] = time.perf_counter() - t0
    a = consultations_per_gp(inputs)
    prior = prior_consultations(inputs, a)
    n_search = len(candidates) if len(candidates) > 1 and minutes is None else 0
    n_search *= search_folds if search_folds > 1 else 1
    criterion = "held_out" if search_folds > 1 else "in_sample"
    total_steps = n_search * search_iterations + iterations * (1 + (folds if folds > 1 else 0))
    done = [0]

    def tick(stage: str) -> Callable[[int], None]:
        def cb(_: int) -> None:
            done[0] += 1
            if progress is not None:
                progress(stage, done[0], total_steps)

        return cb

    search = []
    best = candidates[0]
    if len(candidates) > 1 and pairs is not None and minutes is None:
        sfold = departement_folds(inputs.departement, search_folds) if search_folds > 1 else None
        best_mae = np.inf
        for c in candidates:
            pred = _predict(
                inputs,
                pairs.minutes(c),
                a,
                prior,
                sfold,
                penalties=penalties,
                iterations=search_iterations,
                callback=tick("search"),
            )
            fig = fit_figures(pred, inputs.apl, inputs.pop_standardisee)
            search.append({"params": c.as_dict(), "criterion": criterion, **fig})
            if fig["mae"] < best_mae:
                best, best_mae = c, fig["mae"]
    timings["search"] = time.perf_counter() - t0 - timings["pairs"]
    t1 = time.perf_counter()
    if minutes is not None:
        chosen = minutes
    else:
        assert pairs is not None  # built above whenever minutes is None
        chosen = pairs.minutes(best)
    fit, _ = _fit(
        inputs, chosen, a, prior, penalties=penalties, iterations=iterations, callback=tick("fit")
    )
    timings["fit"] = time.perf_counter() - t1
    heldout = np.full(inputs.n, np.nan)
    if folds > 1:
        t2 = time.perf_counter()
        heldout = _predict(
            inputs,
            chosen,
            a,
            prior,
            departement_folds(inputs.departement, folds),
            penalties=penalties,
            iterations=iterations,
            callback=tick("held-out"),
        )
        timings["held_out"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    cal = Calibration(
        inputs=inputs,
        params=best if minutes is None else None,
        consultations=fit.consultations,
        predicted_apl=fit.predicted_apl,
        consultations_per_gp=a,
        heldout_apl=heldout,
        pairs=pairs if minutes is None else None,
    )
    cal.travel_provider = travel_provider if minutes is not None else "model"
    cal.figures = calibration_figures(cal)
    cal.figures["search"] = search
    cal.figures["timings_s"] = timings
    cal.figures["iterations"] = fit.iterations
    return cal


def calibration_figures(cal: Calibration) -> dict:
    """In-sample, held-out and département-total figures of a calibration."""
    inp = cal.inputs
    figs: dict = {
        "year": inp.year,
        "n_communes": inp.n,
        "consultations_per_gp": cal.consultations_per_gp,
        "travel": cal.params.as_dict()
        if cal.params is not None
        else {"provider": cal.travel_provider},
        "in_sample": fit_figures(cal.predicted_apl, inp.apl, inp.pop_standardisee),
    }
    ho = np.isfinite(cal.heldout_apl)
    if ho.any():
        figs["held_out"] = fit_figures(cal.heldout_apl, inp.apl, inp.pop_standardisee, mask=ho)
    codes, dep = np.unique(inp.departement, return_inverse=True)
    est = np.bincount(dep, weights=cal.gp_estimate, minlength=len(codes))
    ref = np.full(len(codes), np.nan)
    ref[dep] = inp.departement_gp
    ok = np.isfinite(ref) & (ref > 0)
    rel = est[ok] / ref[ok] - 1.0
    figs["departement_totals"] = {
        "n": int(ok.sum()),
        "tolerance": DEPARTEMENT_TOLERANCE,
        "within_tolerance": int(np.sum(np.abs(rel) <= DEPARTEMENT_TOLERANCE + 1e-9)),
        "max_abs_relative_deviation": float(np.max(np.abs(rel))) if ok.any() else float("nan"),
        "worst": str(codes[ok][np.argmax(np.abs(rel))]) if ok.any() else "",
    }
    implaus = (inp.prior_gp <= 0) & ~inp.pole
    figs["gp_total"] = float(cal.gp_estimate.sum())
    figs["gp_share_where_none_in_2017_outside_poles"] = float(
        cal.gp_estimate[implaus].sum() / max(cal.gp_estimate.sum(), 1e-12)
    )
    return figs
