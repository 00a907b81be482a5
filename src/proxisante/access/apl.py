"""DREES APL (accessibilité potentielle localisée) to general practitioners, exactly.

Source: DREES, workbook ``apl_generalistes.xlsx``, sheet "Paramètres"; Barlet, Coldefy,
Collin, Lucas-Gabrielli (2012), DREES Études et Résultats n°795 and Document de travail
n°124. The indicator is a 2SFCA (:func:`proxisante.access.fca.two_step`) with:

- supply: consultations counted per GP (:func:`counted_consultations`), summed by location;
- demand: population standardised by age (:func:`standardise_population` on arrays,
  :func:`proxisante.territory.standardised_population` on an INSEE age table);
- decay: :data:`proxisante.access.decay.DREES_APL_STEP` (1 / 2/3 / 1/3 / 0 at 10, 15, 20 min);
- result: consultations per year per standardised inhabitant.
"""

from __future__ import annotations

import numpy as np

from proxisante.access._checks import as_csr, check_vector
from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.fca import catchment_weights, two_step
from proxisante.errors import InputError
from proxisante.offer import CONSULTATIONS_PER_FTE
from proxisante.territory import AGE_BANDS, age_weights

__all__ = [
    "CONSULTATIONS_PER_FTE",
    "NEW_GP_CONSULTATIONS",
    "PER_100K",
    "UNDER_65_AGE",
    "apl",
    "apl_under_65",
    "consultations_by_site",
    "consultations_from_fte",
    "counted_consultations",
    "fte_from_activity",
    "fte_per_100k",
    "standardise_population",
]

#: The APL of professions other than GPs is in FTE per 100,000 standardised inhabitants.
PER_100K = 100_000.0

#: Consultations imputed to a GP newly installed (no activity the year before) (DREES).
NEW_GP_CONSULTATIONS = 5400.0
#: Age limit of the DREES variant "APL to GPs under 65" (GPs aged < 65 count), years.
UNDER_65_AGE = 65.0
_MIN_COUNTED = 250.0
_FLOOR = 3600.0
_CEILING = 6000.0


def counted_consultations(activity, *, centre_de_sante=None, newly_installed=None) -> np.ndarray:
    """Consultations counted in the APL for each GP, from the GP's yearly activity.

    DREES rules (sheet "Paramètres"):

    ============================  ======================
    yearly activity               consultations counted
    ============================  ======================
    250 or fewer                  0
    251 to 3,600                  3,600
    3,601 to 6,000                the actual number
    more than 6,000               6,000
    ============================  ======================

    Exceptions: a GP newly installed (no private activity the year before) is imputed
    5,400; for GPs of centres de santé the bounds are not applied (actual activity).
    A GP flagged both newly installed and of a centre de santé is imputed 5,400 (the
    newly-installed rule comes first: without a year of activity there is nothing to count).
    DREES writes "fewer than 250 → 0" and "251 to 3,600 → 3,600"; activities are whole
    numbers of acts, and an activity of exactly 250 is counted 0 here.

    Parameters
    ----------
    activity
        Consultations + home visits + teleconsultations of the year, per GP (≥ 0,
        consultations per year).
    centre_de_sante, newly_installed
        Boolean arrays (same length) or None (all False).

    Returns
    -------
    numpy.ndarray
        Counted consultations per year, one per GP.

    >>> counted_consultations([100, 250, 251, 4000, 9000]).tolist()
    [0.0, 0.0, 3600.0, 4000.0, 6000.0]
    >>> counted_consultations([100, 9000], centre_de_sante=[True, True]).tolist()
    [100.0, 9000.0]
    >>> counted_consultations([0], newly_installed=[True]).tolist()
    [5400.0]
    """
    a = np.asarray(activity, dtype=float)
    check_vector(a.ravel(), name="activity", length=a.size, unit="consultations per year")
    counted = np.where(a <= _MIN_COUNTED, 0.0, np.clip(a, _FLOOR, _CEILING))
    for name, flag in (("centre_de_sante", centre_de_sante), ("newly_installed", newly_installed)):
        if flag is not None and np.shape(flag) != a.shape:
            msg = f"{name} has shape {np.shape(flag)}; expected {a.shape} like activity"
            raise InputError(msg)
    if centre_de_sante is not None:
        counted = np.where(np.asarray(centre_de_sante, dtype=bool), a, counted)
    if newly_installed is not None:
        counted = np.where(np.asarray(newly_installed, dtype=bool), NEW_GP_CONSULTATIONS, counted)
    return counted


