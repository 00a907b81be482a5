"""The health offer: sites and staff, as typed DataFrames with documented columns.

The bundled default (``proxisante/data/offer``, built by ``scripts/build_offer_data.py``)
holds the FINESS 2020 geolocated "sanitaire" establishments of France and the publicly
documented CANSSM-Filieris sites with the staff their sources state. Sources give
*headcounts*; :func:`site_supply` turns them into FTE at one FTE per person unless an FTE or
an activity is known, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from proxisante._bundled import read_bundled_parquet
from proxisante.errors import InputError, UnknownCodeError

__all__ = [
    "CATEGORIES",
    "PROFESSIONS",
    "SITE_COLUMNS",
    "STAFF_COLUMNS",
    "Offer",
    "load_default_offer",
    "site_supply",
]

#: Site columns, meaning and unit.
SITE_COLUMNS: dict[str, str] = {
    "site_id": "unique id: FINESS établissement number (9 characters) or 'filieris-…' slug",
    "finess_et": "FINESS établissement number, when known",
    "name": "site name",
    "category": "centre_de_sante | ssiad | saad | ehpad | smr | usld | hospital | accueil_de_jour",
    "category_label": "category as written by the source (FINESS label or page wording)",
    "operator": "operator key ('filieris' for CANSSM-Filieris, '' when not known)",
    "legal_status": "public / private / CANSSM…",
    "address": "address as given by the source",
    "commune": "INSEE code of the commune the site is in",
    "lat": "latitude, WGS84 degrees",
    "lon": "longitude, WGS84 degrees",
    "location_source": "finess (geocoded by FINESS) | commune_point (the commune's point)",
    "status": "open | closed | planned",
    "capacity_places": "places (SSIAD, EHPAD), when known",
    "source": "where the row comes from (file or page URL)",
    "source_date": "date of the source",
}
#: Staff columns (one row per site and profession, or per professional).
STAFF_COLUMNS: dict[str, str] = {
    "site_id": "site the staff works at",
    "profession": "gp | nurse | physiotherapist | midwife | dentist | care_assistant",
    "headcount": "number of people",
    "fte": "full-time equivalents, when known",
    "activity_consultations": "yearly consultations (GPs), when known",
    "birth_year": "birth year (retirement analysis), when known",
    "employment": "salaried | liberal",
    "source": "source of the row",
    "source_quote": "what the source says",
}
PROFESSIONS = ("gp", "nurse", "physiotherapist", "midwife", "dentist", "care_assistant")
CATEGORIES = (
    "centre_de_sante", "ssiad", "saad", "ehpad", "smr", "usld", "hospital", "accueil_de_jour",
)  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """Sites and staff (DataFrames with :data:`SITE_COLUMNS` and :data:`STAFF_COLUMNS`)."""

    sites: pd.DataFrame
    staff: pd.DataFrame

    def site(self, site_id: str) -> pd.Series:
        """One site by id (FINESS number or slug); unknown id → error with closest ids."""
        hit = self.sites[self.sites["site_id"] == site_id]
        if hit.empty:
            import difflib

            close = difflib.get_close_matches(site_id, self.sites["site_id"].tolist(), n=5)
            raise UnknownCodeError("site", site_id, close)
        return hit.iloc[0]

    def select(
        self, *, communes=None, category: str | None = None, operator: str | None = None,
        status: str | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Sites filtered by commune codes, category, operator and status."""
        s = self.sites
        if category is not None:
            if category not in CATEGORIES:
                msg = f"category was '{category}'; expected one of {', '.join(CATEGORIES)}"
                raise InputError(msg)
            s = s[s["category"] == category]
        if operator is not None:
            s = s[s["operator"].str.lower() == operator.lower()]
        if status is not None:
            s = s[s["status"] == status]
        if communes is not None:
            s = s[s["commune"].isin(list(communes))]
        return s.reset_index(drop=True)


@cache
def _default() -> Offer:
    return Offer(
        sites=read_bundled_parquet("offer/sites.parquet"),
        staff=read_bundled_parquet("offer/staff.parquet"),
    )


def load_default_offer() -> Offer:
    """The bundled default offer (copies: callers may modify them)."""
    d = _default()
    return Offer(sites=d.sites.copy(), staff=d.staff.copy())


def site_supply(offer: Offer, *, profession: str = "gp") -> pd.DataFrame:
    """FTE and yearly consultations of ``profession`` per site, with how they were obtained.

    FTE: the staff's ``fte`` when known, otherwise its ``headcount`` at 1 FTE per person
    (basis ``headcount``). Consultations (GPs): ``activity_consultations`` when known,
    otherwise FTE × 5,400 (DREES conversion). Closed sites are excluded.

    Returns
    -------
    pandas.DataFrame
        ``site_id, commune, fte, consultations, basis`` (one row per site with staff).
    """
    from proxisante.access.apl import CONSULTATIONS_PER_FTE

    if profession not in PROFESSIONS:
        msg = f"profession was '{profession}'; expected one of {', '.join(PROFESSIONS)}"
        raise InputError(msg)
    st = offer.staff[offer.staff["profession"] == profession]
    fte = st["fte"].astype("Float64").fillna(st["headcount"].astype("Float64"))
    basis = np.where(st["fte"].notna(), "fte", "headcount")
    cons = st["activity_consultations"].astype("Float64").fillna(fte * CONSULTATIONS_PER_FTE)
    per = pd.DataFrame({
        "site_id": st["site_id"].to_numpy(), "fte": fte.to_numpy(dtype=float),
        "consultations": cons.to_numpy(dtype=float), "basis": basis,
    })  # fmt: skip
    per = per.groupby("site_id", as_index=False).agg(
        fte=("fte", "sum"), consultations=("consultations", "sum"), basis=("basis", "min")
    )
    sites = offer.sites[offer.sites["status"] != "closed"][["site_id", "commune"]]
    return sites.merge(per, on="site_id", how="inner", validate="one_to_one")
