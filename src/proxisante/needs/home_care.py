"""Home-care supply and access for the elderly: nurses and SSIAD places within reach of the
inhabitants aged 75 or more.

Supply
------
- **Nurses** (libéral): no commune-level count is available offline. Estimate: each commune
  gets the libéral nurse density of its bassin de vie 2022 (CartoSanté 2024, per 10,000
  inhabitants) × its population, rescaled within each département so that the communes add
  up to the département's count (INSEE BPE « Infirmier (en nombre) » 2024). A département
  without bassin densities is spread in proportion to population. An RPPS / Annuaire santé
  import (``offer import rpps``) replaces the estimate in every département it covers.
- **SSIAD places**: authorised places of open SSIAD sites (FINESS import, or
  ``offer edit --capacity-places``); sites without a known capacity are counted and said
  (« capacité inconnue »); without any known capacity the measure is not available and the
  reason is given.

Measure (two-step floating catchment, Luo & Wang 2003, with a binary catchment of
``cutoff_minutes`` and the inhabitants aged 75+ as demand): for each commune ``i``,
``A_i = 1000 · Σ_{j: t_ij ≤ c} S_j / Σ_{k: t_kj ≤ c} P75_k`` — nurses (or SSIAD places)
accessible per 1,000 inhabitants aged 75+. Computed by :func:`proxisante.access.two_step`
on the offline travel-time estimate between commune points.

Reference values and thresholds
-------------------------------
- SSIAD: DREES, *Panorama statistique Jeunesse Sports Cohésion sociale* 2020, table 18
  « Accueil des personnes âgées »: 19.9 places of SSIAD + SPASAD per 1,000 inhabitants aged
  75+ in France entière on 31/12/2019 (FINESS, ISD; INSEE population estimate 2020).
- Nurses: no official threshold exists for this measure (nurse zoning uses the DREES APL to
  nurses, per bassin de vie, with classes set by quantiles: arrêté du 10 janvier 2020). The
  reference is the measure's value for France as a whole.
- Under-served (« hypothèse », a choice of this tool, stated wherever it is used): below
  **half** the national reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from proxisante.access import StepDecay, catchment_weights, two_step
from proxisante.catchment import CATCHMENT_MINUTES
from proxisante.errors import InputError

__all__ = [
    "DEFAULT_CUTOFF_MINUTES",
    "MEDICO_SOCIAL",
    "SSIAD_FRANCE_PER_1000",
    "SSIAD_FRANCE_SOURCE",
    "UNDER_SERVED_FRACTION",
    "HomeCareAccess",
    "commune_travel",
    "elderly_access",
    "estimate_nurse_supply",
    "home_care_access",
    "medico_social_sites",
    "ssiad_places_supply",
]

DEFAULT_CUTOFF_MINUTES = CATCHMENT_MINUTES
"""Catchment of home-care measures, minutes by car: the 20-minute limit of the DREES APL
step (beyond which DREES counts no access); for home care it is also the travel a nurse
or SSIAD team makes to the patient."""

SSIAD_FRANCE_PER_1000 = 19.9
"""Places of SSIAD + SPASAD per 1,000 inhabitants aged 75+, France entière, 31/12/2019."""

SSIAD_FRANCE_SOURCE = (
    "DREES, Panorama statistique 2020, « Accueil des personnes âgées » : taux d'équipement "
    "en SSIAD + SPASAD au 31/12/2019 (FINESS, ISD ; INSEE, estimation de population 2020)"
)

UNDER_SERVED_FRACTION = 0.5
"""« Hypothèse » of this tool: a commune is under-served in home care when its measure is
below this fraction of the national reference (no official threshold for these measures)."""


def estimate_nurse_supply(
    population: pd.Series,
    departement: pd.Series,
    density_per_10k: pd.Series,
    departement_counts: pd.Series,
) -> pd.DataFrame:
    """Libéral nurses per commune, estimated from bassin densities and département counts.

    Parameters
    ----------
    population
        Inhabitants per commune (index INSEE code).
    departement
        Département code per commune (same index).
    density_per_10k
        Libéral nurse density of each commune's bassin de vie (per 10,000 inhabitants, NaN
        when unknown), same index.
    departement_counts
        Nurses per département (index département code).

    Returns
    -------
    pandas.DataFrame
        Index INSEE code; ``nurses`` (estimated headcount, fractional) and ``basis``
        (``bv_density_x_departement_count``, ``departement_count_by_population`` or
        ``no_departement_count``).

    Examples
    --------
    >>> pop = pd.Series([1000.0, 3000.0], index=["a", "b"])
    >>> dep = pd.Series(["01", "01"], index=["a", "b"])
    >>> dens = pd.Series([20.0, 10.0], index=["a", "b"])  # raw 2 and 3 nurses
    >>> estimate_nurse_supply(pop, dep, dens, pd.Series({"01": 10.0}))["nurses"].tolist()
    [4.0, 6.0]
    """
    pop = population.astype(float).fillna(0.0)
    dep = departement.reindex(pop.index)
    dens = density_per_10k.reindex(pop.index).astype(float)
    raw = dens * pop / 10_000.0
    by_dep = pd.DataFrame({"dep": dep, "raw": raw, "pop": pop})
    has_dens = by_dep.groupby("dep")["raw"].transform(lambda s: s.notna().all())
    # a département with any missing density is spread by population (one rule per département)
    share_base = np.where(has_dens, raw.fillna(0.0), pop)
    by_dep["base"] = share_base
    total = by_dep.groupby("dep")["base"].transform("sum")
    count = dep.map(departement_counts).astype(float)
    nurses = np.where(total > 0, count * by_dep["base"] / total, 0.0)
    basis = np.where(has_dens, "bv_density_x_departement_count",
                     "departement_count_by_population")  # fmt: skip
    basis = np.where(count.isna(), "no_departement_count", basis)
    nurses = np.where(count.isna(), np.nan, nurses)
    return pd.DataFrame({"nurses": nurses, "basis": basis}, index=pop.index)


def ssiad_places_supply(sites: pd.DataFrame) -> tuple[pd.Series, int, int]:
    """Known SSIAD places per commune of open SSIAD sites.

    Returns
    -------
    (places, sites, unknown)
        Places per commune (index INSEE code), the number of open SSIAD sites and how many
        of them have no known capacity.
    """
    from proxisante.offer.ssiad import ssiad_places_by_commune

    per = ssiad_places_by_commune(sites)
    return per["places"], int(per["sites"].sum()), int(per["unknown"].sum())


def commune_travel(codes, lat, lon, *, cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES):
    """Offline travel-time estimate between commune points (square matrix, minutes)."""
    from proxisante.travel import estimate_matrix

    return estimate_matrix(codes, lat, lon, codes, lat, lon, cutoff_minutes=cutoff_minutes)


@cache
def _national_travel(cutoff_minutes: float):
    from proxisante.territory import load_communes

    c = load_communes()
    c = c[(c["type"] == "COM") & c["lat"].notna() & c["lon"].notna()]
    return commune_travel(c["code_insee"].to_numpy(dtype=str), c["lat"].to_numpy(),
                          c["lon"].to_numpy(), cutoff_minutes=cutoff_minutes)  # fmt: skip


def elderly_access(travel, supply: pd.Series, pop_75_plus: pd.Series) -> pd.Series:
    """Supply accessible within the matrix's cut-off per 1,000 inhabitants aged 75+.

    Parameters
    ----------
    travel
        Square :class:`~proxisante.travel.TravelMatrix` between communes, minutes.
    supply
        Supply per commune (nurses, SSIAD places), index INSEE code; absent → 0.
    pop_75_plus
        Inhabitants aged 75+ per commune, index INSEE code; absent → 0.

    Returns
    -------
    pandas.Series
        Per origin commune (matrix order), supply per 1,000 inhabitants aged 75+.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from proxisante.travel import TravelMatrix
    >>> ids = np.array(["a", "b"])
    >>> t = sp.csr_array(([0.0, 12.0, 12.0, 0.0], ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(2, 2))
    >>> tm = TravelMatrix(t, ids, ids, 20.0, "example")
    >>> elderly_access(tm, pd.Series({"a": 3.0}), pd.Series({"a": 100.0, "b": 200.0})).tolist()
    [10.0, 10.0]
    """
    decay = StepDecay(uppers=(float(travel.cutoff_minutes),), values=(1.0,))
    w = catchment_weights(travel.minutes, decay)
    s = supply.reindex(travel.destination_ids).fillna(0.0).to_numpy(dtype=float)
    p = pop_75_plus.reindex(travel.origin_ids).fillna(0.0).to_numpy(dtype=float)
    if (s < 0).any():
        raise InputError("home-care supply must be ≥ 0 (nurses, SSIAD places)")
    value = 1000.0 * two_step(w, s, p)
    return pd.Series(value, index=pd.Index(travel.origin_ids, name="code_insee"))


@dataclass(frozen=True)
class HomeCareAccess:
    """Home-care access of every commune (per 1,000 inhabitants aged 75+).

    ``table`` has index INSEE code and columns ``nurses`` (supply in the commune),
    ``nurse_basis``, ``pop_75_plus``, ``nurses_per_1000_75`` and ``ssiad_per_1000_75``
    (NaN when ``ssiad_missing`` says why), ``nurse_under_served``,
    ``ssiad_under_served``. ``nurse_france`` is the national value of the nurse measure
    (total nurses / total 75+ × 1,000), the reference of its threshold. ``travel`` is the
    commune × commune matrix the measures were computed on.
    """

    table: pd.DataFrame
    cutoff_minutes: float
    nurse_france: float
    ssiad_sites: int
    ssiad_unknown_capacity: int
    ssiad_missing: str
    travel: object = field(default=None, repr=False)

    @property
    def nurse_threshold(self) -> float:
        """Under-served threshold of the nurse measure (« hypothèse »)."""
        return UNDER_SERVED_FRACTION * self.nurse_france

    @property
    def ssiad_threshold(self) -> float:
        """Under-served threshold of the SSIAD measure (« hypothèse »)."""
        return UNDER_SERVED_FRACTION * SSIAD_FRANCE_PER_1000


def home_care_access(
    *,
    nurses: pd.DataFrame,
    pop_75_plus: pd.Series,
    sites: pd.DataFrame,
    travel=None,
    cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES,
) -> HomeCareAccess:
    """Nurse and SSIAD access of every commune of ``travel`` (default: all of France).

    Parameters
    ----------
    nurses
        :func:`estimate_nurse_supply` (or the same columns from an RPPS import).
    pop_75_plus
        Inhabitants aged 75+ per commune.
    sites
        The offer's sites (SSIAD with ``capacity_places``).
    travel
        Square matrix between communes; default the national offline estimate.
    """
    tm = _national_travel(float(cutoff_minutes)) if travel is None else travel
    ids = pd.Index(tm.origin_ids, name="code_insee")
    nurse_supply = nurses["nurses"].fillna(0.0)
    nurse_access = elderly_access(tm, nurse_supply, pop_75_plus)
    places, n_sites, n_unknown = ssiad_places_supply(sites)
    if n_sites == 0 or n_sites == n_unknown:
        missing = (
            "aucun SSIAD dans l'offre chargée : importer un extrait FINESS"
            if n_sites == 0
            else f"capacité inconnue pour les {n_sites} SSIAD de l'offre"
        )
        ssiad = pd.Series(np.nan, index=ids)
    else:
        missing = ""
        ssiad = elderly_access(tm, places, pop_75_plus)
    p75 = pop_75_plus.reindex(ids).astype(float)
    total_old = float(pop_75_plus.reindex(ids).fillna(0).sum())
    total_nurses = float(nurse_supply.reindex(ids).fillna(0).sum())
    france = 1000.0 * total_nurses / total_old if total_old > 0 else float("nan")
    table = pd.DataFrame({
        "nurses": nurses["nurses"].reindex(ids), "nurse_basis": nurses["basis"].reindex(ids),
        "pop_75_plus": p75, "nurses_per_1000_75": nurse_access, "ssiad_per_1000_75": ssiad,
    })  # fmt: skip
    table["nurse_under_served"] = table["nurses_per_1000_75"] < UNDER_SERVED_FRACTION * france
    table["ssiad_under_served"] = (
        table["ssiad_per_1000_75"] < UNDER_SERVED_FRACTION * SSIAD_FRANCE_PER_1000
    ).where(table["ssiad_per_1000_75"].notna())
    return HomeCareAccess(table, float(tm.cutoff_minutes), france, n_sites, n_unknown, missing,
                          tm)  # fmt: skip


#: Medico-social categories shown with their places (FINESS categories 354, 460, 500).
MEDICO_SOCIAL = {"ssiad": "SSIAD", "saad": "SAAD", "ehpad": "EHPAD"}


def medico_social_sites(sites: pd.DataFrame, codes) -> pd.DataFrame:
    """Open SSIAD, SAAD and EHPAD of the communes ``codes``, with their known places.

    Returns
    -------
    pandas.DataFrame
        One row per category of :data:`MEDICO_SOCIAL` (zeros included): ``category``,
        ``label``, ``sites``, ``places`` (sum of known places) and ``unknown_capacity``
        (sites whose capacity is unknown, « capacité inconnue »).

    Examples
    --------
    >>> s = pd.DataFrame({"category": ["ssiad", "ssiad", "ehpad"], "status": ["open"] * 3,
    ...                   "commune": ["a", "a", "b"], "capacity_places": [30, None, None]})
    >>> medico_social_sites(s, ["a", "b"])[["label", "sites", "unknown_capacity"]].values.tolist()
    [['SSIAD', 2, 1], ['SAAD', 0, 0], ['EHPAD', 1, 1]]
    """
    here = sites[sites["category"].isin(list(MEDICO_SOCIAL)) & (sites["status"] == "open")
                 & sites["commune"].isin(np.asarray(list(codes), dtype=str))]  # fmt: skip
    if "capacity_places" in here.columns:
        cap = pd.to_numeric(here["capacity_places"], errors="coerce").astype(float)
    else:
        cap = pd.Series(np.nan, index=here.index)
    rows = []
    for cat, label in MEDICO_SOCIAL.items():
        c = cap[here["category"] == cat]
        rows.append({
            "category": cat, "label": label, "sites": len(c), "places": float(c.sum()),
            "unknown_capacity": int(c.isna().sum()),
        })  # fmt: skip
    return pd.DataFrame(rows)
