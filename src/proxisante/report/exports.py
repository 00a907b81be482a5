"""Tables for users (CSV / xlsx): French column names, names beside codes, rounded figures.

Exports render what they are given, like the HTML reports: a figure that is not known is
written « inconnu », never 0; populations are whole inhabitants; APL values have 3 decimals.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from proxisante.access import CONSULTATIONS_PER_FTE
from proxisante.needs.layer import INDICATORS
from proxisante.professions import PROFESSIONS

__all__ = [
    "BASIS_FR",
    "UNKNOWN",
    "criticality_table",
    "needs_communes_table",
    "needs_comparison_table",
    "plan_table",
    "prevention_table",
    "scenario_communes_table",
    "scenario_comparison_table",
]

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


def _add_ranges(out: pd.DataFrame, rank: pd.DataFrame, published: pd.Series,
                known: pd.Series) -> None:  # fmt: skip
    """Add the ranking's ranges (FTE, consultations, P10–P90) to ``out``, in French; a
    published staff's range is its published figure."""
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
    _add_ranges(out, rank, published, known)
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
    impact: pd.DataFrame, communes: pd.DataFrame, *, baseline: str, method: str,
    professions: pd.DataFrame | None = None,
) -> pd.DataFrame:  # fmt: skip
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
    professions
        :meth:`ScenarioResult.profession_communes`: each other profession's access before
        and after, added as ``apl_<profession>_avant``/``_apres`` with its unit (« estimé »).

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
    if professions is not None:
        _add_profession_columns(out, impact["code_insee"], professions)
    return out


#: Status of the other professions' access columns (their method: ``apl --profession``).
PROFESSION_ACCESS_STATUS = (
    "estimé : APL selon la méthode DREES de la profession, offre libérale INSEE BPE 2021 "
    "(1 professionnel = 1 ETP) et personnel salarié connu"
)


def _add_profession_columns(out: pd.DataFrame, codes: pd.Series, professions: pd.DataFrame):
    """``apl_<profession>_avant``/``_apres`` (1 decimal, the profession's unit) and their
    status, aligned on ``codes`` (:meth:`ScenarioResult.profession_communes`)."""
    table = professions.set_index("code_insee").reindex(codes.to_numpy())
    for code, p in PROFESSIONS.items():
        if f"{code}_before" not in table.columns or p.apl is None:
            continue
        slug = _slug(p.short_fr)
        out[f"apl_{slug}_avant"] = _apl(table[f"{code}_before"], 1).to_numpy()
        out[f"apl_{slug}_apres"] = _apl(table[f"{code}_after"], 1).to_numpy()
        out[f"unite_apl_{slug}"] = p.apl.unit_fr
    out["statut_apl_autres_professions"] = PROFESSION_ACCESS_STATUS


