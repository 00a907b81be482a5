"""Population by age band per commune, estimated when no INSEE age table is imported.

No commune-level age table is available offline (the INSEE POP1B table per commune is a
user import: :func:`proxisante.territory.read_insee_pop_by_age`). Two official signals are:

- per commune, the DREES ratio ``pop_standardisee / pop_totale`` of the APL file: the
  mean of the 19 DREES age weights (GP consumption of the band / national mean, Cnam DCIR)
  over the commune's inhabitants, ``r_i = Σ_b w_b p_ib``, where ``p_ib`` is the commune's
  share of inhabitants in band ``b``;
- per bassin de vie 2022, INSEE's published shares of inhabitants aged 75 or more and
  under 15 (2022).

Method (minimum cross-entropy, Kullback 1959; Golan, Judge & Miller 1996, *Maximum entropy
econometrics*): the estimated age distribution of a commune is the distribution closest to a
reference pyramid ``q`` (INSEE RP2018 POP1B, France entière, bundled) in Kullback–Leibler
divergence that reproduces the commune's DREES ratio exactly. Its solution is an exponential
tilt ``p_ib ∝ q_b · exp(θ_i w_b)``, with ``θ_i`` the unique root of ``Σ_b w_b p_ib = r_i``
(the mean weight is strictly increasing in ``θ``: its derivative is the variance of ``w``).

*Calibration* on the bassins de vie: the reference is tilted per bassin along its 75+ and
under-15 bands, ``q_Bb ∝ q_b · exp(λ_B [b ≥ 75] + μ_B [b < 15])``, and ``λ_B, μ_B`` are set
so that the communes attached to the bassin add up to its published 75+ and under-15 shares,
each commune still reproducing its own DREES ratio (alternating updates of ``θ`` and of
``λ, μ``, iterative proportional fitting on the log-odds).

The *uncalibrated* estimate uses no bassin-de-vie figure: aggregating it back to bassins de
vie and comparing with the published shares is an independent check of the commune signal
(``benchmarks/bench_age_estimate.py``). The calibrated estimate reproduces the published
shares of the attached communes by construction; its within-bassin spread is the part that
cannot be checked offline.

Units: inhabitants (the ``pop_totale`` of the DREES APL file, INSEE population of
APL year − 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from proxisante._bundled import bundled_path
from proxisante.errors import DataFileError, InputError
from proxisante.needs.bassins import attach_bassins_vie
from proxisante.territory import (
    AGE_BANDS,
    age_weights,
    load_bassin_vie_indicators,
    load_official_apl,
    population_aged,
)
from proxisante.territory.official_apl import population_year_of_apl

__all__ = [
    "AGE_LABELS",
    "REFERENCE_SOURCE",
    "AgeEstimate",
    "calibrated_tilt",
    "estimate_population_by_age",
    "reference_pyramid",
    "tilt_to_ratio",
]

#: Labels of the 19 DREES age bands, in order.
AGE_LABELS: list[str] = [b[0] for b in AGE_BANDS]
_OLD = np.array([b[1] >= 75 for b in AGE_BANDS])
_YOUNG = np.array([b[1] < 15 for b in AGE_BANDS])

REFERENCE_SOURCE = "INSEE, RP2018 exploitation principale, POP1B, France entière"

_MAX_ITER = 100
_TOL_RATIO = 1e-10


@cache
def reference_pyramid() -> np.ndarray:
    """Shares of the 19 DREES bands in France's population (INSEE RP2018 POP1B), sum 1.

    >>> round(float(reference_pyramid()[_OLD].sum()), 4)  # 75 or older in 2018
    0.0934
    """
    path = bundled_path("france_population_by_age_rp2018.csv")
    try:
        table = pd.read_csv(path, dtype={"band": str})
    except (OSError, pd.errors.ParserError) as exc:
        msg = f"bundled reference pyramid is missing or corrupt ({type(exc).__name__})"
        raise DataFileError(str(path), msg) from None
    if table["band"].tolist() != AGE_LABELS:
        raise DataFileError(str(path), f"expected the bands {AGE_LABELS}")
    pop = table["population"].to_numpy(dtype=float)
    return pop / pop.sum()


def tilt_to_ratio(ratio, weights, base) -> np.ndarray:
    """Age distributions closest to ``base`` (Kullback–Leibler) with a given mean weight.

    Solves ``p_ib ∝ base_ib · exp(θ_i w_b)`` with ``Σ_b p_ib w_b = ratio_i`` by safeguarded
    Newton iterations (bisection on a bracket when a Newton step leaves it).

    Parameters
    ----------
    ratio
        Target mean weight per row (e.g. the DREES ``pop_standardisee / pop_totale``), shape
        ``(n,)``; each must lie strictly between ``min(weights)`` and ``max(weights)``.
    weights
        Weight of each band, shape ``(k,)`` (e.g. the 19 DREES age weights).
    base
        Reference distribution: shape ``(k,)`` (one for all rows) or ``(n, k)``; rows sum to 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, k)``, rows summing to 1.

    Examples
    --------
    >>> p = tilt_to_ratio([1.5], [1.0, 2.0], [0.5, 0.5])  # already the mean: no tilt
    >>> p.round(6).tolist()
    [[0.5, 0.5]]
    >>> p = tilt_to_ratio([1.75], [1.0, 2.0], [0.5, 0.5])  # 1·p1 + 2·p2 = 1.75
    >>> p.round(6).tolist()
    [[0.25, 0.75]]
    """
    return _tilt(ratio, weights, base)[0]


def _tilt(ratio, weights, base, start=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tilt_to_ratio` from the tilts ``start``; returns distributions and tilts."""
    r = np.atleast_1d(np.asarray(ratio, dtype=float))
    w = np.asarray(weights, dtype=float)
    q = np.asarray(base, dtype=float)
    if q.ndim == 1:
        q = np.broadcast_to(q, (len(r), len(w)))
    if q.shape != (len(r), len(w)):
        msg = f"base has shape {q.shape}; expected ({len(r)}, {len(w)}) or ({len(w)},)"
        raise InputError(msg)
    bad = ~np.isfinite(r) | (r <= w.min()) | (r >= w.max())
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"ratio {r[i]} (row {i}) is outside the open range of the weights "
            f"({w.min()}, {w.max()}): no age distribution has this mean weight"
        )
        raise InputError(msg)
    logq = np.log(np.where(q > 0, q, 1e-300))
    span = 700.0 / max(float(np.abs(w).max()), 1e-12)
    lo = np.full(len(r), -span)
    hi = np.full(len(r), span)
    theta = np.zeros(len(r)) if start is None else np.clip(start, -span / 2, span / 2)
    p = q
    for _ in range(_MAX_ITER):
        z = logq + theta[:, None] * w[None, :]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        mean = p @ w
        gap = mean - r
        if np.all(np.abs(gap) < _TOL_RATIO):
            break
        hi = np.where(gap > 0, theta, hi)
        lo = np.where(gap < 0, theta, lo)
        var = np.maximum(p @ (w * w) - mean * mean, 1e-15)
        step = theta - gap / var
        inside = (step > lo) & (step < hi)
        theta = np.where(inside, step, 0.5 * (lo + hi))
    return p, theta


