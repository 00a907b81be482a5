"""National calibration: GP supply per commune and travel parameters fitted to the official APL.

Method (docs/calibration.md):

1. Candidate commune pairs within the longest straight line any admissible travel
   parameters cover in 20 minutes (:func:`proxisante.model.travel.commune_pairs`).
2. Supply is made of real doctors: the libéral GPs of each commune in INSEE BPE 2021
   (``b_j``) at the consultations per GP of their département (``a_d``,
   :func:`departement_activity`), plus the salaried GPs of the offer's sites whose staff is
   published or imported (``K_j``, held at their commune). The prior is
   ``S⁰_j = K_j + a_d b_j``; the fit may move each commune's libéral GPs within a stated
   bound of ``b_j`` only (:class:`SupplyBounds`, :func:`gp_bounds`): what the fit cannot
   explain stays in the per-commune residual ``official APL − model APL``.
3. Outer search over a few travel parameters (:data:`TRAVEL_CANDIDATES`): for each, short
   supply fits with the APL of each fold of départements left out in turn; the lowest MAE
   of the held-out prediction wins (in-sample figures favour ever slower travel).
4. Final supply fit at the chosen parameters (:func:`proxisante.model.fit.fit_supply_ratio`),
   then the supply of GPs under 65 within it (:func:`proxisante.model.fit.fit_under65`).
5. Held-out validation by département (k folds): the APL of a fold's départements is left
   out of the fit (and of their consultations per GP) and predicted; the ensemble
   (:func:`proxisante.model.ensemble.run_ensemble`) predicts it in each of its members too,
   whose P10–P90 is the held-out range.

Before every fit, the travel times are made consistent with the official APL where it
proves them wrong (a commune at APL 0 reaches no GP; known staff cannot give a commune more
than its official APL: :func:`proxisante.model.reach.official_reach`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from proxisante.access import CONSULTATIONS_PER_FTE, Catchment
from proxisante.access.decay import DREES_APL_STEP
from proxisante.errors import InputError
from proxisante.model.fit import (
    FitWeights,
    SupplyFit,
    fit_figures,
    fit_supply_ratio,
    fit_under65,
)
from proxisante.model.inputs import CalibrationInputs
from proxisante.model.reach import ReachAdjustment, official_reach
from proxisante.model.travel import CommunePairs, TravelParameters, commune_pairs

__all__ = [
    "ACTIVITY_BOUNDS",
    "DEPARTEMENT_TOLERANCE",
    "TRAVEL_CANDIDATES",
    "Calibration",
    "SupplyBounds",
    "calibrate",
    "consultations_per_gp",
    "departement_activity",
    "departement_folds",
    "gp_bounds",
    "gp_practising",
    "least_supply",
    "predict_fold",
    "prior_consultations",
    "supply_bounds",
]

#: DREES bounds of the consultations counted per GP (sheet "Paramètres").
ACTIVITY_BOUNDS: tuple[float, float] = (3600.0, 6000.0)
#: Stated tolerance of a département's estimated GP total against INSEE 2024 (relative).
DEPARTEMENT_TOLERANCE = 0.10
#: Consultations per GP of a département are kept within this factor of the national value
#: (a département whose few GPs serve a large cross-border APL would otherwise get an
#: activity no GP has).
DEPARTEMENT_ACTIVITY_SPREAD = 1.5
#: Travel parameters tried by the outer search (speeds rural / small urban / large urban,
#: detour, terminal minutes). Chosen from a national study (docs/calibration.md, APL 2023,
#: 4 held-out folds): the held-out MAE is lowest from 40 to 50 km/h mean speed at detour 1.3,
#: while 60 km/h and slower than 35 km/h predict held-out départements worse.
TRAVEL_CANDIDATES: tuple[TravelParameters, ...] = (
    TravelParameters((45.0, 45.0, 45.0), 1.3, 0.0),
    TravelParameters((40.0, 40.0, 40.0), 1.3, 0.0),
    TravelParameters((50.0, 50.0, 50.0), 1.3, 2.0),
)
_MAX_SPEED_KMH = 90.0


@dataclass(frozen=True)
class SupplyBounds:
    """The plausible departure of a commune's libéral GPs from its BPE 2021 count ``b``.

    A commune may hold between ``b − m`` and ``b + m`` GPs with
    ``m = max(minimum_gp, relative × b)``: GPs settle, move or retire between the BPE
    (2021) and the APL year, and a GP practising in two communes counts in both. A commune
    with no GP in the BPE may hold ``new_practice_gp`` only where a practice is plausible:
    a pôle of an aire d'attraction (CATEAAV2020 11, 12, 13) or a commune with a centre de
    santé (BPE 2021 D108, whose salaried GPs the BPE does not count); elsewhere 0. A commune
    under ``small_commune_inhabitants`` never exceeds ``b + small_commune_extra_gp``.

    Attributes
    ----------
    relative
        Share of the BPE count a commune may gain or lose (0.5). Chosen on held-out figures
        (APL 2023, 4 département folds, 50 km/h + 2 min): 0.25 / 0.5 / 0.5 with 2 GPs at
        least give held-out r 0.570 / 0.567 / 0.561 and MAE 0.834 / 0.844 / 0.859, and the
        APL with the held-out fold's supply at the two ends of its bound covers the official
        APL for 68.7 / 82.0 / 88.9 % of communes: 0.5 is the narrowest bound that contains
        the held-out truth for 70–90 % of communes at a held-out r within 0.003 of the
        narrowest (docs/calibration.md; the stated range is now the ensemble's P10–P90).
    minimum_gp
        Least departure, in GPs, where the BPE counts some (1).
    new_practice_gp
        GPs a commune with none in the BPE may hold where a practice is plausible (1).
    small_commune_inhabitants, small_commune_extra_gp
        Communes under 1,000 inhabitants hold at most their BPE count + 2.
    """

    relative: float = 0.5
    minimum_gp: float = 1.0
    new_practice_gp: float = 1.0
    small_commune_inhabitants: float = 1000.0
    small_commune_extra_gp: float = 2.0


def gp_bounds(inputs: CalibrationInputs, bounds: SupplyBounds = SupplyBounds()):
    """Lower and upper libéral GPs of each commune (:class:`SupplyBounds`), known staff apart.

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> inp = SimpleNamespace(prior_gp=np.array([0.0, 0.0, 2.0, 12.0]),
    ...                       pole=np.array([False, True, False, False]),
    ...                       centres_de_sante=None, pop_totale=np.array([500.0, 9e3, 800, 9e3]))
    >>> low, high = gp_bounds(inp)
    >>> low.tolist(), high.tolist()
    ([0.0, 0.0, 1.0, 6.0], [0.0, 1.0, 3.0, 18.0])
    """
    b = np.asarray(inputs.prior_gp, dtype=float)
    m = np.where(b > 0, np.maximum(bounds.minimum_gp, bounds.relative * b), 0.0)
    low = np.maximum(b - m, 0.0)
    high = b + m
    centres = inputs.centres_de_sante
    plausible = np.asarray(inputs.pole, dtype=bool)
    if centres is not None:
        plausible = plausible | (np.asarray(centres) > 0)
    high = np.where((b <= 0) & plausible, bounds.new_practice_gp, high)
    small = np.asarray(inputs.pop_totale, dtype=float) < bounds.small_commune_inhabitants
    high = np.where(small, np.minimum(high, b + bounds.small_commune_extra_gp), high)
    return low, high


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
        ``a``, national consultations counted per libéral GP.
    heldout_apl
        APL of each commune predicted with its département's APL left out (NaN if not run).
    figures
        Fit figures (``in_sample``, ``held_out``, ``prior_only``, ``coverage``,
        ``departement_totals``, ``search``, ``timings_s`` …).
    travel_provider
        ``model`` (offline travel model) or the provider of the given travel times.
    pairs
        The candidate commune pairs of the offline travel model (reused by the ensemble;
        None when the travel times were given).
    activity
        Consultations per libéral GP of each commune's département (``a_d``).
    gp_low, gp_high
        Bounds of each commune's libéral GPs (:func:`gp_bounds`).
    consultations_under65, predicted_apl_under65
        Supply of the GPs under 65 (≤ ``consultations``) and its APL.
    heldout_low, heldout_high
        P10–P90 of the held-out APL over the central model and its ensemble members, each
        fitted without the fold's APL (:func:`proxisante.model.ensemble.run_ensemble`; None
        before the ensemble is run).
    folds
        Département folds of the held-out validation (0: none).
    prior_apl, prior_heldout_apl
        The prior alone through the engine (in-sample; and with each held-out fold's
        consultations per GP taken from the other départements).
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
    activity: np.ndarray | None = None
    gp_low: np.ndarray | None = None
    gp_high: np.ndarray | None = None
    consultations_under65: np.ndarray | None = None
    predicted_apl_under65: np.ndarray | None = None
    heldout_low: np.ndarray | None = None
    heldout_high: np.ndarray | None = None
    prior_apl: np.ndarray | None = None
    prior_heldout_apl: np.ndarray | None = None
    folds: int = 0

    @property
    def fte(self) -> np.ndarray:
        """Calibrated supply in GP full-time equivalents (5,400 consultations, DREES)."""
        return self.consultations / CONSULTATIONS_PER_FTE

    @property
    def gp_estimate(self) -> np.ndarray:
        """Calibrated supply in GPs: the known staff held, plus the libéral supply at the
        consultations per GP of the département."""
        return gp_count(self.inputs, self.consultations, self._activity())

    @property
    def gp65_estimate(self) -> np.ndarray:
        """Estimated GPs aged 65 and over: supply not under 65 at the département's activity."""
        if self.consultations_under65 is None:
            return np.full(self.inputs.n, np.nan)
        return np.maximum(self.consultations - self.consultations_under65, 0.0) / self._activity()

    def _activity(self) -> np.ndarray:
        if self.activity is None:
            return np.full(self.inputs.n, self.consultations_per_gp)
        return self.activity


def gp_count(inputs: CalibrationInputs, consultations, activity) -> np.ndarray:
    """GPs of a supply: the known staff (FTE) plus the rest at ``activity`` per GP."""
    held = inputs.held_consultations()
    rest = np.maximum(np.asarray(consultations, dtype=float) - held, 0.0)
    return inputs.held_gp() + rest / np.asarray(activity, dtype=float)


def consultations_per_gp(inputs: CalibrationInputs) -> float:
    """``a`` = national counted consultations, less the known staff held, ÷ BPE 2021 GPs.

    In a 2SFCA whose supply all reaches demand, ``Σ_i APL_i Pstd_i = Σ_j S_j``, so the
    official APL gives the national counted consultations exactly.

    Raises
    ------
    InputError
        If ``a`` falls outside the DREES bounds (3,600–6,000): the inputs disagree.
    """
    total = float(np.sum(inputs.apl * inputs.pop_standardisee))
    gps = float(np.sum(inputs.prior_gp))
    if gps <= 0:
        msg = "no GP in the prior (BPE 2021): cannot convert consultations to GPs"
        raise InputError(msg)
    a = (total - float(inputs.held_consultations().sum())) / gps
    lo, hi = ACTIVITY_BOUNDS
    if not lo <= a <= hi:
        msg = (
            f"consultations per GP would be {a:.0f}; expected within the DREES bounds "
            f"{lo:.0f}-{hi:.0f}"
        )
        raise InputError(msg)
    return a


def departement_activity(inputs: CalibrationInputs, weight=None) -> np.ndarray:
    """Consultations per libéral GP of each commune's département (``a_d``, per commune).

    ``a_d = (Σ_{i∈d} APL_i Pstd_i − Σ_{j∈d} K_j) ÷ Σ_{j∈d} b_j``: the consultations the
    official APL counts for the département's residents, less its known staff, per BPE
    2021 GP. Activity per GP varies by 30 % and more between départements (DREES); the
    APL's level follows it. A département whose APL is left out (``weight`` 0 on any of its
    communes) or with no GP gets the value of the départements used, so a held-out
    département's activity never comes from its own APL. Kept within
    :data:`DEPARTEMENT_ACTIVITY_SPREAD` of that value.
    """
    w = np.ones(inputs.n) if weight is None else np.asarray(weight, dtype=float)
    codes, dep = np.unique(inputs.departement, return_inverse=True)
    nd = len(codes)
    used = np.bincount(dep, weights=(w <= 0).astype(float), minlength=nd) == 0
    counted = np.bincount(dep, weights=inputs.apl * inputs.pop_standardisee, minlength=nd)
    held = np.bincount(dep, weights=inputs.held_consultations(), minlength=nd)
    gps = np.bincount(dep, weights=inputs.prior_gp, minlength=nd)
    ok = used & (gps > 0)
    if not ok.any():
        return np.full(inputs.n, consultations_per_gp(inputs))
    national = (counted[ok].sum() - held[ok].sum()) / gps[ok].sum()
    a_d = np.full(nd, national)
    a_d[ok] = (counted[ok] - held[ok]) / gps[ok]
    spread = DEPARTEMENT_ACTIVITY_SPREAD
    return np.clip(a_d, national / spread, national * spread)[dep]


def supply_bounds(inputs: CalibrationInputs, activity, bounds: SupplyBounds = SupplyBounds()):
    """Lower and upper consultations of each commune: the known staff held, plus its libéral
    GPs' bound (:func:`gp_bounds`) at ``activity``; imported supply is held exactly."""
    low_gp, high_gp = gp_bounds(inputs, bounds)
    held = inputs.held_consultations()
    lower, upper = held + activity * low_gp, held + activity * high_gp
    known = np.isfinite(inputs.known_consultations)
    if known.any():
        lower = np.where(known, inputs.known_consultations, lower)
        upper = np.where(known, inputs.known_consultations, upper)
    return lower, upper


def least_supply(inputs: CalibrationInputs) -> np.ndarray:
    """The consultations each commune certainly holds: the known staff held at its sites,
    or the imported supply that replaces the estimate. What
    :func:`proxisante.model.reach.official_reach` checks against the official APL (the
    libéral GPs' bound is not: with its lower end the rule moved 7,388 commune pairs and
    lost held-out r, docs/calibration.md). The same in every member of an ensemble."""
    known = np.isfinite(inputs.known_consultations)
    return np.where(known, inputs.known_consultations, inputs.held_consultations())


def gp_practising(inputs: CalibrationInputs) -> np.ndarray:
    """Communes where GPs practise: a GP in INSEE BPE 2021, a centre de santé (BPE 2021
    D108) or known staff. A commune whose official APL is 0 reaches none of them within 20
    minutes (:func:`proxisante.model.reach.official_reach`)."""
    out = (np.asarray(inputs.prior_gp) > 0) | (least_supply(inputs) > 0)
    if inputs.centres_de_sante is not None:
        out = out | (np.asarray(inputs.centres_de_sante) > 0)
    return out


def prior_consultations(inputs: CalibrationInputs, activity) -> np.ndarray:
    """Prior supply: known staff held, plus BPE 2021 GPs × the département's activity."""
    return inputs.held_consultations() + np.asarray(activity, dtype=float) * inputs.prior_gp


def departement_folds(departement, k: int, *, seed: int = 2023) -> np.ndarray:
    """Fold number (0..k−1) of each commune, whole départements per fold (shuffled, seeded)."""
    codes, inv = np.unique(np.asarray(departement), return_inverse=True)
    order = np.random.default_rng(seed).permutation(len(codes))
    fold_of_dep = np.empty(len(codes), dtype=np.int64)
    fold_of_dep[order] = np.arange(len(codes)) % k
    return fold_of_dep[inv]


@dataclass(frozen=True)
class _Setting:
    """What every supply fit of one calibration shares."""

    a: float
    penalties: FitWeights
    bounds: SupplyBounds
    iterations: int
    activity_factor: float = 1.0
    supply_position: float = 0.0


def _fit(inputs, minutes, setting: _Setting, *, weight=None, start=None, callback=None):
    """One bounded supply fit; returns ``(fit, catchment, activity, (low, high), reach)``,
    ``reach`` the :class:`~proxisante.model.reach.ReachAdjustment` of the travel times.

    ``setting.supply_position`` (−1 to 1) moves the prior towards the lower or upper end of
    each commune's bound (an ensemble member's "supply within its bound")."""
    activity = departement_activity(inputs, weight) * setting.activity_factor
    prior = prior_consultations(inputs, activity)
    lower, upper = supply_bounds(inputs, activity, setting.bounds)
    known = np.isfinite(inputs.known_consultations)
    if known.any():  # imported supply replaces the estimate (held exactly)
        prior = np.where(known, inputs.known_consultations, prior)
    pos = setting.supply_position
    prior = prior + pos * np.where(pos > 0, upper - prior, prior - lower)
    fitted = None if weight is None else np.asarray(weight, dtype=float) > 0
    minutes, reach = official_reach(minutes, inputs.pop_standardisee, inputs.apl,
                                    least_supply(inputs), practising=gp_practising(inputs),
                                    fitted=fitted)  # fmt: skip
    cat = Catchment.build(minutes, inputs.pop_standardisee, decay=DREES_APL_STEP)
    fit = fit_supply_ratio(
        cat.weights,
        cat.site_demand,
        inputs.apl,
        prior_consultations=prior,
        implausible=np.zeros(inputs.n, dtype=bool),
        departement=np.zeros(inputs.n, dtype=np.int64),
        departement_gp=np.array([np.nan]),
        consultations_per_gp=setting.a,
        observation_weight=weight,
        penalties=setting.penalties,
        max_iterations=setting.iterations,
        fixed=known,
        start_consultations=start,
        callback=callback,
        lower_consultations=lower,
        upper_consultations=upper,
    )
    return fit, cat, activity, (lower, upper), reach


@dataclass
class _HeldOut:
    apl: np.ndarray
    prior: np.ndarray


def predict_fold(inputs, minutes, setting: _Setting, out, *, callback=None):
    """The APL of the communes ``out`` (a boolean mask) predicted by a fit without their
    APL, and the prior alone's: ``(apl, prior_apl)``, each over all communes."""
    fit, cat, activity, *_ = _fit(inputs, minutes, setting, weight=(~out).astype(float),
                                  callback=callback)  # fmt: skip
    return fit.predicted_apl, cat.accessibility(prior_consultations(inputs, activity))


def _predict(inputs, minutes, setting: _Setting, fold, *, callback=None) -> _HeldOut:
    """APL predicted for each fold of départements by a fit without its APL, and the prior
    alone's prediction."""
    out_apl, prior = np.full(inputs.n, np.nan), np.full(inputs.n, np.nan)
    for k in range(int(fold.max()) + 1):
        out = fold == k
        apl, prior_apl = predict_fold(inputs, minutes, setting, out, callback=callback)
        out_apl[out], prior[out] = apl[out], prior_apl[out]
    return _HeldOut(out_apl, prior)


def _search_travel(inputs, pairs, candidates, setting: _Setting, folds: int, *, callback):
    """The candidate whose APL predicted on held-out départements has the lowest MAE
    (``folds`` ≤ 1: in-sample MAE), and every candidate's figures."""
    sfold = departement_folds(inputs.departement, folds) if folds > 1 else None
    criterion = "held_out" if folds > 1 else "in_sample"
    best, best_mae, search = candidates[0], np.inf, []
    for c in candidates:
        if sfold is None:
            pred = _fit(inputs, pairs.minutes(c), setting, callback=callback)[0].predicted_apl
        else:
            pred = _predict(inputs, pairs.minutes(c), setting, sfold, callback=callback).apl
        fig = fit_figures(pred, inputs.apl, inputs.pop_standardisee)
        search.append({"params": c.as_dict(), "criterion": criterion, **fig})
        if fig["mae"] < best_mae:
            best, best_mae = c, fig["mae"]
    return best, search


def _ticker(progress: Callable[[str, int, int], None] | None,
            total_steps: int) -> Callable[[str], Callable[[int], None]]:  # fmt: skip
    """``tick(stage)``: the per-iteration callback of a stage, counting the steps done over
    the whole calibration for ``progress(stage, done, total_steps)``."""
    done = [0]

    def tick(stage: str) -> Callable[[int], None]:
        def cb(_: int) -> None:
            done[0] += 1
            if progress is not None:
                progress(stage, done[0], total_steps)

        return cb

    return tick


def _candidate_pairs(inputs: CalibrationInputs,
                     candidates: tuple[TravelParameters, ...]) -> CommunePairs:  # fmt: skip
    """The commune pairs any candidate's travel parameters (or the fastest allowed) can
    reach within the APL catchment."""
    return commune_pairs(
        inputs.codes, inputs.lat, inputs.lon, inputs.speed_class,
        max_km=min(max(c.reach_km() for c in candidates),
                   TravelParameters((_MAX_SPEED_KMH,) * 3, 1.0).reach_km()),
    )  # fmt: skip


def _total_steps(n_candidates: int, minutes_given: bool, search_folds: int,
                 search_iterations: int, iterations: int, folds: int) -> int:  # fmt: skip
    """Iterations of the whole calibration (the travel search, the final and under-65 fits,
    the held-out folds), for the progress bar."""
    n_search = n_candidates if n_candidates > 1 and not minutes_given else 0
    n_search *= search_folds if search_folds > 1 else 1
    return n_search * search_iterations + iterations * (2 + (folds if folds > 1 else 0))


@dataclass
class _FinalFit:
    """The final supply fit at the chosen travel times, and its under-65 part."""

    fit: SupplyFit
    catchment: Catchment
    activity: np.ndarray
    under65: SupplyFit | None
    reach: ReachAdjustment


def _final_fit(inputs: CalibrationInputs, minutes, setting: _Setting,
               tick: Callable[[str], Callable[[int], None]]) -> _FinalFit:  # fmt: skip
    """Supply fitted on ``minutes``, then the supply of GPs under 65 within it (step 4)."""
    fit, cat, activity, _, reach = _fit(inputs, minutes, setting, callback=tick("fit"))
    under = None
    if inputs.apl_under65 is not None:
        under = fit_under65(cat.weights, cat.site_demand, inputs.apl_under65,
                            consultations=fit.consultations, observed_apl=inputs.apl,
                            population=inputs.pop_standardisee,
                            consultations_per_gp=setting.a, max_iterations=setting.iterations,
                            callback=tick("under 65"))  # fmt: skip
    return _FinalFit(fit, cat, activity, under, reach)


def _held_out(inputs: CalibrationInputs, minutes, setting: _Setting, folds: int,
              tick: Callable[[str], Callable[[int], None]]) -> _HeldOut:  # fmt: skip
    """Held-out predictions over ``folds`` folds of départements (step 5; NaN if ≤ 1)."""
    if folds <= 1:
        return _HeldOut(np.full(inputs.n, np.nan), np.full(inputs.n, np.nan))
    return _predict(inputs, minutes, setting, departement_folds(inputs.departement, folds),
                    callback=tick("held-out"))  # fmt: skip


def _calibration(inputs: CalibrationInputs, fitted: _FinalFit, held: _HeldOut, a: float,
                 bounds: SupplyBounds, folds: int,
                 travel: tuple[TravelParameters | None, CommunePairs | None, str],
                 search: list[dict], timings: dict[str, float]) -> Calibration:  # fmt: skip
    """The :class:`Calibration` of a final fit and its held-out predictions, with its
    figures; ``travel`` is ``(params, pairs, provider)`` (no params nor pairs for travel
    times given by the user)."""
    fit, cat, under = fitted.fit, fitted.catchment, fitted.under65
    params, pairs, provider = travel
    low_gp, high_gp = gp_bounds(inputs, bounds)
    cal = Calibration(
        inputs=inputs, params=params,
        consultations=fit.consultations, predicted_apl=fit.predicted_apl,
        consultations_per_gp=a, heldout_apl=held.apl,
        pairs=pairs, activity=fitted.activity, gp_low=low_gp,
        gp_high=high_gp, consultations_under65=None if under is None else under.consultations,
        predicted_apl_under65=None if under is None else under.predicted_apl,
        folds=folds if folds > 1 else 0,
        prior_apl=cat.accessibility(prior_consultations(inputs, fitted.activity)),
        prior_heldout_apl=held.prior,
    )  # fmt: skip
    cal.travel_provider = provider
    cal.figures = calibration_figures(cal) | {
        "search": search, "timings_s": timings, "iterations": fit.iterations,
        "reach": fitted.reach.as_dict(),
        "bounds": {k: float(v) for k, v in bounds.__dict__.items()},
    }  # fmt: skip
    return cal


def calibrate(
    inputs: CalibrationInputs,
    *,
    candidates: tuple[TravelParameters, ...] = TRAVEL_CANDIDATES,
    penalties: FitWeights = FitWeights(),
    bounds: SupplyBounds = SupplyBounds(),
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
    bounds
        The plausible departure of each commune's GPs from its BPE count.
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
        pairs = _candidate_pairs(inputs, candidates)
    timings["pairs"] = time.perf_counter() - t0
    a = consultations_per_gp(inputs)
    search_setting = _Setting(a, penalties, bounds, search_iterations)
    setting = _Setting(a, penalties, bounds, iterations)
    tick = _ticker(progress, _total_steps(len(candidates), minutes is not None, search_folds,
                                          search_iterations, iterations, folds))  # fmt: skip
    search: list[dict] = []
    best = candidates[0]
    if len(candidates) > 1 and pairs is not None and minutes is None:
        best, search = _search_travel(inputs, pairs, candidates, search_setting, search_folds,
                                      callback=tick("search"))  # fmt: skip
    timings["search"] = time.perf_counter() - t0 - timings["pairs"]
    t1 = time.perf_counter()
    if minutes is not None:
        chosen = minutes
    else:
        assert pairs is not None  # built above whenever minutes is None
        chosen = pairs.minutes(best)
    fitted = _final_fit(inputs, chosen, setting, tick)
    timings["fit"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    held = _held_out(inputs, chosen, setting, folds, tick)
    if folds > 1:
        timings["held_out"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    travel = (best, pairs, "model") if minutes is None else (None, None, travel_provider)
    return _calibration(inputs, fitted, held, a, bounds, folds, travel, search, timings)


def calibration_figures(cal: Calibration) -> dict:
    """In-sample, held-out, prior-only, coverage, plausibility and département figures."""
    inp = cal.inputs
    pop = inp.pop_standardisee
    figs: dict = {
        "year": inp.year,
        "n_communes": inp.n,
        "consultations_per_gp": cal.consultations_per_gp,
        "travel": cal.params.as_dict()
        if cal.params is not None
        else {"provider": cal.travel_provider},
        "in_sample": fit_figures(cal.predicted_apl, inp.apl, pop),
    }
    if cal.prior_apl is not None:
        figs["prior_only"] = fit_figures(cal.prior_apl, inp.apl, pop)
    ho = np.isfinite(cal.heldout_apl)
    if ho.any():
        figs["held_out"] = fit_figures(cal.heldout_apl, inp.apl, pop, mask=ho)
        if cal.prior_heldout_apl is not None:
            figs["prior_only_held_out"] = fit_figures(cal.prior_heldout_apl, inp.apl, pop,
                                                      mask=ho)  # fmt: skip
        figs.update(coverage_figures(cal))
    if cal.predicted_apl_under65 is not None and inp.apl_under65 is not None:
        figs["in_sample_under65"] = fit_figures(cal.predicted_apl_under65, inp.apl_under65, pop)
        figs["gp65_total"] = float(np.nansum(cal.gp65_estimate))
    gps = cal.gp_estimate
    codes, dep = np.unique(inp.departement, return_inverse=True)
    est = np.bincount(dep, weights=gps, minlength=len(codes))
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
    figs["gp_total"] = float(gps.sum())
    figs["plausibility"] = plausibility_figures(inp, gps)
    return figs


def coverage_figures(cal: Calibration) -> dict:
    """``coverage_held_out``: the share of communes (and of the standardised population)
    whose official APL lies in the held-out P10–P90 (issue target 70–90 %); empty before the
    ensemble has predicted the held-out folds."""
    inp, pop = cal.inputs, cal.inputs.pop_standardisee
    ho = np.isfinite(cal.heldout_apl)
    if cal.heldout_low is None or cal.heldout_high is None or not ho.any():
        return {}
    lo, hi = cal.heldout_low[ho], cal.heldout_high[ho]
    inside = (inp.apl[ho] >= lo - 1e-9) & (inp.apl[ho] <= hi + 1e-9)
    return {"coverage_held_out": {
        "share": float(inside.mean()),
        "share_pop": float((inside * pop[ho]).sum() / pop[ho].sum()),
        "median_width": float(np.median(hi - lo)),
        "n": int(ho.sum()),
    }}  # fmt: skip


def plausibility_figures(inputs: CalibrationInputs, gps) -> dict:
    """Where the modelled GPs sit against the real ones (issue targets: no invented doctors).

    ``share_where_none``: share of the modelled GPs in communes with no GP in BPE 2021 and
    no known staff; ``small_over_bpe_plus_2``: communes under 1,000 inhabitants holding
    more than their BPE count + 2; ``max_per_1000_under_2000``: the largest GPs per 1,000
    inhabitants among communes under 2,000 inhabitants (with its commune).
    """
    g = np.asarray(gps, dtype=float)
    none = (inputs.prior_gp <= 0) & (inputs.held_gp() <= 0)
    small = inputs.pop_totale < 1000
    under = np.flatnonzero((inputs.pop_totale < 2000) & (inputs.pop_totale > 0))
    dens = g[under] / inputs.pop_totale[under] * 1000
    k = under[np.argmax(dens)] if len(under) else 0
    return {
        "share_where_none": float(g[none].sum() / max(g.sum(), 1e-12)),
        "gp_where_none": float(g[none].sum()),
        "small_over_bpe_plus_2": int(np.sum(small & (g > inputs.prior_gp + 2 + 1e-6))),
        "max_per_1000_under_2000": float(dens.max()) if len(under) else 0.0,
        "max_per_1000_under_2000_commune": str(inputs.codes[k]),
        "max_per_1000_under_2000_bpe_per_1000": float(
            inputs.prior_gp[k] / max(inputs.pop_totale[k], 1) * 1000
        ),
    }
