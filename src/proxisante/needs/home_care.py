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
- **SSIAD and EHPAD places**: installed places of open SSIAD and EHPAD sites (bundled
  FINESS 2026 extract of Occitanie, a FINESS import, or ``offer edit --capacity-places``).
  Elsewhere the offer knows only the INSEE BPE 2021 number of services and establishments
  per commune (« estimé »): their places are unknown. A commune whose catchment holds
  known places only gets its value; one whose catchment also holds services of unknown
  places gets the known part, flagged as a minimum; one whose catchment holds only
  services of unknown places gets no value — the count and « places inconnues » are said,
  never a 0 or « non disponible ».

Measure (two-step floating catchment, Luo & Wang 2003, with a binary catchment of
``cutoff_minutes`` and the inhabitants aged 75+ as demand): for each commune ``i``,
``A_i = 1000 · Σ_{j: t_ij ≤ c} S_j / Σ_{k: t_kj ≤ c} P75_k`` — nurses (or SSIAD places)
accessible per 1,000 inhabitants aged 75+. Computed by :func:`proxisante.access.two_step`
on the offline travel-time estimate between commune points.

Reference values and thresholds
-------------------------------
- SSIAD and EHPAD: DREES, *Panorama statistique Jeunesse Sports Cohésion sociale* 2020
  (successor of STATISS), table 18 « Accueil des personnes âgées », taux d'équipement on
  31/12/2019 (FINESS, ISD; INSEE population estimate 2020), France entière: 19.9 places of
  SSIAD + SPASAD and 96.1 places in EHPAD per 1,000 inhabitants aged 75+.
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
from proxisante.offer.ssiad import places_by_commune, ssiad_places_by_commune
from proxisante.territory import load_communes
from proxisante.travel import estimate_matrix

