"""Prevention reach of health centres: the target populations within a centre's catchment,
and what closing or opening centres does to them.

Target populations (both sexes, from the population by age of
:mod:`proxisante.needs.age_estimate` or an INSEE import):

- ``screening_50_74`` — 50 to 74: organised cancer screening (colorectal, both sexes, and
  breast, women, every two years from 50 to 74: INCa, programmes nationaux de dépistage
  organisé);
- ``flu_65_plus`` — 65 or more: seasonal influenza vaccination recommended for everyone
  aged 65+ (calendrier des vaccinations, ministère chargé de la santé / HAS);
- ``home_75_plus`` — 75 or more: home-visit prevention of frailty and falls
  (« hypothèse » of this tool: the age a centre's home-visit programme targets).

The centres are every open site of :data:`PREVENTION_CATEGORIES` of the offer — centres de
santé and maisons de santé pluriprofessionnelles, whoever runs them (FINESS sites, Filieris
sites, and elsewhere the INSEE BPE 2021 commune-level entries, which stand for the number of
establishments they count). A commune is in a centre's catchment when its point is within
``cutoff_minutes`` of the centre (offline travel estimate; binary catchment). ``sole``
counts the people for whom the centre is the only open centre within the cut-off: those a
closure leaves without any (an entry standing for two establishments or more is never
« seul »).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante.access import StepDecay, catchment_weights, site_demand
from proxisante.errors import InputError

__all__ = [
    "PREVENTION_CATEGORIES",
    "PREVENTION_TARGETS",
    "Target",
    "centre_reach",
    "covered",
    "reach_change",
    "target_populations",
]


#: Site categories whose open sites carry prevention (screening, vaccination, home visits).
PREVENTION_CATEGORIES: tuple[str, ...] = ("centre_de_sante", "maison_de_sante")


@dataclass(frozen=True)
class Target:
    """A prevention programme's target population (ages ``first_age`` to ``last_age``)."""

    key: str
    label_fr: str
    first_age: int
    last_age: int | None
    source: str


PREVENTION_TARGETS: tuple[Target, ...] = (
    Target("screening_50_74", "50–74 ans (dépistages organisés des cancers)", 50, 74,
           "INCa, programmes de dépistage organisé (côlon-rectum : 50–74 ans ; sein : "
           "femmes de 50–74 ans)"),
    Target("flu_65_plus", "65 ans ou plus (vaccination contre la grippe)", 65, None,
           "calendrier des vaccinations (ministère chargé de la santé, HAS)"),
    Target("home_75_plus", "75 ans ou plus (prévention à domicile)", 75, None,
           "hypothèse : âge visé par un programme de visites de prévention à domicile"),
)  # fmt: skip


def target_populations(estimate) -> pd.DataFrame:
    """Inhabitants of each :data:`PREVENTION_TARGETS` group per commune.

    Parameters
    ----------
    estimate
        :class:`~proxisante.needs.age_estimate.AgeEstimate`.
    """
    cols = {}
    for t in PREVENTION_TARGETS:
        if t.last_age is None:
            cols[t.key] = estimate.aged(t.first_age)
        else:
            cols[t.key] = estimate.between(t.first_age, t.last_age)
    return pd.DataFrame(cols)


def _binary(travel, cutoff_minutes: float):
    if cutoff_minutes > travel.cutoff_minutes:
        msg = (
            f"cutoff_minutes {cutoff_minutes} exceeds the travel matrix cut-off "
            f"{travel.cutoff_minutes}"
        )
        raise InputError(msg)
    return catchment_weights(travel.minutes, StepDecay(uppers=(float(cutoff_minutes),),
                                                       values=(1.0,)))  # fmt: skip