def _slug(text: str) -> str:
    """ASCII column-name form of a French label (« sages-femmes » → ``sages_femmes``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace("-", "_").replace(" ", "_")


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


#: French wording of the codes the needs tables carry (how a figure was obtained).
BASIS_FR = {
    "centre": "commune centre du bassin de vie",
    "bv2012": "par son bassin de vie 2012 (approché)",
    "bv2012_nearest": "par son bassin de vie 2012, centre le plus proche (approché)",
    "nearest_centre": "centre de bassin le plus proche (approché)",
    "none": "aucun",
    "insee_pop1b": "INSEE (tableau POP1B importé)",
    "estimate_calibrated": "estimé (ratio DREES calé sur le bassin de vie)",
    "estimate_ratio_only": "estimé (ratio DREES)",
    "bpe2021_x_departement_count": "estimé : répartition communale BPE 2021 (INSEE) × effectif "
    "du département 2024",
    "bv_density_x_departement_count": "estimé : densité du bassin de vie × effectif du département",
    "departement_count_by_population": "estimé : effectif du département réparti par population",
    "no_departement_count": "inconnu (pas d'effectif départemental)",
}


def _basis(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: BASIS_FR.get(v, v) if isinstance(v, str) else UNKNOWN).to_numpy()


def _yes_no_unknown(values: pd.Series) -> np.ndarray:
    return values.map(
        lambda v: UNKNOWN if v is None or pd.isna(v) else ("oui" if v else "non")
    ).to_numpy()


def needs_communes_table(table: pd.DataFrame) -> pd.DataFrame:
    """The needs of every commune, ready to share (``needs communes --out``).

    ``table`` is :meth:`proxisante.workspace.Workspace.needs_table`. French column names
    with unit, level and year of each indicator (:data:`proxisante.needs.INDICATORS`),
    how each figure was obtained in words, inhabitants whole, rates with their published
    precision, access per 1,000 aged 75+ with 1 decimal, « inconnu » where missing.
    """
    t = table.reset_index(drop=True)
    out = pd.DataFrame({
        "code_commune": t["code_insee"].to_numpy(),
        "commune": t["nom"].to_numpy(),
        "departement": t["departement"].astype(str).to_numpy(),
        "code_bassin_de_vie_2022": t["bassin_vie_2022"].fillna(UNKNOWN).to_numpy(),
        "bassin_de_vie_2022": t["bassin_vie_name"].fillna(UNKNOWN).to_numpy(),
        "rattachement_au_bassin_de_vie": _basis(t["attachment"]),
    })  # fmt: skip
    for key, ind in INDICATORS.items():
        if key in t.columns:
            name = f"{ind.label_fr} ({ind.unit_fr}, {ind.level}, {ind.year})"
            out[name] = _dec_or_unknown(t[key], t[key].notna(), ind.digits).to_numpy()
    ages = {"population": "habitants", "pop_0_14": "habitants_0_14_ans",
            "pop_50_74": "habitants_50_74_ans", "pop_65_plus": "habitants_65_ans_et_plus",
            "pop_75_plus": "habitants_75_ans_et_plus"}  # fmt: skip
    for col, name in ages.items():
        out[name] = _int_or_unknown(t[col], t[col].notna()).to_numpy()
    out["source_des_ages"] = _basis(t["age_basis"])
    out["infirmiers_liberaux"] = _dec_or_unknown(t["nurses"], t["nurses"].notna(), 1).to_numpy()
    out["source_infirmiers"] = _basis(t["nurse_basis"])
    out["infirmiers_accessibles_pour_1000_75_ans_et_plus"] = _dec_or_unknown(
        t["nurses_per_1000_75"], t["nurses_per_1000_75"].notna(), 1
    ).to_numpy()
    for key, word in (("ssiad", "ssiad"), ("ehpad", "ehpad")):
        col = f"{key}_per_1000_75"
        if col not in t.columns:
            continue
        unknown = t.get(f"{key}_unknown_in_reach", pd.Series(0, index=t.index)).fillna(0)
        value = _dec_or_unknown(t[col], t[col].notna(), 1)
        # services within reach whose places are unknown (INSEE BPE count only)
        value = value.where(t[col].notna() | (unknown == 0), "places inconnues")
        out[f"places_{word}_accessibles_pour_1000_75_ans_et_plus"] = value.to_numpy()
        out[f"{word}_aux_places_inconnues_a_portee"] = unknown.astype(int).to_numpy()
    out["infirmiers_sous_le_seuil_hypothese"] = _yes_no_unknown(t["nurse_under_served"])
    out["ssiad_sous_le_seuil_hypothese"] = _yes_no_unknown(t["ssiad_under_served"])
    return out


def prevention_table(reach: pd.DataFrame) -> pd.DataFrame:
    """Prevention reach of health centres, ready to share (``needs prevention --out``):
    :meth:`proxisante.workspace.Workspace.prevention_reach` with French column names and
    whole inhabitants (estimated ages unless an INSEE table was imported)."""
    r = reach.reset_index(drop=True)
    out = pd.DataFrame({
        "site": r["site_id"].to_numpy(), "nom_du_site": r["name"].to_numpy(),
        "operateur": (r["operator_fr"] if "operator_fr" in r.columns
                      else r["operator"]).fillna("").to_numpy(),
        "code_commune": r["commune"].to_numpy(),
    })  # fmt: skip
    names = {
        "screening_50_74": "habitants_50_74_ans_a_portee",
        "screening_50_74_sole": "habitants_50_74_ans_sans_autre_centre",
        "flu_65_plus": "habitants_65_ans_et_plus_a_portee",
        "flu_65_plus_sole": "habitants_65_ans_et_plus_sans_autre_centre",
        "home_75_plus": "habitants_75_ans_et_plus_a_portee",
        "home_75_plus_sole": "habitants_75_ans_et_plus_sans_autre_centre",
    }
    for col, name in names.items():
        out[name] = _int_or_unknown(r[col], r[col].notna()).to_numpy()
    return out


def needs_comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A territory's needs against its département and France, ready to share (``needs show
    --csv``): :meth:`proxisante.needs.NeedsComparison.to_frame` with French column names and
    each value rounded to its indicator's precision (1 decimal)."""
    f = frame.reset_index(drop=True)
    out = pd.DataFrame({
        "indicateur": f["label_fr"].to_numpy(), "unite": f["unit"].to_numpy(),
        "niveau": f["level"].to_numpy(), "source": f["source"].to_numpy(),
        "annee": f["year"].to_numpy(),
    })  # fmt: skip
    for col, name in (("territory", "territoire"), ("departement", "departement"),
                      ("france", "france")):  # fmt: skip
        value = _dec_or_unknown(f[col], f[col].notna(), 1)
        if f"{col}_text" in f.columns:  # e.g. « places inconnues » where only counts are known
            text = f[f"{col}_text"].fillna("")
            value = value.where(f[col].notna() | (text == ""), text)
        out[name] = value.to_numpy()
        out[f"base_{name}"] = f[f"{col}_basis"].fillna("").to_numpy()
    return out


def _slug(text: str) -> str:
    """« médecins généralistes » → ``medecins_generalistes`` (column names of the exports)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "_".join(plain.lower().replace("-", " ").split())


def plan_table(table: pd.DataFrame, professions) -> pd.DataFrame:
    """An optimised plan, ready to share (``plan optimise --csv``).

    ``table`` is :meth:`proxisante.plan.PlanSolution.table`: one row per site and year where
    something happens. French column names, « oui »/« non », FTE with 1 decimal, the site's
    name or « nouveau centre ».
    """
    t = table.reset_index(drop=True)
    existing = t["existing"].astype(bool)
    out = pd.DataFrame({
        "annee": t["year"].to_numpy(),
        "code_commune": t["commune"].to_numpy(),
        "commune": t["name"].to_numpy(),
        "site": np.where(existing, t["site_name"].fillna("").astype(str), "nouveau centre"),
        "site_existant": _yes_no(existing),
        "ouverture": _yes_no(t["opens"]),
    })  # fmt: skip
    for p in professions:
        name = _slug(PROFESSIONS[p].plural_fr)
        out[f"etp_{name}_recrutes"] = t[f"fte_hired_{p}"].astype(float).round(1).to_numpy() + 0.0
        out[f"etp_{name}_cumul"] = t[f"fte_total_{p}"].astype(float).round(1).to_numpy() + 0.0
    return out
