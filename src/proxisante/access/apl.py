"""DREES APL (accessibilité potentielle localisée) to general practitioners, exactly.

Source: DREES, workbook ``apl_generalistes.xlsx``, sheet "Paramètres"; Barlet, Coldefy,
Collin, Lucas-Gabrielli (2012), DREES Études et Résultats n°795 and Document de travail
n°124. The indicator is a 2SFCA (:func:`proxisante.access.fca.two_step`) with:

- supply: consultations counted per GP (:func:`counted_consultations`), summed by location;
- demand: population standardised by age (:func:`proxisante.territory.standardised_population`);
- decay: :data:`proxisante.access.decay.DREES_APL_STEP` (1 / 2/3 / 1/3 / 0 at 10, 15, 20 min);
- result: consultations per year per standardised inhabitant.
"""

from __future__ import annotations

import numpy as np

from proxisante.access.decay import DREES_APL_STEP, Decay
from proxisante.access.fca import catchment_weights, two_step
from proxisante.errors import InputError

__all__ = [
    "CONSULTATIONS_PER_FTE",
    "NEW_GP_CONSULTATIONS",
    "apl",
    "consultations_from_fte",
    "counted_consultations",
    "fte_per_100k",
]

#: One full-time-equivalent GP ≈ 5,400 consultations a year (DREES, "Paramètres").
CONSULTATIONS_PER_FTE = 5400.0
#: Consultations imputed to a GP newly installed (no activity the year before) (DREES).
NEW_GP_CONSULTATIONS = 5400.0
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
    DREES writes "fewer than 250 → 0" and "251 to 3,600 → 3,600"; an activity of exactly
    250 is counted 0 here.

    Parameters
    ----------
    activity
        Consultations + home visits + teleconsultations of the year, per GP (≥ 0).
    centre_de_sante, newly_installed
        Boolean arrays (same length) or None (all False).

    >>> counted_consultations([100, 250, 251, 4000, 9000]).tolist()
    [0.0, 0.0, 3600.0, 4000.0, 6000.0]
    >>> counted_consultations([100, 9000], centre_de_sante=[True, True]).tolist()
    [100.0, 9000.0]
    >>> counted_consultations([0], newly_installed=[True]).tolist()
    [5400.0]
    """
    a = np.asarray(activity, dtype=float)
    bad = ~np.isfinite(a) | (a < 0)
    if bad.any():
        msg = f"activity must be finite consultations ≥ 0; got {a[bad][:3].tolist()}"
        raise InputError(msg)
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


def consultations_from_fte(fte) -> np.ndarray:
    """Convert GP full-time equivalents to yearly consultations (× 5,400, DREES)."""
    f = np.asarray(fte, dtype=float)
    if (~np.isfinite(f)).any():
        msg = "fte must be finite"
        raise InputError(msg)
    return f * CONSULTATIONS_PER_FTE


def apl(minutes, consultations, standardised_population, *, decay: Decay = DREES_APL_STEP):
    """APL to GPs of each origin commune.

    Parameters
    ----------
    minutes
        Sparse origins (communes) × destinations (supply locations) travel times in minutes
        (``TravelMatrix.minutes``; a commune's time to itself is 0, in the first band).
    consultations
        Counted consultations per year at each destination (:func:`counted_consultations`
        summed by location, or :func:`consultations_from_fte`).
    standardised_population
        Standardised inhabitants of each origin.
    decay
        The DREES step by default.

    Returns
    -------
    numpy.ndarray
        Consultations per year per standardised inhabitant.
    """
    return two_step(catchment_weights(minutes, decay), consultations, standardised_population)


def fte_per_100k(minutes, fte, standardised_population, *, decay: Decay) -> np.ndarray:
    """APL in the FTE-per-100,000-standardised-inhabitants form (other professions).

    DREES publishes the APL to nurses, physiotherapists, midwives and dentists in FTE per
    100,000 standardised inhabitants, each with its own activity-to-FTE rules, age weights and
    decay. Those parameters are not in the bundled DREES workbook, so ``decay`` is required
    here and the FTE and standardised population must be prepared by the caller with the
    profession's own rules; the computation is the same 2SFCA.
    """
    return 1e5 * two_step(catchment_weights(minutes, decay), fte, standardised_population)