def centre_reach(
    travel, targets: pd.DataFrame, *, is_open=None, cutoff_minutes: float | None = None,
    establishments=None,
) -> pd.DataFrame:  # fmt: skip
    """Target populations within each centre's catchment.

    Parameters
    ----------
    travel
        Communes (origins) × centres (destinations), minutes.
    targets
        :func:`target_populations` (index INSEE code; communes absent count 0).
    is_open
        Boolean per centre (default all open); closed centres reach nobody.
    cutoff_minutes
        Catchment limit (default the matrix cut-off).
    establishments
        Establishments each centre stands for (default 1; a commune-level entry of several
        centres is never the only one).

    Returns
    -------
    pandas.DataFrame
        Index centre id; for each target ``<key>`` (people within reach) and
        ``<key>_sole`` (people with no other open centre within reach).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from proxisante.travel import TravelMatrix
    >>> t = sp.csr_array(([5.0, 10.0, 8.0], ([0, 0, 1], [0, 1, 1])), shape=(2, 2))
    >>> tm = TravelMatrix(t, np.array(["a", "b"]), np.array(["c1", "c2"]), 15.0, "example")
    >>> pops = pd.DataFrame({"flu_65_plus": [100.0, 40.0]}, index=["a", "b"])
    >>> centre_reach(tm, pops).to_dict("list")
    {'flu_65_plus': [100.0, 140.0], 'flu_65_plus_sole': [0.0, 40.0]}
    """
    cut = travel.cutoff_minutes if cutoff_minutes is None else cutoff_minutes
    w = _binary(travel, float(cut))
    n_c = w.shape[1]
    open_ = np.ones(n_c, dtype=bool) if is_open is None else np.asarray(is_open, dtype=bool)
    if open_.shape != (n_c,):
        raise InputError(f"is_open has {open_.size} values; expected one per centre ({n_c})")
    count = np.ones(n_c) if establishments is None else np.asarray(establishments, dtype=float)
    n_reach = w @ (open_ * count)
    sole = n_reach == 1
    out = {}
    pops = targets.reindex(travel.origin_ids).fillna(0.0)
    for col in targets.columns:
        p = pops[col].to_numpy(dtype=float)
        out[col] = site_demand(w, p) * open_
        out[f"{col}_sole"] = site_demand(w, p * sole) * open_
    return pd.DataFrame(out, index=pd.Index(travel.destination_ids, name="centre"))


def covered(travel, is_open, *, cutoff_minutes: float | None = None) -> np.ndarray:
    """Per origin of ``travel`` (matrix order): True when an open centre is within reach.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from proxisante.travel import TravelMatrix
    >>> t = sp.csr_array(([5.0, 10.0, 8.0], ([0, 0, 1], [0, 1, 1])), shape=(2, 2))
    >>> tm = TravelMatrix(t, np.array(["a", "b"]), np.array(["c1", "c2"]), 15.0, "example")
    >>> covered(tm, [True, False]).tolist()
    [True, False]
    """
    cut = travel.cutoff_minutes if cutoff_minutes is None else cutoff_minutes
    w = _binary(travel, float(cut))
    return (w @ np.asarray(is_open, dtype=float)) > 0


def reach_change(
    travel, targets: pd.DataFrame, *, open_before, open_after,
    cutoff_minutes: float | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Target populations within reach of at least one open centre, before and after.

    Returns
    -------
    pandas.DataFrame
        One row per target key: ``before``, ``after``, ``change`` (inhabitants), ``lost``
        (within reach before, not after) and ``gained``.
    """
    before = covered(travel, open_before, cutoff_minutes=cutoff_minutes)
    after = covered(travel, open_after, cutoff_minutes=cutoff_minutes)
    pops = targets.reindex(travel.origin_ids).fillna(0.0)
    rows = {}
    for col in targets.columns:
        p = pops[col].to_numpy(dtype=float)
        b, a = float(p[before].sum()), float(p[after].sum())
        rows[col] = {"before": b, "after": a, "change": a - b,
                     "lost": float(p[before & ~after].sum()),
                     "gained": float(p[after & ~before].sum())}  # fmt: skip
    return pd.DataFrame.from_dict(rows, orient="index")