def _logit(x: np.ndarray) -> np.ndarray:
    return np.log(x) - np.log1p(-x)


def calibrated_tilt(
    ratio,
    weights,
    reference,
    *,
    group,
    population,
    target_old,
    target_young,
    tolerance: float = 1e-5,
    max_rounds: int = 200,
) -> tuple[np.ndarray, int]:
    """Per-commune tilts calibrated so that groups reproduce target 75+ and under-15 shares.

    Parameters
    ----------
    ratio, weights
        As in :func:`tilt_to_ratio` (one ratio per commune).
    reference
        Reference distribution, shape ``(k,)``.
    group
        Integer group (bassin de vie) of each commune, ``-1`` for none (left uncalibrated).
    population
        Inhabitants of each commune (aggregation weights).
    target_old, target_young
        Per group: target share (0–1) of 75+ and of under-15; NaN leaves that part of the
        group uncalibrated.
    tolerance
        Largest accepted gap between aggregated and target shares (share, not percent).

    Returns
    -------
    (numpy.ndarray, int)
        Distributions ``(n, k)`` and the number of rounds used.
    """
    g = np.asarray(group, dtype=np.int64)
    pop = np.asarray(population, dtype=float)
    t_old = np.asarray(target_old, dtype=float)
    t_young = np.asarray(target_young, dtype=float)
    n_groups = len(t_old)
    has = g >= 0
    lam = np.zeros(n_groups)
    mu = np.zeros(n_groups)
    ref = np.asarray(reference, dtype=float)
    ok_old = np.isfinite(t_old) & (t_old > 0) & (t_old < 1)
    ok_young = np.isfinite(t_young) & (t_young > 0) & (t_young < 1)
    gi = np.where(has, g, 0)
    weight = np.bincount(gi[has], weights=pop[has], minlength=n_groups)
    rounds = 0
    p, theta = _tilt(ratio, weights, ref)
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (rounds is returned)
        tilt = np.where(has[:, None],
                        lam[gi][:, None] * _OLD[None, :] + mu[gi][:, None] * _YOUNG[None, :],
                        0.0)  # fmt: skip
        base = ref[None, :] * np.exp(tilt)
        base /= base.sum(axis=1, keepdims=True)
        p, theta = _tilt(ratio, weights, base, theta)
        old = np.bincount(gi[has], weights=(pop * p[:, _OLD].sum(axis=1))[has],
                          minlength=n_groups)  # fmt: skip
        young = np.bincount(gi[has], weights=(pop * p[:, _YOUNG].sum(axis=1))[has],
                            minlength=n_groups)  # fmt: skip
        with np.errstate(invalid="ignore", divide="ignore"):
            s_old = np.clip(old / weight, 1e-9, 1 - 1e-9)
            s_young = np.clip(young / weight, 1e-9, 1 - 1e-9)
        live_old = ok_old & (weight > 0)
        live_young = ok_young & (weight > 0)
        gap = max(
            float(np.abs(s_old - t_old)[live_old].max(initial=0.0)),
            float(np.abs(s_young - t_young)[live_young].max(initial=0.0)),
        )
        if gap < tolerance:
            break
        lam = np.where(live_old, lam + _logit(np.where(live_old, t_old, 0.5)) - _logit(s_old),
                       lam)  # fmt: skip
        mu = np.where(live_young,
                      mu + _logit(np.where(live_young, t_young, 0.5)) - _logit(s_young),
                      mu)  # fmt: skip
    return p, rounds


