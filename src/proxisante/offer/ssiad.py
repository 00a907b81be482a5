"""SSIAD coverage of the elderly: home-nursing places per 1,000 inhabitants aged 75 or more.

The indicator is DREES's "taux d'équipement en places de services de soins infirmiers à
domicile (SSIAD) pour 1 000 personnes âgées de 75 ans et plus" (DREES, STATISS —
Statistiques et indicateurs de la santé et du social, "Personnes âgées"): authorised SSIAD
places of a territory ÷ its inhabitants aged 75 or more × 1,000. It is a territory
indicator: a SSIAD serves an intervention area of several communes, so a commune's own
ratio means nothing and is never shown alone.

Inputs: the ``capacity_places`` of open sites of category ``ssiad`` (FINESS capacities,
or set with ``offer edit --capacity-places``; the FINESS etalab establishment extract holds
none) and the population aged 75+ from INSEE age bands (``offer import pop-age``). When no
SSIAD of the offer has a known capacity, or no age bands are loaded, the indicator is *not
available* and the reason says which, telling apart an offer with no SSIAD at all, a
territory with none in the offer and SSIAD present without known capacity. Once capacities
are known, a territory without an open SSIAD has 0 places; open SSIAD of unknown capacity
make the ratio a lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante._identity import IdentityCache
from proxisante.territory import population_aged

__all__ = [
    "ELDERLY_MIN_AGE",
    "SsiadCoverage",
    "places_by_commune",
    "ssiad_coverage",
    "ssiad_places_by_commune",
]

#: Age from which the indicator counts the population (DREES STATISS definition).
ELDERLY_MIN_AGE = 75


@dataclass(frozen=True)
class SsiadCoverage:
    """SSIAD places, population aged 75+ and places per 1,000 of a territory.

    ``per_1000`` is NaN and ``missing`` says why when the inputs are not loaded (without
    age data nothing is counted: ``places`` is NaN too).
    ``sites_without_capacity`` counts open SSIAD sites of the territory whose capacity is
    unknown (the ratio is then a lower bound).
    """

    places: float
    pop_75_plus: float
    per_1000: float
    sites: int
    sites_without_capacity: int
    missing: str = ""
    population_note: str = ""

    @property
    def available(self) -> bool:
        """True when the ratio could be computed (not when places are unknown)."""
        return not self.missing and not self.count_only

    @property
    def count_only(self) -> bool:
        """True when the territory has SSIAD whose places are all unknown (a count only:
        commune-level INSEE BPE entries)."""
        return (
            self.sites > 0 and self.sites_without_capacity == self.sites and not (self.places > 0)
        )

    def text_fr(self) -> str:
        """The indicator as a French sentence part, e.g. ``'18,4 places pour 1 000 …'``."""
        if self.count_only:
            return (f"places inconnues ({self.sites} SSIAD dans le territoire : nombre connu "
                    "(INSEE BPE 2021), places inconnues)")  # fmt: skip
        if self.missing:
            return f"non disponible ({self.missing})"
        value = f"{self.per_1000:.1f}".replace(".", ",")
        text = f"{value} places pour 1 000 habitants de 75 ans et plus ({self.places:.0f} places)"
        if self.sites_without_capacity:
            text += f", minimum : capacité inconnue pour {self.sites_without_capacity} SSIAD"
        if self.population_note:
            text += f" ; {self.population_note}"
        return text


#: The population aged 75+ of the last age tables and territories seen, aligned on the
#: territory's codes (a scenario server asks for it over every commune at each evaluation).
_ELDERLY_ON_CODES: IdentityCache[pd.Series] = IdentityCache(size=4)
#: The SSIAD places per commune of the last site tables seen, and whether any is known.
_PLACES_BY_COMMUNE: IdentityCache[pd.DataFrame] = IdentityCache(size=2)
_CAPACITY_KNOWN: IdentityCache[bool] = IdentityCache(size=2)
_ANY_OPEN_SSIAD: IdentityCache[bool] = IdentityCache(size=2)


def _unique_codes(codes) -> pd.Index:
    """``codes`` as an index without repeats (a unique index is used as given, so that its
    hash table and the cached population aligned on it are reused)."""
    if isinstance(codes, pd.Index) and codes.is_unique:
        return codes
    return pd.Index(np.asarray(codes, dtype=object)).unique()


def _open_ssiad(sites: pd.DataFrame) -> pd.Series:
    if "category" not in sites.columns:
        return pd.Series(False, index=sites.index)
    return (sites["category"] == "ssiad") & (sites["status"] != "closed")


def _any_capacity_known(sites: pd.DataFrame) -> bool:
    if "category" not in sites.columns or "capacity_places" not in sites.columns:
        return False

    def known() -> bool:
        cap = pd.to_numeric(sites.loc[sites["category"] == "ssiad", "capacity_places"],
                            errors="coerce")  # fmt: skip
        return bool(cap.notna().any())

    return _CAPACITY_KNOWN.get((sites,), known)


def _no_capacity_reason(sites: pd.DataFrame, territory_sites: int) -> str:
    """Why no SSIAD places are counted when no SSIAD of the offer has a known capacity: no
    SSIAD in the offer at all, none of the territory in it, or capacities not given."""
    if not _ANY_OPEN_SSIAD.get((sites,), lambda: bool(_open_ssiad(sites).any())):
        return "aucun SSIAD dans l'offre chargée"
    if territory_sites == 0:
        return ("aucun SSIAD du territoire dans l'offre chargée (et capacités des SSIAD "
                "non renseignées ailleurs)")  # fmt: skip
    return f"capacités des SSIAD non renseignées ({territory_sites} SSIAD dans le territoire)"


def ssiad_places_by_commune(sites: pd.DataFrame) -> pd.DataFrame:
    """Open SSIAD per commune: :func:`places_by_commune` of category ``ssiad``."""
    return places_by_commune(sites, ("ssiad",))


def places_by_commune(sites: pd.DataFrame, categories: tuple[str, ...]) -> pd.DataFrame:
    """Open sites of ``categories`` per commune: their known places, the number of
    establishments, and how many of those have no known capacity.

    A commune-level entry (``establishments`` > 1, INSEE BPE count) counts its
    establishments, all of unknown capacity.

    Parameters
    ----------
    sites
        Sites with ``category``, ``status``, ``commune``, ``capacity_places`` and
        optionally ``establishments`` (default 1).

    Returns
    -------
    pandas.DataFrame
        Indexed by INSEE code: ``places`` (sum of known places), ``sites``
        (establishments) and ``unknown`` (establishments of unknown capacity).

    Examples
    --------
    >>> s = pd.DataFrame({"category": ["ssiad"] * 3, "status": ["open"] * 3,
    ...                   "commune": ["a", "a", "b"], "capacity_places": [30, None, None],
    ...                   "establishments": [1, 1, 4]})
    >>> places_by_commune(s, ("ssiad",)).to_dict("list")
    {'places': [30.0, 0.0], 'sites': [2, 4], 'unknown': [1, 4]}
    """
    if "category" in sites.columns:
        s = sites[sites["category"].isin(list(categories)) & (sites["status"] != "closed")]
    else:
        s = sites.iloc[:0]
    if "capacity_places" in s.columns:
        cap = pd.to_numeric(s["capacity_places"], errors="coerce").astype(float)
    else:
        cap = pd.Series(np.nan, index=s.index)
    if "establishments" in s.columns:
        n = pd.to_numeric(s["establishments"], errors="coerce").fillna(1).astype(int)
    else:
        n = pd.Series(1, index=s.index)
    by = pd.DataFrame({"places": cap.fillna(0.0), "sites": n, "unknown": n.where(cap.isna(), 0)})
    by = by.groupby(s["commune"].to_numpy())
    return pd.DataFrame({
        "places": by["places"].sum().astype(float),
        "sites": by["sites"].sum().astype(int),
        "unknown": by["unknown"].sum().astype(int),
    })  # fmt: skip


def ssiad_coverage(
    sites: pd.DataFrame,
    pop_by_band: pd.DataFrame | None,
    codes,
    *,
    population_factor: pd.Series | None = None,
    population_note: str = "",
) -> SsiadCoverage:
    """SSIAD places per 1,000 inhabitants aged 75+ over the communes ``codes``.

    Parameters
    ----------
    sites
        The offer's sites (see :func:`ssiad_places_by_commune`).
    pop_by_band
        Population by age band per commune (index INSEE code), or ``None`` if not loaded.
    codes
        INSEE codes of the territory.
    population_factor
        Optional factor per commune (index INSEE code) applied to the population aged 75+
        (a scenario's population change).
    population_note
        French words on where ``pop_by_age`` comes from when it is not an INSEE import
        (e.g. « 75 ans et plus estimés »), appended to the indicator's text.
    """
    codes = _unique_codes(codes)

    def in_territory() -> pd.Series:
        # the small per-commune table's rows in the territory (the codes' index hashes once)
        by_commune = _PLACES_BY_COMMUNE.get((sites,), lambda: ssiad_places_by_commune(sites))
        return by_commune[codes.get_indexer(by_commune.index) >= 0].sum()

    capacity_known = _any_capacity_known(sites)
    if pop_by_band is None:  # the common case without INSEE age data: nothing to count
        reasons = ["populations par âge INSEE non chargées"]
        if not capacity_known:
            reasons.append(_no_capacity_reason(sites, int(in_territory().get("sites", 0))))
        return SsiadCoverage(np.nan, np.nan, np.nan, 0, 0, " ; ".join(reasons))
    here = in_territory()
    total_places = float(here.get("places", 0.0))
    n_sites, n_unknown = int(here.get("sites", 0)), int(here.get("unknown", 0))
    if not capacity_known:
        # no SSIAD capacity anywhere in the offer: the registry holds no SSIAD places at all,
        # so an absence of places says nothing about the territory
        reason = _no_capacity_reason(sites, n_sites)
        return SsiadCoverage(total_places, np.nan, np.nan, n_sites, n_unknown, reason)
    old = _ELDERLY_ON_CODES.get(
        (pop_by_band, codes),
        lambda: population_aged(pop_by_band, min_age=ELDERLY_MIN_AGE).reindex(codes).fillna(0.0),
    )
    if population_factor is not None:
        old = old * population_factor.reindex(codes).fillna(1.0)
    pop = float(old.sum())
    if pop <= 0:
        reason = "aucun habitant de 75 ans et plus dans les populations chargées"
        return SsiadCoverage(total_places, pop, np.nan, n_sites, n_unknown, reason)
    if n_sites and n_unknown == n_sites and total_places <= 0:  # a count only: no ratio
        return SsiadCoverage(total_places, pop, np.nan, n_sites, n_unknown,
                             population_note=population_note)  # fmt: skip
    return SsiadCoverage(total_places, pop, 1000.0 * total_places / pop, n_sites, n_unknown,
                         population_note=population_note)  # fmt: skip
