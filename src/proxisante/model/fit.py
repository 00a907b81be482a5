"""Fit the GP supply of every commune to an observed APL, at fixed travel times.

At fixed travel times the DREES APL is linear in supply (docs/calibration.md, docs/methods.md):
``APL = F x`` with ``F_ij = f(t_ij)`` (DREES step decay) and ``x_j = S_j / D_j`` the supply
ratio of commune ``j`` (consultations per standardised inhabitant of its catchment,
``D_j = Σ_k f(t_kj) Pstd_k``). The supply is recovered as ``S_j = x_j D_j`` from the bounded,
penalised least-squares problem

    min_{lo ≤ x D ≤ hi}  ½ Σ_i w_i (F x − y)_i²               (fit to the official APL y)
            + ½ μ Σ_j ((x_j − x⁰_j) D_j / a)²                 (prior: GPs where they practised)
            + λ Σ_j [j implausible] x_j D_j / a                (supply where no GP practised)
            + ½ ρ Σ_d ((Σ_{j∈d} x_j D_j − a N_d) / (a N_d))²   (département GP totals)

with per-commune bounds ``lo``/``hi`` on the supply (the plausible departure from the real
doctors of the commune, :class:`proxisante.model.calibrate.SupplyBounds`; 0 and none by
default), ``a`` the consultations counted per GP, ``x⁰`` the prior supply ratios, ``N_d`` the
GP headcount of département ``d``; the prior and the plausibility terms are in GP units,
so ``μ`` and ``λ`` read as "cost of one GP away from the prior".

Solver: L-BFGS-B (:func:`scipy.optimize.minimize`), matrix-free. The problem has one
variable per commune (≈35,000) and ``F`` holds a few million stored pairs; a
projected quasi-Newton method needs only products with ``F`` and ``Fᵀ`` (milliseconds
each), handles the bounds ``x ≥ 0`` natively and warm-starts from the prior. The exact
alternatives were measured slower or heavier: scipy ``lsq_linear`` (trust-region
reflective with LSMR) took 92 s for the 9,500-column restriction alone, and a HiGHS QP
would need ``FᵀF`` (about four times the pairs of ``F``) or a residual variable per commune
in an active-set method. The quadratic département term keeps the problem a smooth
bound-constrained one (a soft constraint; its tolerance is checked, not imposed).

Cost: L-BFGS-B's own work and the objective's dot products run through BLAS, whose
threads only add synchronisation on vectors of 35,000 values: the fit holds BLAS to one
thread (``threadpoolctl``), measured 8 times faster on the national case (30 iterations:
8.2 s → 1.0 s on a shared 2-core machine). The stopping rule is :data:`FIT_TOLERANCE`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, minimize
from threadpoolctl import threadpool_limits

from proxisante.errors import InputError

__all__ = [
    "FIT_TOLERANCE",
    "UNDER65_PRIOR_PER_GP2",
    "FitWeights",
    "SupplyFit",
    "fit_figures",
    "fit_supply_ratio",
    "fit_under65",
]

#: Stopping rule of the supply fit: L-BFGS-B stops when an iteration lowers the objective
#: by less than this share of its value. On the national APL 2023 fit with ρ = 1 it stopped
#: at 154 iterations with the in-sample r and MAE of a 400-iteration run (to 1e-4); with
#: the stiffer ρ = 3,000 the iteration cap binds first (200 iterations: r 0.893, MAE
#: 0.393; 400: r 0.895, MAE 0.389) (docs/calibration.md).
FIT_TOLERANCE = 1e-6
#: ``μ`` of the under-65 fit (:func:`fit_under65`), per squared GP. Chosen on held-out
#: figures (bundled APL 2023 model, the under-65 APL of half the départements hidden):
#: μ = 0.001 / 0.1 / 1 / 10 gave held-out r 0.747 / 0.765 / 0.768 / 0.766 (MAE 0.609 /
#: 0.584 / 0.580 / 0.582; the national share alone: 0.764 / 0.584); at 0.001 the fit put
#: no GP of 65+ in 60 % of the communes with a GP and only GPs of 65+ in 6 %, at 1 the
#: commune shares spread from 0 to 30 % (5th–95th percentiles) around a median of 11 %.
UNDER65_PRIOR_PER_GP2 = 1.0


@dataclass(frozen=True)
class FitWeights:
    """Weights of the penalties of :func:`fit_supply_ratio` (see the module docstring).

    Attributes
    ----------
    prior_per_gp2
        ``μ``: cost of a squared GP away from the prior supply of a commune.
    implausible_per_gp
        ``λ``: cost of one GP placed in a commune where none practised (prior 0 and
        not a pôle).
    departement_total
        ``ρ``: cost of a squared relative deviation of a département's GP total.

    The national calibration bounds each commune's supply near its BPE 2021 count
    (:class:`proxisante.model.calibrate.SupplyBounds`), which replaces ``λ`` and ``ρ``
    (0 by default): a commune with no GP gets none unless a practice is plausible there,
    and each département's total stays within the bounds of its communes.
    """

    prior_per_gp2: float = 1e-3
    implausible_per_gp: float = 0.0
    departement_total: float = 0.0


@dataclass(frozen=True)
class SupplyFit:
    """Result of :func:`fit_supply_ratio`.

    Attributes
    ----------
    ratio
        ``x_j``: consultations per standardised inhabitant of the catchment of each commune.
    consultations
        ``S_j = x_j D_j``: counted GP consultations per year at each commune.
    predicted_apl
        ``F x``: the engine's APL of every commune with this supply.
    iterations
        L-BFGS-B iterations used.
    """

    ratio: np.ndarray
    consultations: np.ndarray
    predicted_apl: np.ndarray
    iterations: int


_Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def _square(weights: sp.csr_array) -> sp.csr_array:
    """``weights`` as CSR, checked square (communes × communes)."""
    f = sp.csr_array(weights)
    n = f.shape[0]
    if f.shape != (n, n):
        msg = f"weights must be square (communes × communes); got {f.shape}"
        raise InputError(msg)
    return f


def _objective(f: sp.csr_array, d: np.ndarray, x0: np.ndarray, observed_apl: np.ndarray,
               observation_weight: np.ndarray | None, implausible: np.ndarray,
               departement: np.ndarray, departement_gp: np.ndarray,
               consultations_per_gp: float, penalties: FitWeights) -> _Objective:  # fmt: skip
    """The penalised least squares of :func:`fit_supply_ratio` in the ratios ``x`` (see the
    module docstring): ``x ↦ (value, gradient)``."""
    n = f.shape[0]
    y = np.asarray(observed_apl, dtype=float)
    w = np.ones(n) if observation_weight is None else np.asarray(observation_weight, dtype=float)
    a = float(consultations_per_gp)
    dep = np.asarray(departement, dtype=np.int64)
    n_gp = np.asarray(departement_gp, dtype=float)
    has_total = np.isfinite(n_gp) & (n_gp > 0)
    target = np.where(has_total, n_gp * a, 1.0)
    dep_w = np.where(has_total, 1.0 / target, 0.0)
    gp_per_ratio = d / a  # GPs per unit of x_j
    lin = penalties.implausible_per_gp * np.asarray(implausible, dtype=float) * gp_per_ratio
    mu = penalties.prior_per_gp2 * gp_per_ratio**2
    rho = penalties.departement_total
    ft = f.T.tocsr()

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        r = f @ x - y
        wr = w * r
        dx = x - x0
        tot = np.bincount(dep, weights=x * d, minlength=len(n_gp))
        dev = (tot - target) * dep_w
        dev[~has_total] = 0.0
        value = 0.5 * r @ wr + 0.5 * np.sum(mu * dx * dx) + lin @ x + 0.5 * rho * dev @ dev
        grad = ft @ wr + mu * dx + lin + rho * (dev * dep_w)[dep] * d
        return float(value), grad

    return objective


def _ratio_bounds(d: np.ndarray, x0: np.ndarray, lower_consultations: np.ndarray | None,
                  upper_consultations: np.ndarray | None,
                  fixed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Bounds of the ratios ``x``: the caller's supply bounds over ``D``, none where the
    catchment holds nobody, the prior where the supply is known."""
    n = len(d)
    # a commune whose catchment holds nobody can hold no useful supply
    upper = np.where(d > 0, np.inf, 0.0)
    lower = np.zeros(n)
    if upper_consultations is not None:
        ub = np.divide(upper_consultations, d, out=np.zeros(n), where=d > 0)
        upper = np.minimum(upper, ub)
    if lower_consultations is not None:
        lb = np.divide(lower_consultations, d, out=np.zeros(n), where=d > 0)
        lower = np.minimum(np.maximum(lower, lb), upper)
    if fixed is not None:
        fx = np.asarray(fixed, dtype=bool) & (d > 0)
        lower[fx] = upper[fx] = x0[fx]
    return lower, upper