def consultations_by_site(
    site,
    activity,
    *,
    n_sites: int,
    centre_de_sante=None,
    newly_installed=None,
    age=None,
    under_age: float | None = None,
) -> np.ndarray:
    """Counted consultations summed by location: the supply ``S_j`` of the APL.

    Each GP's activity is counted with :func:`counted_consultations` (bounds and the two
    exceptions), then summed onto the location (column of the travel matrix) where the GP
    practises. Locums' activity is added to the replaced GP before calling this (DREES).

    Parameters
    ----------
    site
        Integer column index (destination of the travel matrix) of each GP's practice.
    activity
        Yearly activity of each GP (consultations + visits + teleconsultations).
    n_sites
        Number of destinations of the travel matrix.
    centre_de_sante, newly_installed
        Boolean flags per GP, see :func:`counted_consultations`.
    age, under_age
        With both given, only GPs with ``age < under_age`` (years) count: the DREES variant
        "APL to GPs under 65" uses ``under_age=65`` (:data:`UNDER_65_AGE`).

    Returns
    -------
    numpy.ndarray
        Counted consultations per year at each of the ``n_sites`` destinations.

    >>> consultations_by_site([0, 0, 2], [4000, 9000, 100], n_sites=3).tolist()
    [10000.0, 0.0, 0.0]
    >>> consultations_by_site([0, 0], [4000, 5000], n_sites=1, age=[70, 50], under_age=65).tolist()
    [5000.0]
    """
    counted = counted_consultations(
        activity, centre_de_sante=centre_de_sante, newly_installed=newly_installed
    )
    j = np.asarray(site)
    if j.shape != counted.shape or (j.size and not np.issubdtype(j.dtype, np.integer)):
        msg = (
            f"site must be integer destination indexes, one per GP; got dtype {j.dtype} and "
            f"shape {j.shape} for {counted.shape[0]} GPs"
        )
        raise InputError(msg)
    outside = (j < 0) | (j >= n_sites)
    if outside.any():
        msg = f"site index {int(j[outside][0])} is outside 0..{n_sites - 1} (the destinations)"
        raise InputError(msg)
    if (age is None) != (under_age is None):
        msg = "age and under_age go together (e.g. under_age=65 for the under-65 variant)"
        raise InputError(msg)
    if age is not None and under_age is not None:
        a = check_vector(age, name="age", length=counted.shape[0], unit="years")
        counted = np.where(a < float(under_age), counted, 0.0)
    return np.bincount(j, weights=counted, minlength=n_sites)


def consultations_from_fte(fte) -> np.ndarray:
    """Convert GP full-time equivalents (fte) to consultations per year (× 5,400, DREES).

    >>> consultations_from_fte([1.0, 0.5]).tolist()
    [5400.0, 2700.0]
    """
    f = np.asarray(fte, dtype=float)
    bad = ~np.isfinite(f) | (f < 0)
    if bad.any():
        msg = f"fte must be finite full-time equivalents ≥ 0; got {f[bad][:3].tolist()}"
        raise InputError(msg)
    return f * CONSULTATIONS_PER_FTE


def standardise_population(pop_by_band, *, year: int) -> np.ndarray:
    """DREES standardised population: ``Σ_bands population × weight`` for each commune.

    Parameters
    ----------
    pop_by_band
        Array of shape (n_communes, 19): inhabitants in the 19 DREES age bands 0–4, 5–9, …,
        85–89, 90+ (:data:`proxisante.territory.AGE_BANDS`), in that order.
    year
        APL millésime whose age weights apply: 2022 (DCIR 2020) or 2023 (DCIR 2021)
        (sheet "Paramètres" of the DREES workbook, bundled).

    Returns
    -------
    numpy.ndarray
        Standardised inhabitants per commune.

    >>> standardise_population([[100.0] + [0.0] * 18], year=2023).round(9).tolist()
    [112.0]
    """
    p = np.asarray(pop_by_band, dtype=float)
    if p.ndim != 2 or p.shape[1] != len(AGE_BANDS):
        msg = (
            f"pop_by_band has shape {p.shape}; expected (n_communes, {len(AGE_BANDS)}) "
            "inhabitants by DREES age band (0-4 … 90+)"
        )
        raise InputError(msg)
    bad = ~np.isfinite(p) | (p < 0)
    if bad.any():
        r, c = (int(x[0]) for x in np.nonzero(bad))
        msg = f"pop_by_band[{r}, {c}] is {float(p[r, c])}; expected finite inhabitants ≥ 0"
        raise InputError(msg)
    return p @ age_weights(year)


def apl(minutes, consultations, standardised_population, *, decay: Decay = DREES_APL_STEP):
    """APL to GPs of each origin commune (DREES).

    ``R_j = S_j / Σ_k f(t_kj) Pstd_k`` then ``APL_i = Σ_j f(t_ij) R_j``.

    Parameters
    ----------
    minutes
        Sparse origins (communes) × destinations (supply locations) travel times in minutes
        (``TravelMatrix.minutes``; a commune's time to itself is 0, in the first band).
    consultations
        Counted consultations per year at each destination (:func:`consultations_by_site`,
        or :func:`consultations_from_fte`).
    standardised_population
        Standardised inhabitants of each origin (:func:`standardise_population`, or the
        ``pop_standardisee`` of the DREES file).
    decay
        :data:`~proxisante.access.decay.DREES_APL_STEP` by default (other decays are for
        sensitivity analyses only: the result is then no longer the DREES APL).

    Returns
    -------
    numpy.ndarray
        Consultations per year per standardised inhabitant, one per origin; 0 where no
        supply is reachable.
    """
    return two_step(catchment_weights(minutes, decay), consultations, standardised_population)