@dataclass(frozen=True)
class AgeEstimate:
    """Population by DREES age band per commune and how each row was obtained.

    ``bands`` has index ``code_insee`` and one column per label of :data:`AGE_LABELS`
    (inhabitants); ``basis`` (same index) is ``insee_pop1b`` (imported INSEE table),
    ``estimate_calibrated`` (DREES ratio, calibrated on the bassin de vie's published
    shares) or ``estimate_ratio_only`` (DREES ratio alone: the commune's bassin has no
    published share). ``population_year`` is the year of the estimated rows' populations.
    """

    bands: pd.DataFrame
    basis: pd.Series
    population_year: int
    rounds: int = 0

    def aged(self, min_age: int) -> pd.Series:
        """Inhabitants aged ``min_age`` or more (``min_age`` starts a band)."""
        return population_aged(self.bands, min_age=min_age)

    def between(self, first_age: int, last_age: int) -> pd.Series:
        """Inhabitants aged ``first_age`` to ``last_age`` (both ends on band limits)."""
        cols = [b[0] for b in AGE_BANDS if b[1] >= first_age and b[2] is not None
                and b[2] <= last_age]  # fmt: skip
        ends = {b[1] for b in AGE_BANDS} | {b[2] + 1 for b in AGE_BANDS if b[2] is not None}
        if first_age not in ends or last_age + 1 not in ends:
            msg = f"ages {first_age}–{last_age} do not fall on the 5-year band limits"
            raise InputError(msg)
        return self.bands[cols].sum(axis=1).rename(f"pop_{first_age}_{last_age}")


