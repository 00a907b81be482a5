"""The health offer: sites and staff, as typed DataFrames with documented columns.

The bundled default (``proxisante/data/offer``, built by ``scripts/build_offer_data.py``)
holds the FINESS 2020 geolocated "sanitaire" establishments of France and the publicly
documented CANSSM-Filieris sites with the staff their sources state. Sources give
*headcounts*; :func:`site_supply` turns them into FTE at one FTE per person unless an FTE or
an activity is known, and says so.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from proxisante._bundled import read_bundled_parquet
from proxisante.errors import InputError, UnknownCodeError
from proxisante.offer.model import (
    CATEGORIES,
    CENTRE_GP_FTE_PER_PERSON,
    CONSULTATIONS_PER_FTE,
    PROFESSIONS,
    SITE_SCHEMA,
    STAFF_SCHEMA,
    conform,
    describe,
)

__all__ = [
    "CATEGORIES",
    "PROFESSIONS",
    "SITE_COLUMNS",
    "STAFF_COLUMNS",
    "Offer",
    "fte_per_person",
    "load_default_offer",
    "operator_label",
    "site_supply",
    "staff_fte",
]

#: Site columns and their meaning (unit), from :data:`~proxisante.offer.model.SITE_SCHEMA`.
SITE_COLUMNS: dict[str, str] = describe(SITE_SCHEMA)
#: Staff columns (one row per site and profession, or per professional), from
#: :data:`~proxisante.offer.model.STAFF_SCHEMA`.
STAFF_COLUMNS: dict[str, str] = describe(STAFF_SCHEMA)


@dataclass(frozen=True)
class Offer:
    """Sites and staff (DataFrames with :data:`SITE_COLUMNS` and :data:`STAFF_COLUMNS`)."""

    sites: pd.DataFrame
    staff: pd.DataFrame
    #: FTE per salaried centre de santé GP known by headcount only (« hypothèse », see
    #: :data:`~proxisante.offer.model.CENTRE_GP_FTE_PER_PERSON`)
    centre_gp_fte_per_person: float = CENTRE_GP_FTE_PER_PERSON

    def __post_init__(self) -> None:
        r = self.centre_gp_fte_per_person
        if not (isinstance(r, int | float) and 0 < r <= 1):
            msg = f"centre GP FTE per person was {r!r}; expected a number in (0, 1]"
            raise InputError(msg)

    def site(self, site_id: str) -> pd.Series:
        """One site by id (FINESS number or slug); unknown id → error with closest ids."""
        hit = self.sites[self.sites["site_id"] == site_id]
        if hit.empty:
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
    sites = read_bundled_parquet("offer/sites.parquet")
    staff = read_bundled_parquet("offer/staff.parquet")
    if "commune" not in staff.columns:  # bundled staff rows name their site only
        staff = staff.merge(sites[["site_id", "commune"]], on="site_id", how="left")
    return Offer(
        sites=conform(sites, SITE_SCHEMA, what="bundled sites"),
        staff=conform(staff, STAFF_SCHEMA, what="bundled staff"),
    )


def load_default_offer() -> Offer:
    """The bundled default offer (copies: callers may modify them)."""
    d = _default()
    return Offer(sites=d.sites.copy(), staff=d.staff.copy())


#: French names of the operator keys the offer uses.
OPERATOR_NAMES_FR: dict[str, str] = {
    "filieris": "Filieris (CANSSM, régime minier)",
    "cnam": "Assurance maladie (CNAM)",
}


def operator_label(sites: pd.DataFrame) -> pd.Series:
    """Who runs each site, in French, as far as the offer knows it.

    The operator's name for a known key (``filieris`` → « Filieris (CANSSM, régime minier) »),
    else the key itself; for a FINESS site with no key, its legal entity by FINESS number
    (« entité juridique FINESS 120784616 »: the extracts bundled give the number, not the
    name); for a commune-level BPE entry, « inconnu (nombre INSEE BPE seulement) ».
    """
    op = sites["operator"].fillna("").astype(str)
    out = op.map(lambda k: OPERATOR_NAMES_FR.get(k.lower(), k))
    ej = sites["finess_ej"] if "finess_ej" in sites.columns else pd.Series(pd.NA, sites.index)
    entry = sites["entry"] if "entry" in sites.columns else pd.Series(pd.NA, sites.index)
    no_key = op == ""
    out = out.mask(no_key & ej.notna(), "entité juridique FINESS " + ej.fillna("").astype(str))
    out = out.mask(no_key & (entry == "commune_count").fillna(False),
                   "inconnu (nombre INSEE BPE seulement)")  # fmt: skip
    return out.mask(out == "", "non renseigné")


def fte_per_person(offer: Offer, site_ids, profession: str = "gp") -> np.ndarray:
    """FTE counted per person known by headcount only, for staff rows at ``site_ids``.

    Salaried GPs of a centre de santé count ``offer.centre_gp_fte_per_person`` (an
    assumption, « hypothèse »: :data:`~proxisante.offer.model.CENTRE_GP_FTE_PER_PERSON`);
    everyone else counts 1 FTE per person.
    """
    ids = pd.Index(np.asarray(site_ids, dtype=object))
    if profession != "gp":
        return np.ones(len(ids))
    cat = offer.sites.drop_duplicates("site_id").set_index("site_id")["category"]
    centre = (cat.reindex(ids) == "centre_de_sante").to_numpy(dtype=bool)
    return np.where(centre, float(offer.centre_gp_fte_per_person), 1.0)


def staff_fte(offer: Offer, staff: pd.DataFrame) -> pd.Series:
    """FTE of each staff row: its ``fte`` when known, else ``headcount`` × :func:`fte_per_person`.

    The one headcount → FTE conversion of the package (scenarios, criticality, plans and
    their "sans COG" freeze all use it), so the assumption
    ``offer.centre_gp_fte_per_person`` (« hypothèse », ``--centre-gp-fte-per-person``)
    applies everywhere. ``staff``: rows of ``offer.staff`` (or the same columns, with
    ``profession``); a row with neither FTE nor headcount gives NA.

    Returns
    -------
    pandas.Series
        ``Float64`` FTE per row, indexed like ``staff``.
    """
    per_person = np.ones(len(staff))
    for profession in pd.unique(staff["profession"]):
        rows = (staff["profession"] == profession).to_numpy()
        per_person[rows] = fte_per_person(offer, staff.loc[rows, "site_id"], profession)
    headcount = staff["headcount"].astype("Float64") * per_person
    return staff["fte"].astype("Float64").fillna(headcount)


def site_supply(offer: Offer, *, profession: str = "gp") -> pd.DataFrame:
    """FTE and yearly consultations of ``profession`` per site, with how they were obtained.

    FTE: the staff's ``fte`` when known, otherwise its ``headcount`` at 1 FTE per person,
    or at ``offer.centre_gp_fte_per_person`` for GPs of a centre de santé (an assumption,
    :func:`fte_per_person`; basis ``headcount``). Consultations (GPs):
    ``activity_consultations`` when known, otherwise FTE × 5,400 (DREES conversion).
    Closed sites are excluded.

    Returns
    -------
    pandas.DataFrame
        ``site_id, commune, fte, consultations, basis`` (one row per site with staff).
    """
    if profession not in PROFESSIONS:
        msg = f"profession was '{profession}'; expected one of {', '.join(PROFESSIONS)}"
        raise InputError(msg)
    st = offer.staff[offer.staff["profession"] == profession]
    fte = staff_fte(offer, st)
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