def apl_under_65(
    minutes,
    standardised_population,
    *,
    site,
    activity,
    age,
    centre_de_sante=None,
    newly_installed=None,
) -> np.ndarray:
    """DREES variant "APL to GPs under 65": only GPs aged under 65 count in the supply.

    Same parameters as :func:`apl` and :func:`consultations_by_site` (``age`` in years);
    returns consultations per year per standardised inhabitant.
    """
    s = consultations_by_site(
        site,
        activity,
        n_sites=as_csr(minutes).shape[1],
        centre_de_sante=centre_de_sante,
        newly_installed=newly_installed,
        age=age,
        under_age=UNDER_65_AGE,
    )
    return apl(minutes, s, standardised_population)


def fte_from_activity(
    activity,
    *,
    activity_per_fte: float,
    bounds: tuple[float, float] | None,
    newly_installed_fte: float,
    centre_de_sante=None,
    newly_installed=None,
) -> np.ndarray:
    """Full-time equivalents (fte) of professionals other than GPs, from their activity.

    What was found in public sources (Observatoire des territoires, indicator "APL aux
    infirmiers", source SNIIR-AM 2021, EGB 2021, CNAM; Insee populations 2021 and Metric
    distancier; DREES processing): for nurses, 1 fte is by convention the *median* activity
    of liberal nurses and each nurse's (or centre de santé's) fte is its activity divided by
    that median; activity bounds apply, except for centres de santé; a nurse newly
    installed in liberal practice during the year is imputed 1 fte. The values of the
    activity bounds, and the corresponding rules for physiotherapists, midwives and
    dentists, were **not** found in the sources searched, so every parameter here is
    mandatory: pass the values of the DREES methodological note of the profession.

    Parameters
    ----------
    activity
        Yearly activity per professional (acts, or fees for some professions), ≥ 0.
    activity_per_fte
        Activity of 1 fte (> 0), e.g. the national median liberal activity for nurses.
    bounds
        ``(min_fte, max_fte)``: fte below ``min_fte`` count 0, above ``max_fte`` count
        ``max_fte``; ``None`` applies no bounds (say so explicitly).
    newly_installed_fte
        Fte imputed to a professional newly installed (1 for nurses, source above).
    centre_de_sante, newly_installed
        Boolean flags per professional (None: all False).

    Returns
    -------
    numpy.ndarray
        Fte per professional.

    >>> fte_from_activity([50, 100, 400], activity_per_fte=100, bounds=(0.6, 2),
    ...                   newly_installed_fte=1).tolist()
    [0.0, 1.0, 2.0]
    """
    a = check_vector(activity, name="activity", length=np.size(activity), unit="activity")
    if not (np.isfinite(activity_per_fte) and activity_per_fte > 0):
        msg = f"activity_per_fte was {activity_per_fte!r}; expected activity per fte > 0"
        raise InputError(msg)
    fte = a / activity_per_fte
    if bounds is not None:
        lo, hi = (float(b) for b in bounds)
        if not (0 <= lo <= hi):
            msg = f"bounds were {bounds!r}; expected (min_fte, max_fte) with 0 ≤ min ≤ max"
            raise InputError(msg)
        bounded = np.where(fte < lo, 0.0, np.minimum(fte, hi))
        if centre_de_sante is not None:
            bounded = np.where(_flags(centre_de_sante, a, "centre_de_sante"), fte, bounded)
        fte = bounded
    if newly_installed is not None:
        fte = np.where(_flags(newly_installed, a, "newly_installed"), newly_installed_fte, fte)
    return fte


def _flags(values, like: np.ndarray, name: str) -> np.ndarray:
    f = np.asarray(values, dtype=bool)
    if f.shape != like.shape:
        msg = f"{name} has shape {f.shape}; expected {like.shape}, one flag per professional"
        raise InputError(msg)
    return f


def fte_per_100k(minutes, fte, standardised_population, *, decay: Decay) -> np.ndarray:
    """APL in the fte-per-100,000-standardised-inhabitants form (other professions).

    DREES publishes the APL to nurses, physiotherapists, midwives and dentists in fte per
    100,000 standardised inhabitants (unit "ETP pour 100 000 habitants"), each profession
    with its own activity-to-fte rules (:func:`fte_from_activity`), age weights and decay.
    Their decays and age weights are not in the bundled DREES workbook (which covers GPs)
    and were not found in the sources searched, so ``decay`` is mandatory and the
    standardised population must be prepared with the profession's own weights.

    Returns
    -------
    numpy.ndarray
        Fte per 100,000 standardised inhabitants (``per_100k``), one per origin.
    """
    return PER_100K * two_step(catchment_weights(minutes, decay), fte, standardised_population)