def estimate_population_by_age(
    *,
    apl_year: int = 2023,
    attachment: pd.DataFrame | None = None,
    bassins: pd.DataFrame | None = None,
    imported: pd.DataFrame | None = None,
    calibrate: bool = True,
) -> AgeEstimate:
    """Population by age band of every commune with a DREES APL row.

    Parameters
    ----------
    apl_year
        DREES APL file whose ratio and total population are used (2023: INSEE population
        2021, DCIR 2021 weights; 2022: population 2020, DCIR 2020 weights).
    attachment
        Commune → bassin de vie 2022 (:func:`proxisante.needs.bassins.attach_bassins_vie`);
        default: computed from the bundled tables.
    bassins
        Bassin-de-vie indicators with ``bassin_vie_2022``, ``share_75_plus_2022_pct`` and
        ``share_under_15_2022_pct`` (default: the bundled table,
        :func:`proxisante.territory.load_bassin_vie_indicators`).
    imported
        INSEE POP1B bands per commune (:func:`proxisante.territory.read_insee_pop_by_age`,
        or the store's import): these communes keep the imported figures.
    calibrate
        False gives the ratio-only estimate (used by the validation).
    """
    apl = load_official_apl(apl_year)
    apl = apl[(apl["pop_totale"] > 0) & (apl["pop_standardisee"] > 0)]
    codes = apl["code_insee"].to_numpy(dtype=str)
    pop = apl["pop_totale"].to_numpy(dtype=float)
    w = age_weights(apl_year)
    eps = 1e-6
    ratio = np.clip(apl["pop_standardisee"].to_numpy(dtype=float) / pop,
                    w.min() + eps, w.max() - eps)  # fmt: skip
    ref = reference_pyramid()
    basis = np.full(len(codes), "estimate_ratio_only", dtype=object)
    rounds = 0
    if calibrate:
        if attachment is None:
            attachment = attach_bassins_vie()
        if bassins is None:
            bassins = load_bassin_vie_indicators()
        bv = bassins.set_index("bassin_vie_2022")
        bv_of = attachment.set_index("code_insee")["bassin_vie_2022"].reindex(codes)
        gidx = pd.Index(bv.index).get_indexer(bv_of.fillna("").to_numpy(dtype=str))
        t_old = bv["share_75_plus_2022_pct"].to_numpy(dtype=float) / 100.0
        t_young = bv["share_under_15_2022_pct"].to_numpy(dtype=float) / 100.0
        p, rounds = calibrated_tilt(
            ratio, w, ref, group=gidx, population=pop, target_old=t_old, target_young=t_young
        )
        calibrated = gidx >= 0
        calibrated[calibrated] = np.isfinite(t_old[gidx[calibrated]])
        basis[calibrated] = "estimate_calibrated"
    else:
        p = tilt_to_ratio(ratio, w, ref)
    bands = pd.DataFrame(p * pop[:, None], index=pd.Index(codes, name="code_insee"),
                         columns=AGE_LABELS)  # fmt: skip
    basis_s = pd.Series(basis, index=bands.index, name="basis")
    if imported is not None and len(imported):
        given = imported.reindex(columns=AGE_LABELS).astype(float)
        bands = pd.concat([bands.drop(index=given.index, errors="ignore"), given])
        basis_s = pd.concat([
            basis_s.drop(index=given.index, errors="ignore"),
            pd.Series("insee_pop1b", index=given.index, name="basis"),
        ])  # fmt: skip
    return AgeEstimate(bands.sort_index(), basis_s.sort_index(),
                       population_year_of_apl(apl_year), rounds)  # fmt: skip
