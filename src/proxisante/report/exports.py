"""Tables for users (CSV / xlsx): French column names, names beside codes, rounded figures.

Exports render what they are given, like the HTML reports: a figure that is not known is
written « inconnu », never 0; populations are whole inhabitants; APL values have 3 decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.access import CONSULTATIONS_PER_FTE

__all__ = ["UNKNOWN", "criticality_table", "scenario_communes_table", "scenario_comparison_table"]

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


def _apl(values, digits: int = 3) -> pd.Series:
    """APL values rounded for users (« inconnu » where missing; -0.0 written 0.0)."""
    v = pd.Series(np.asarray(values, dtype=float)).round(digits) + 0.0
    return v.astype(object).where(v.notna(), UNKNOWN)


def _yes_no(flags) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "oui", "non")


def _commune_columns(impact: pd.DataFrame, communes: pd.DataFrame) -> dict[str, object]:
    names = _names(communes, impact["code_insee"])
    return {
        "code_commune": impact["code_insee"].to_numpy(),
        "commune": names["commune"].fillna(UNKNOWN).to_numpy(),
        "departement": (names["departement"] + " " + names["departement_nom"])
        .where(names["commune"].notna(), UNKNOWN)
        .to_numpy(),
        "population": _int_or_unknown(
            impact["pop_totale"].reset_index(drop=True), impact["pop_totale"].notna()
        ).to_numpy(),
    }


def scenario_communes_table(
    impact: pd.DataFrame, communes: pd.DataFrame, *, baseline: str, method: str
) -> pd.DataFrame:
    """A scenario's per-commune impact, ready to share (CSV/xlsx of ``scenario run``).

    Parameters
    ----------
    impact
        :attr:`proxisante.scenarios.ScenarioResult.communes`: ``code_insee``, ``apl_before``,
        ``delta_apl``, ``apl_after``, ``pop_totale``, ``pop_totale_after``, ``newly_under``,
        ``lifted``, ``no_gp_after`` and, with a calibrated ensemble, ``delta_apl_p10`` /
        ``delta_apl_p90``.
    communes
        The commune table (:func:`proxisante.territory.load_communes`) for names.
    baseline
        What the APL before is, in French (e.g. « officielle DREES 2023 », or « calculée
        (offre fournie) » for a full recompute).
    method
        How the APL after is obtained (:attr:`ScenarioResult.method`), written on every
        row whose APL changes.

    Returns
    -------
    pandas.DataFrame
        One row per commune, French column names, names beside codes: inhabitants whole
        (after the scenario only when a population edit changes them), APL with 3 decimals,
        the change with the P10–P90 range of the model's ensemble when it has one
        (``variation_apl_p10``/``_p90``, the central model's change may fall slightly
        outside; ``apl_apres_p10``/``_p90`` = APL before + those), ``statut_apl_apres``
        « estimée » where the APL changes and the baseline's label where it does not,
        « inconnu » where a value is missing, « oui »/« non » for the threshold flags.
    """
    impact = impact.reset_index(drop=True)
    before = impact["apl_before"].to_numpy(dtype=float)
    delta = impact["delta_apl"].to_numpy(dtype=float)
    after = impact["apl_after"].to_numpy(dtype=float)
    changed = np.nan_to_num(delta) != 0
    out = pd.DataFrame(_commune_columns(impact, communes))
    if "pop_totale_after" in impact.columns and not np.allclose(
        impact["pop_totale_after"], impact["pop_totale"], equal_nan=True
    ):
        out["population_apres"] = _int_or_unknown(
            impact["pop_totale_after"], impact["pop_totale_after"].notna()
        ).to_numpy()
    out["apl_avant"] = _apl(before).to_numpy()
    out["source_apl_avant"] = np.where(np.isnan(before), UNKNOWN, baseline)
    out["variation_apl"] = _apl(delta).to_numpy()
    ranged = {"delta_apl_p10", "delta_apl_p90"} <= set(impact.columns)
    if ranged:
        out["variation_apl_p10"] = _apl(impact["delta_apl_p10"]).to_numpy()
        out["variation_apl_p90"] = _apl(impact["delta_apl_p90"]).to_numpy()
    out["apl_apres"] = _apl(after).to_numpy()
    if ranged:
        out["apl_apres_p10"] = _apl(before + impact["delta_apl_p10"].to_numpy()).to_numpy()
        out["apl_apres_p90"] = _apl(before + impact["delta_apl_p90"].to_numpy()).to_numpy()
    out["statut_apl_apres"] = np.select(
        [np.isnan(after), changed], [UNKNOWN, "estimée"], f"{baseline} (inchangée)"
    )
    out["passe_sous_2_5"] = _yes_no(impact["newly_under"])
    out["repasse_au_dessus_de_2_5"] = _yes_no(impact["lifted"])
    out["sans_medecin_a_20_min_apres"] = _yes_no(impact["no_gp_after"])
    out["methode"] = np.where(changed, method, "")
    return out


def scenario_comparison_table(
    first: pd.DataFrame, second: pd.DataFrame, communes: pd.DataFrame, *, names: tuple[str, str]
) -> pd.DataFrame:
    """Two scenarios' APL after, commune by commune (CSV of ``scenario compare``).

    ``first``/``second`` are :attr:`ScenarioResult.communes` on the same baseline;
    ``names`` label the two « apl_apres » columns. Names beside codes, inhabitants whole,
    APL with 3 decimals, « inconnu » where missing.
    """
    m = first[["code_insee", "pop_totale", "apl_before", "apl_after"]].merge(
        second[["code_insee", "apl_after"]], on="code_insee", suffixes=("_a", "_b")
    )
    out = pd.DataFrame(_commune_columns(m, communes))
    out["apl_avant"] = _apl(m["apl_before"]).to_numpy()
    labels = names if names[0] != names[1] else (f"{names[0]}_1", f"{names[1]}_2")
    out[f"apl_apres_{labels[0]}"] = _apl(m["apl_after_a"]).to_numpy()
    out[f"apl_apres_{labels[1]}"] = _apl(m["apl_after_b"]).to_numpy()
    return out