def _minimise(f: sp.csr_array, objective: _Objective, start: np.ndarray, lower: np.ndarray,
              upper: np.ndarray, max_iterations: int, tolerance: float,
              callback: Callable[[int], None] | None) -> tuple[np.ndarray, int]:  # fmt: skip
    """L-BFGS-B on ``objective`` from ``start`` within the bounds; the ratios found and the
    iterations used."""
    # Optimise z = c ∘ x with c_j = ‖F_:j‖₂ (unit-norm columns): L-BFGS-B is sensitive to
    # the scaling of the variables, and column norms range from 1 to ~10.
    c = np.sqrt(np.asarray(f.multiply(f).sum(axis=0))).ravel()
    c = np.where(c > 0, c, 1.0)

    def scaled(z: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = objective(z / c)
        return value, grad / c

    iteration = [0]

    def step(_: np.ndarray) -> None:
        iteration[0] += 1
        if callback is not None:
            callback(iteration[0])

    with threadpool_limits(limits=1, user_api="blas"):
        res = minimize(
            scaled,
            start * c,
            jac=True,
            method="L-BFGS-B",
            bounds=Bounds(lower * c, upper * c),
            callback=step,
            options={
                "maxiter": int(max_iterations),
                "maxcor": 10,
                "ftol": float(tolerance),
                "gtol": 1e-9,
            },
        )
    return res.x / c, int(res.nit)


def fit_supply_ratio(
    weights: sp.csr_array,
    site_demand: np.ndarray,
    observed_apl: np.ndarray,
    *,
    prior_consultations: np.ndarray,
    implausible: np.ndarray,
    departement: np.ndarray,
    departement_gp: np.ndarray,
    consultations_per_gp: float,
    observation_weight: np.ndarray | None = None,
    penalties: FitWeights = FitWeights(),
    max_iterations: int = 400,
    fixed: np.ndarray | None = None,
    start_consultations: np.ndarray | None = None,
    tolerance: float = FIT_TOLERANCE,
    callback: Callable[[int], None] | None = None,
    lower_consultations: np.ndarray | None = None,
    upper_consultations: np.ndarray | None = None,
) -> SupplyFit:
    """Fit non-negative supply so that the engine's APL reproduces ``observed_apl``.

    Parameters
    ----------
    weights
        ``F``: DREES-step decay weights, communes × communes (CSR).
    site_demand
        ``D_j = Σ_k F_kj Pstd_k``, standardised inhabitants.
    observed_apl
        Official APL of each commune (consultations per standardised inhabitant).
    prior_consultations
        Prior supply ``S⁰_j`` (consultations per year).
    implausible
        Boolean, communes where supply is penalised (no GP practised there, not a pôle).
    departement
        Integer département index of each commune (0..n_d−1).
    departement_gp
        GP headcount of each département (``N_d``; NaN: not constrained).
    consultations_per_gp
        ``a``: counted consultations per GP (converts consultations to GPs).
    observation_weight
        ``w_i`` (default 1); 0 leaves commune ``i``'s APL out (held-out fold).
    penalties
        ``μ``, ``λ``, ``ρ``.
    max_iterations
        L-BFGS-B iteration cap.
    fixed
        Boolean, communes whose supply is known (imported): held at ``prior_consultations``.
    start_consultations
        Supply the iterations start from (warm start, e.g. a fit at nearby travel
        parameters); default the prior.
    tolerance
        Relative decrease of the objective per iteration under which the fit stops
        (L-BFGS-B ``ftol``; :data:`FIT_TOLERANCE`).
    callback
        Called with the iteration number after each iteration (progress bars).
    lower_consultations, upper_consultations
        Bounds of each commune's supply (consultations per year; default 0 and none): the
        plausible departure of a commune's supply from its prior, given by the caller.
    """
    f = _square(weights)
    n = f.shape[0]
    d = np.asarray(site_demand, dtype=float)
    x0 = np.divide(prior_consultations, d, out=np.zeros(n), where=d > 0)
    objective = _objective(f, d, x0, observed_apl, observation_weight, implausible,
                           departement, departement_gp, consultations_per_gp,
                           penalties)  # fmt: skip
    lower, upper = _ratio_bounds(d, x0, lower_consultations, upper_consultations, fixed)
    start = x0
    if start_consultations is not None:
        start = np.divide(start_consultations, d, out=np.zeros(n), where=d > 0)
    x, iterations = _minimise(f, objective, np.clip(start, lower, upper), lower, upper,
                              max_iterations, tolerance, callback)  # fmt: skip
    return SupplyFit(ratio=x, consultations=x * d, predicted_apl=f @ x, iterations=iterations)


def fit_under65(
    weights: sp.csr_array,
    site_demand: np.ndarray,
    observed_apl_under65: np.ndarray,
    *,
    consultations: np.ndarray,
    observed_apl: np.ndarray,
    population: np.ndarray,
    consultations_per_gp: float,
    prior_per_gp2: float | None = None,
    max_iterations: int = 400,
    callback: Callable[[int], None] | None = None,
) -> SupplyFit:
    """Supply of the GPs under 65 within a fitted total supply (the DREES ``moins65`` APL).

    DREES publishes the APL counting only the GPs under 65 (``apl_generalistes_moins65``):
    the same engine on the supply of those GPs. Given the total supply ``S`` fitted to the
    APL, the under-65 supply ``S⁶⁵`` is fitted to the under-65 APL with
    ``0 ≤ S⁶⁵_j ≤ S_j`` in every commune, its prior being ``S`` times the national share of
    under-65 supply (``Σ APL⁶⁵ Pstd ÷ Σ APL Pstd``, exact for a 2SFCA). ``S − S⁶⁵`` is the
    supply of GPs aged 65 and over (« estimé »). ``prior_per_gp2`` (default
    :data:`UNDER65_PRIOR_PER_GP2`) is the cost of a squared GP away from that prior.
    """
    mu = UNDER65_PRIOR_PER_GP2 if prior_per_gp2 is None else float(prior_per_gp2)
    y65 = np.asarray(observed_apl_under65, dtype=float)
    p = np.asarray(population, dtype=float)
    ok = np.isfinite(y65)
    share = float((y65[ok] * p[ok]).sum() / max((observed_apl[ok] * p[ok]).sum(), 1e-12))
    s = np.asarray(consultations, dtype=float)
    n = len(s)
    return fit_supply_ratio(
        weights,
        site_demand,
        np.where(ok, y65, 0.0),
        prior_consultations=min(share, 1.0) * s,
        implausible=np.zeros(n, dtype=bool),
        departement=np.zeros(n, dtype=np.int64),
        departement_gp=np.array([np.nan]),
        consultations_per_gp=consultations_per_gp,
        observation_weight=ok.astype(float),
        penalties=FitWeights(mu, 0.0, 0.0),
        max_iterations=max_iterations,
        callback=callback,
        lower_consultations=np.zeros(n),
        upper_consultations=s,
    )


def fit_figures(predicted, observed, population, *, mask=None) -> dict[str, float]:
    """Agreement of a predicted APL with the official one.

    Returns Pearson ``r``, ``mae`` (mean absolute error, consultations per standardised
    inhabitant), ``mae_pop`` (weighted by ``population``), and the shares of communes on
    the same side of 2.5 (``same_side_2_5``) and of 4 (``same_side_4``), plus ``n``.

    >>> fit_figures([1.0, 3.0, 5.0], [1.0, 3.0, 5.0], [1, 1, 1])["r"]
    1.0
    """
    p = np.asarray(predicted, dtype=float)
    o = np.asarray(observed, dtype=float)
    w = np.asarray(population, dtype=float)
    m = np.ones(len(p), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    p, o, w = p[m], o[m], w[m]
    err = np.abs(p - o)
    return {
        "n": int(m.sum()),
        "r": float(np.corrcoef(p, o)[0, 1]) if len(p) > 1 else float("nan"),
        "mae": float(err.mean()),
        "mae_pop": float((err * w).sum() / w.sum()) if w.sum() > 0 else float("nan"),
        "same_side_2_5": float(np.mean((p < 2.5) == (o < 2.5))),
        "same_side_4": float(np.mean((p < 4.0) == (o < 4.0))),
    }
