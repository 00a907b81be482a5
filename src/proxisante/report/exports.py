"""Tables for users (CSV / xlsx): French column names, names beside codes, rounded figures.

Exports render what they are given, like the HTML reports: a figure that is not known is
written « inconnu », never 0; populations are whole inhabitants; APL values have 3 decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.access import CONSULTATIONS_PER_FTE

__all__ = ["UNKNOWN", "criticality_table"]

#: What an export writes where a figure is not known (e.g. a site's staff).
UNKNOWN = "inconnu"


def _names(communes: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    c = communes.drop_duplicates("code_insee").set_index("code_insee")
    return pd.DataFrame({
        "commune": c["nom"].reindex(codes).to_numpy(),
        "departement": c["departement"].astype(str).reindex(codes).to_numpy(),
        "departement_nom": c["departement_nom"].astype(str).reindex(codes).to_numpy(),
    })  # fmt: skip


def _int_or_unknown(values: pd.Series, known: pd.Series) -> pd.Series:
    out = values.round().astype("Int64").astype(object)
    return out.where(known.to_numpy(), UNKNOWN)


def _dec_or_unknown(values: pd.Series, known: pd.Series, digits: int) -> pd.Series:
    return values.round(digits).astype(object).where(known.to_numpy(), UNKNOWN)


def _optional(rank: pd.DataFrame, column: str, default) -> pd.Series:
    if column in rank.columns:
        return rank[column]
    return pd.Series(default, index=rank.index)


def criticality_table(rank: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """The criticality ranking of an operator's sites, ready to share.

    Parameters
    ----------
    rank
        :func:`proxisante.scenarios.criticality_ranking`: ``gp_staff_known`` False and no
        estimate (``gp_estimated``, when the ranking carries it) → the effects are not
        quantified; optional ranges (``consultations_low``/``_high``, ``*_p10``/``*_p90``)
        and ``estimate_method`` are kept.
    communes
        The commune table (:func:`proxisante.territory.load_communes`) for names.

    Returns
    -------
    pandas.DataFrame
        One row per site, French column names; the staff column says « publié », « estimé »
        or « inconnu »; an estimated site shows its estimated FTE (consultations ÷ 5,400,
        DREES) with its range and method; the effects of an unquantified site are « inconnu »
        (never 0); a published staff's range is its published figure; populations whole,
        APL drops with 3 decimals, FTE with 1.
    """
    published = rank["gp_staff_known"].astype(bool)
    estimated = _optional(rank, "gp_estimated", False).fillna(False).astype(bool) & ~published
    known = published | estimated
    names = _names(communes, rank["commune"])
    out = pd.DataFrame({
        "rang": rank["rank"].to_numpy(),
        "site": rank["site_id"].to_numpy(),
        "nom_du_site": rank["name"].to_numpy(),
        "categorie": rank["category"].to_numpy(),
        "code_commune": rank["commune"].to_numpy(),
        "commune": names["commune"],
        "departement": names["departement"] + " " + names["departement_nom"],
        "effectif_medecins_generalistes": np.select(
            [published.to_numpy(), estimated.to_numpy()], ["publié", "estimé"], UNKNOWN
        ),
        "medecins_generalistes_etp": _dec_or_unknown(
            rank["gp_fte"].where(published, rank["consultations_lost"] / CONSULTATIONS_PER_FTE),
            known, 1,
        ).to_numpy(),
        "consultations_perdues_par_an": _int_or_unknown(rank["consultations_lost"], known),
        "communes_touchees": _int_or_unknown(rank["communes_affected"], known),
        "habitants_touches": _int_or_unknown(rank["population_affected"], known),
        "habitants_passant_sous_2_5": _int_or_unknown(rank["newly_under"], known),
        "baisse_max_apl": _dec_or_unknown(rank["max_apl_drop"], known, 3).to_numpy(),
    })  # fmt: skip
    ranges = {
        "consultations_low": ("consultations_perdues_basse", 0),
        "consultations_high": ("consultations_perdues_haute", 0),
        "newly_under_p10": ("habitants_passant_sous_2_5_p10", 0),
        "newly_under_p90": ("habitants_passant_sous_2_5_p90", 0),
        "max_apl_drop_p10": ("baisse_max_apl_p10", 3),
        "max_apl_drop_p90": ("baisse_max_apl_p90", 3),
    }
    if "consultations_low" in rank.columns:
        ranges = {"fte_low": ("medecins_generalistes_etp_basse", 1),
                  "fte_high": ("medecins_generalistes_etp_haute", 1), **ranges}  # fmt: skip
        rank = rank.assign(
            fte_low=rank["consultations_low"] / CONSULTATIONS_PER_FTE,
            fte_high=rank["consultations_high"] / CONSULTATIONS_PER_FTE,
        )
    for col, (name, digits) in ranges.items():
        if col in rank.columns:
            values = rank[col].astype(float)
            if col in ("consultations_low", "consultations_high", "fte_low", "fte_high"):
                # a published staff has no range: its bounds are the published figure
                central = (
                    rank["consultations_lost"]
                    if col.startswith("consultations")
                    else rank["gp_fte"]
                )
                values = values.where(~published, central.astype(float))
            has = known & values.notna()
            out[name] = (
                _int_or_unknown(values.fillna(0), has)
                if digits == 0
                else _dec_or_unknown(values, has, digits).to_numpy()
            )
    if "estimate_method" in rank.columns:
        out["methode_estimation"] = rank["estimate_method"].fillna("").to_numpy()
    return out
