"""The calibrated model commune by commune: supply, GPs, GPs aged 65+, residual, ranges.

:func:`commune_table` is the table of ``proxisante model show --csv``;
:func:`gp_estimates` gives the GPs and GPs aged 65 and over of every commune that retirement
scenarios and the plan's no-COG baseline read (« estimé »: fitted jointly on the official
APL and the official APL of GPs under 65, :func:`proxisante.model.fit.fit_under65`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.errors import InputError
from proxisante.model.artefact import CalibratedModel, bundled_model
from proxisante.territory import load_communes, load_official_apl

__all__ = ["COMMUNE_TABLE_COLUMNS", "commune_table", "gp_estimates"]

#: Columns of :func:`commune_table` (one row per commune), with their meaning.
COMMUNE_TABLE_COLUMNS: dict[str, str] = {
    "code_insee": "commune code",
    "nom": "commune name",
    "population": "inhabitants (DREES population of the APL file)",
    "apl_official": "official DREES APL to GPs",
    "apl_official_under65": "official DREES APL to GPs under 65",
    "apl_model": "APL of the calibrated model (estimé)",
    "residual": "official APL − model APL (official = model + residual)",
    "consultations_estimated": "GP consultations per year placed in the commune (estimé)",
    "gp_estimated": "GPs practising in the commune (estimé)",
    "gp_65_plus_estimated": "GPs aged 65 and over (estimé)",
    "bpe2021_gp": "libéral GPs counted by INSEE BPE 2021 (official)",
    "known_staff_gp": "published or imported salaried GP staff held at its sites (FTE)",
    "gp_low_bound": "fewest libéral GPs the fit may place (BPE 2021 − the stated departure)",
    "gp_high_bound": "most libéral GPs the fit may place (BPE 2021 + the stated departure)",
    "consultations_p10": "P10 of the consultations over the model's ensemble (estimé)",
    "consultations_p90": "P90 of the consultations over the model's ensemble (estimé)",
}


#: Columns of :func:`commune_table` read from the artefact (its column names).
_FROM_MODEL: dict[str, str] = {
    "apl_official": "apl_official",
    "apl_official_under65": "apl_official_under65",
    "apl_model": "apl_model",
    "residual": "residual",
    "consultations_estimated": "supply_consultations",
    "gp_estimated": "gp",
    "gp_65_plus_estimated": "gp_65_plus",
    "bpe2021_gp": "bpe2021_gp",
    "known_staff_gp": "staff_gp",
    "gp_low_bound": "gp_low",
    "gp_high_bound": "gp_high",
    "consultations_p10": "supply_p10",
    "consultations_p90": "supply_p90",
}


def _gp_columns(model: CalibratedModel) -> pd.DataFrame:
    t = model.table
    if "gp_65_plus" not in t.columns:
        msg = (
            f"model {model.model_id} has no GP estimate by age (an older format); "
            "recalibrate it with `proxisante model calibrate`"
        )
        raise InputError(msg)
    return t


def gp_estimates(model: CalibratedModel | None = None) -> pd.DataFrame:
    """GPs per commune of the calibrated model (default: the bundled one), « estimé ».

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code_insee``: ``gp`` (GPs practising in the commune), ``gp_65_plus``
        (of whom aged 65 and over), ``gp_under_65``, ``consultations`` (per year),
        ``consultations_65_plus`` and ``consultations_per_gp`` (the département's activity
        that converts one into the other). A retirement of ``n`` GPs aged 65+ in a commune
        removes ``n × consultations_per_gp`` consultations there; at most ``gp_65_plus``
        of them are estimated to be 65 or over.
    """
    model = model or bundled_model()
    t = _gp_columns(model)
    cons = t["supply_consultations"].to_numpy(dtype=float)
    under = t["supply_under65_consultations"].to_numpy(dtype=float)
    gp = t["gp"].to_numpy(dtype=float)
    g65 = np.minimum(t["gp_65_plus"].to_numpy(dtype=float), gp)
    return pd.DataFrame(
        {
            "gp": gp,
            "gp_65_plus": g65,
            "gp_under_65": gp - g65,
            "consultations": cons,
            "consultations_65_plus": np.maximum(cons - under, 0.0),
            "consultations_per_gp": t["consultations_per_gp"].to_numpy(dtype=float),
        },
        index=pd.Index(t["code_insee"].to_numpy(dtype=str), name="code_insee"),
    )


def commune_table(model: CalibratedModel | None = None) -> pd.DataFrame:
    """One row per commune of the model (:data:`COMMUNE_TABLE_COLUMNS`), in code order."""
    model = model or bundled_model()
    t = _gp_columns(model)
    names = load_communes().set_index("code_insee")["nom"]
    apl = load_official_apl(model.year)
    pop = apl[apl["in_current_geography"]].set_index("code_insee")["pop_totale"]
    codes = t["code_insee"].to_numpy(dtype=str)
    out = pd.DataFrame({"code_insee": codes, "nom": names.reindex(codes).fillna("").to_numpy(),
                        "population": pop.reindex(codes).to_numpy(dtype=float)})  # fmt: skip
    for column, source in _FROM_MODEL.items():
        out[column] = t[source].to_numpy(dtype=float)
    return out.sort_values("code_insee", kind="stable").reset_index(drop=True)