__all__ = [
    "DEFAULT_CUTOFF_MINUTES",
    "EHPAD_FRANCE_PER_1000",
    "EHPAD_FRANCE_SOURCE",
    "MEDICO_SOCIAL",
    "PLACE_MEASURES",
    "SSIAD_FRANCE_PER_1000",
    "SSIAD_FRANCE_SOURCE",
    "UNDER_SERVED_FRACTION",
    "HomeCareAccess",
    "commune_travel",
    "elderly_access",
    "estimate_nurse_supply",
    "home_care_access",
    "medico_social_sites",
    "places_access",
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

EHPAD_FRANCE_PER_1000 = 96.1
"""Places in EHPAD per 1,000 inhabitants aged 75+, France entière, 31/12/2019."""

EHPAD_FRANCE_SOURCE = (
    "DREES, Panorama statistique 2020, « Accueil des personnes âgées » : taux d'équipement "
    "en places dans les EHPAD au 31/12/2019 (FINESS, ISD ; INSEE, estimation de population "
    "2020)"
)


@dataclass(frozen=True)
class PlaceMeasure:
    """A measure of places within reach per 1,000 inhabitants aged 75+ (SSIAD, EHPAD)."""

    key: str
    categories: tuple[str, ...]
    label_fr: str
    unit_fr: str
    france_per_1000: float
    france_source: str


#: The place measures of home care and accommodation of the elderly. EHPAD counts the
#: commune-level INSEE BPE entries of establishments housing the elderly (D401, EHPAD and
#: résidences autonomie), whose places are unknown.
PLACE_MEASURES: dict[str, PlaceMeasure] = {
    "ssiad": PlaceMeasure("ssiad", ("ssiad",), "places de SSIAD", "SSIAD", SSIAD_FRANCE_PER_1000,
                          SSIAD_FRANCE_SOURCE),
    "ehpad": PlaceMeasure("ehpad", ("ehpad", "elderly_residential"), "places d'EHPAD",
                          "établissement(s) pour personnes âgées", EHPAD_FRANCE_PER_1000,
                          EHPAD_FRANCE_SOURCE),
}  # fmt: skip

UNDER_SERVED_FRACTION = 0.5
"""« Hypothèse » of this tool: a commune is under-served in home care when its measure is
below this fraction of the national reference (no official threshold for these measures)."""


def estimate_nurse_supply(
    population: pd.Series,
    departement: pd.Series,
    density_per_10k: pd.Series,
    departement_counts: pd.Series,
    observed: pd.Series | None = None,
) -> pd.DataFrame:
    """Libéral nurses per commune: the commune counts of the BPE 2021 where known, else bassin
    densities, scaled to the département counts.

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
    observed
        Libéral nurses counted per commune (INSEE BPE 2021 headcount, same index; NaN for
        a commune it does not list): in a département where every commune has a count
        and some are positive, the commune shares of the département count are these
        counts' shares (basis ``bpe2021_x_departement_count``: the observed 2021
        distribution brought to the département's 2024 total).

    Returns
    -------
    pandas.DataFrame
        Index INSEE code; ``nurses`` (estimated headcount, fractional) and ``basis``
        (``bpe2021_x_departement_count``, ``bv_density_x_departement_count``,
        ``departement_count_by_population`` or ``no_departement_count``).

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
    basis = np.where(has_dens, "bv_density_x_departement_count",
                     "departement_count_by_population")  # fmt: skip
    if observed is not None:
        seen = observed.reindex(pop.index).astype(float)
        by_dep["seen"] = seen
        usable = (by_dep.groupby("dep")["seen"].transform(lambda s: s.notna().all())
                  & (by_dep.groupby("dep")["seen"].transform("sum") > 0))  # fmt: skip
        share_base = np.where(usable, seen.fillna(0.0), share_base)
        basis = np.where(usable, "bpe2021_x_departement_count", basis)
    by_dep["base"] = share_base
    total = by_dep.groupby("dep")["base"].transform("sum")
    count = dep.map(departement_counts).astype(float)
    nurses = np.where(total > 0, count * by_dep["base"] / total, 0.0)
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
    per = ssiad_places_by_commune(sites)
    return per["places"], int(per["sites"].sum()), int(per["unknown"].sum())


def commune_travel(codes, lat, lon, *, cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES):
    """Offline travel-time estimate between commune points (square matrix, minutes)."""
    return estimate_matrix(codes, lat, lon, codes, lat, lon, cutoff_minutes=cutoff_minutes)


@cache
def _national_travel(cutoff_minutes: float):
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
    ``nurse_basis``, ``pop_75_plus``, ``nurses_per_1000_75``, and for SSIAD and EHPAD
    (:data:`PLACE_MEASURES`) ``<key>_per_1000_75`` (known places within reach; NaN when only
    services of unknown places are within reach, or ``ssiad_missing`` says why),
    ``<key>_unknown_in_reach`` (services of unknown places within reach: the value is then
    a minimum), then ``nurse_under_served``, ``ssiad_under_served`` and
    ``ehpad_under_served`` (NA where the value is unknown, or a minimum below the
    threshold). ``nurse_france`` is the national value of the nurse measure (total nurses /
    total 75+ × 1,000), the reference of its threshold. ``travel`` is the
    commune × commune matrix the measures were computed on.
    """

    table: pd.DataFrame
    cutoff_minutes: float
    nurse_france: float
    ssiad_sites: int
    ssiad_unknown_capacity: int
    ssiad_missing: str
    travel: object = field(default=None, repr=False)
    ehpad_sites: int = 0
    ehpad_unknown_capacity: int = 0

    @property
    def nurse_threshold(self) -> float:
        """Under-served threshold of the nurse measure (« hypothèse »)."""
        return UNDER_SERVED_FRACTION * self.nurse_france

    @property
    def ssiad_threshold(self) -> float:
        """Under-served threshold of the SSIAD measure (« hypothèse »)."""
        return UNDER_SERVED_FRACTION * SSIAD_FRANCE_PER_1000

    @property
    def ehpad_threshold(self) -> float:
        """Under-served threshold of the EHPAD measure (« hypothèse »)."""
        return UNDER_SERVED_FRACTION * EHPAD_FRANCE_PER_1000


def places_access(travel, by_commune: pd.DataFrame, pop_75_plus: pd.Series) -> pd.DataFrame:
    """Known places within reach per 1,000 aged 75+, and services of unknown places within
    reach, per origin commune of ``travel``.

    Parameters
    ----------
    travel
        Square commune × commune matrix (minutes); its cut-off is the catchment.
    by_commune
        :func:`proxisante.offer.ssiad.places_by_commune` (``places``, ``unknown``).
    pop_75_plus
        Inhabitants aged 75+ per commune.

    Returns
    -------
    pandas.DataFrame
        ``per_1000`` (NaN where the catchment holds services of unknown places only) and
        ``unknown_in_reach`` (establishments of unknown places within the cut-off).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from proxisante.travel import TravelMatrix
    >>> ids = np.array(["a", "b", "c"])
    >>> t = sp.csr_array(([0.0, 12.0, 12.0, 0.0, 0.0], ([0, 0, 1, 1, 2], [0, 1, 0, 1, 2])),
    ...                  shape=(3, 3))
    >>> tm = TravelMatrix(t, ids, ids, 20.0, "example")
    >>> per = pd.DataFrame({"places": [3.0, 0.0, 0.0], "unknown": [0, 1, 2]}, index=ids)
    >>> out = places_access(tm, per, pd.Series(100.0, index=ids))
    >>> out["per_1000"].round(1).tolist(), out["unknown_in_reach"].tolist()
    ([15.0, 15.0, nan], [1, 1, 2])
    """
    value = elderly_access(travel, by_commune["places"], pop_75_plus)
    decay = StepDecay(uppers=(float(travel.cutoff_minutes),), values=(1.0,))
    w = catchment_weights(travel.minutes, decay)
    ids = travel.destination_ids
    unknown = by_commune["unknown"].reindex(ids).fillna(0).to_numpy(dtype=float)
    known = by_commune["places"].reindex(ids).fillna(0).to_numpy(dtype=float) > 0
    n_unknown = np.rint(w @ unknown).astype(int)
    n_known = w @ known.astype(float)
    value = value.where(~((n_unknown > 0) & (n_known == 0)))
    return pd.DataFrame({"per_1000": value.to_numpy(), "unknown_in_reach": n_unknown},
                        index=value.index)  # fmt: skip


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
    measures, counts = {}, {}
    for key, m in PLACE_MEASURES.items():
        per = places_by_commune(sites, m.categories)
        counts[key] = (int(per["sites"].sum()), int(per["unknown"].sum()))
        if counts[key][0] == 0:
            measures[key] = pd.DataFrame({"per_1000": np.nan, "unknown_in_reach": 0}, index=ids)
        else:
            measures[key] = places_access(tm, per, pop_75_plus).reindex(ids)
    n_sites, n_unknown = counts["ssiad"]
    missing = "" if n_sites else "aucun SSIAD dans l'offre chargée : importer un extrait FINESS"
    p75 = pop_75_plus.reindex(ids).astype(float)
    total_old = float(pop_75_plus.reindex(ids).fillna(0).sum())
    total_nurses = float(nurse_supply.reindex(ids).fillna(0).sum())
    france = 1000.0 * total_nurses / total_old if total_old > 0 else float("nan")
    table = pd.DataFrame({
        "nurses": nurses["nurses"].reindex(ids), "nurse_basis": nurses["basis"].reindex(ids),
        "pop_75_plus": p75, "nurses_per_1000_75": nurse_access,
    })  # fmt: skip
    for key in PLACE_MEASURES:
        table[f"{key}_per_1000_75"] = measures[key]["per_1000"]
        table[f"{key}_unknown_in_reach"] = measures[key]["unknown_in_reach"].astype(int)
    table["nurse_under_served"] = table["nurses_per_1000_75"] < UNDER_SERVED_FRACTION * france
    for key, m in PLACE_MEASURES.items():
        table[f"{key}_under_served"] = under_served(
            table[f"{key}_per_1000_75"],
            table[f"{key}_unknown_in_reach"],
            UNDER_SERVED_FRACTION * m.france_per_1000,
        )
    return HomeCareAccess(table, float(tm.cutoff_minutes), france, n_sites, n_unknown, missing,
                          tm, *counts["ehpad"])  # fmt: skip


def under_served(value: pd.Series, unknown_in_reach: pd.Series, threshold: float) -> pd.Series:
    """Below ``threshold`` (« hypothèse »); NA where the value is unknown, or is a minimum
    (services of unknown places within reach) below the threshold: it may be above.

    >>> under_served(pd.Series([1.0, 1.0, 9.0, np.nan]), pd.Series([0, 2, 2, 1]), 5.0).tolist()
    [True, <NA>, False, <NA>]
    """
    below = (value < threshold).astype("boolean")
    unsure = value.isna() | (below & (unknown_in_reach > 0))
    return below.mask(unsure.to_numpy(), pd.NA)


#: Medico-social categories shown with their places (FINESS categories 354, 460, 500; INSEE
#: BPE D401 establishments housing the elderly where only their number is known).
MEDICO_SOCIAL = {
    "ssiad": "SSIAD", "saad": "SAAD", "ehpad": "EHPAD",
    "elderly_residential": "établissements pour personnes âgées (INSEE BPE, nombre seul)",
}  # fmt: skip


def medico_social_sites(sites: pd.DataFrame, codes) -> pd.DataFrame:
    """Open SSIAD, SAAD and EHPAD of the communes ``codes``, with their known places.

    Returns
    -------
    pandas.DataFrame
        One row per category of :data:`MEDICO_SOCIAL` (zeros included): ``category``,
        ``label``, ``sites`` (establishments; a commune-level BPE entry counts its number),
        ``places`` (sum of known places) and ``unknown_capacity`` (establishments whose
        capacity is unknown, « places inconnues »).

    Examples
    --------
    >>> s = pd.DataFrame({"category": ["ssiad", "ssiad", "ehpad"], "status": ["open"] * 3,
    ...                   "commune": ["a", "a", "b"], "capacity_places": [30, None, None]})
    >>> out = medico_social_sites(s, ["a", "b"])
    >>> out[["label", "sites", "unknown_capacity"]].values.tolist()[:3]
    [['SSIAD', 2, 1], ['SAAD', 0, 0], ['EHPAD', 1, 1]]
    """
    here = sites[sites["commune"].isin(np.asarray(list(codes), dtype=str))
                 & (sites["status"] == "open")]  # fmt: skip
    rows = []
    for cat, label in MEDICO_SOCIAL.items():
        per = places_by_commune(here, (cat,)).sum()
        rows.append({
            "category": cat, "label": label, "sites": int(per.get("sites", 0)),
            "places": float(per.get("places", 0.0)),
            "unknown_capacity": int(per.get("unknown", 0)),
        })  # fmt: skip
    return pd.DataFrame(rows)
