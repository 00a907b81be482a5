"""The needs layer: how old, how poor, how ill a commune or territory is, with each figure's
geography level, source and year.

Figures come at the level they are published at: bassin de vie 2022 (INSEE Statistiques
locales; CartoSanté), département (INSEE Statistiques locales), or are estimated per commune
(population by age: :mod:`proxisante.needs.age_estimate`). A commune takes the figures of
the bassin de vie it is attached to (:mod:`proxisante.needs.bassins`; the attachment is
carried with the figure). A territory of several communes takes the population-weighted
mean of its communes' bassin values (an estimate, said so), its 75+ share from the age
estimate, and its département's figures (the département holding most of its population).

Comparison points: the département, and **France** as the national value
(:func:`france_value`): computed over every commune of France for the figures published
per bassin de vie (the 75+ share from the age estimate, the others as the mean of every
commune's bassin value weighted by its population), and the national figure INSEE publishes
for the figures published per département (life expectancy: :data:`NATIONAL_FIGURES`).
(Earlier versions showed the median of the bassins de vie, 13.0 % for poverty, which is not
the national rate: 14.9 % computed, 14.5 % published by INSEE for 2021.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante._fr import commune_place
from proxisante.errors import InputError

__all__ = [
    "INDICATORS",
    "NATIONAL_FIGURES",
    "Indicator",
    "NeedsComparison",
    "commune_needs",
    "compare_territory",
    "france_value",
]


@dataclass(frozen=True)
class Indicator:
    """Metadata of one needs indicator (what a figure means and where it comes from)."""

    key: str
    label_fr: str
    unit_fr: str
    level: str
    source: str
    year: int
    column: str
    digits: int = 1


#: Indicators of the needs layer, in report order.
INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("share_75_plus", "Part des 75 ans ou plus", "%", "bassin de vie 2022",
                  "INSEE, recensement (Statistiques locales)", 2022, "share_75_plus_2022_pct"),
        Indicator("share_ald", "Part des bénéficiaires en affection de longue durée (ALD)",
                  "%", "bassin de vie 2022", "Cnam via CartoSanté (ATLASANTE)", 2024,
                  "share_ald_2024_pct"),
        Indicator("poverty_rate", "Taux de pauvreté", "%", "bassin de vie 2022",
                  "INSEE, Filosofi (Statistiques locales)", 2021, "poverty_rate_2021_pct"),
        Indicator("nurse_density", "Densité d'infirmiers libéraux", "pour 10 000 hab.",
                  "bassin de vie 2022", "CartoSanté (ATLASANTE)", 2024,
                  "nurse_density_liberal_2024_per_10k"),
        Indicator("gp_density", "Densité de médecins généralistes libéraux",
                  "pour 10 000 hab.", "bassin de vie 2022", "CartoSanté (ATLASANTE)", 2024,
                  "gp_density_liberal_2024_per_10k"),
        Indicator("life_expectancy_men", "Espérance de vie des hommes à la naissance", "ans",
                  "département", "INSEE, état civil (Statistiques locales)", 2024,
                  "life_expectancy_men_2024_years"),
        Indicator("life_expectancy_women", "Espérance de vie des femmes à la naissance",
                  "ans", "département", "INSEE, état civil (Statistiques locales)", 2024,
                  "life_expectancy_women_2024_years"),
    )
}  # fmt: skip
_BV_KEYS = [k for k, i in INDICATORS.items() if i.level.startswith("bassin")]
_DEP_KEYS = [k for k, i in INDICATORS.items() if i.level == "département"]
#: National figures published by INSEE for the indicators published per département:
#: ``key → (value, source)``.
NATIONAL_FIGURES: dict[str, tuple[float, str]] = {
    "life_expectancy_women": (85.6, "INSEE, bilan démographique 2024 (paru le 14/01/2025), "
                                    "France : espérance de vie à la naissance des femmes en 2024"),
    "life_expectancy_men": (80.0, "INSEE, bilan démographique 2024 (paru le 14/01/2025), "
                                  "France : espérance de vie à la naissance des hommes en 2024"),
}  # fmt: skip
#: Département figure used in place of the bassin mean when INSEE publishes it per département.
_DEP_OFFICIAL = {"poverty_rate": "poverty_rate_2021_pct"}


def commune_needs(
    attachment: pd.DataFrame,
    bassins: pd.DataFrame,
    departements: pd.DataFrame,
    communes: pd.DataFrame,
) -> pd.DataFrame:
    """One row per commune with its bassin-de-vie and département figures.

    Parameters
    ----------
    attachment
        :func:`proxisante.needs.bassins.attach_bassins_vie` (``code_insee``,
        ``bassin_vie_2022``, ``attachment``).
    bassins
        Bassin-de-vie indicators (``bassin_vie_2022``, ``name`` and the ``column`` of every
        bassin indicator of :data:`INDICATORS`).
    departements
        Département indicators (``departement`` and the département columns).
    communes
        ``code_insee`` and ``departement`` of the communes.

    Returns
    -------
    pandas.DataFrame
        ``code_insee``, ``departement``, ``bassin_vie_2022``, ``bassin_vie_name``,
        ``attachment``, then one column per indicator key (value at its level).
    """
    a = attachment[["code_insee", "bassin_vie_2022", "attachment"]]
    out = communes[["code_insee", "departement"]].merge(a, on="code_insee", how="left")
    bv = bassins.set_index("bassin_vie_2022")
    at = out["bassin_vie_2022"].fillna("")
    out["bassin_vie_name"] = at.map(bv["name"])
    for key in _BV_KEYS:
        out[key] = at.map(bv[INDICATORS[key].column]).astype(float)
    dep = departements.set_index("departement")
    for key in _DEP_KEYS:
        out[key] = out["departement"].map(dep[INDICATORS[key].column]).astype(float)
    out["attachment"] = out["attachment"].fillna("none")
    return out


@dataclass(frozen=True)
class ComparisonRow:
    """One indicator for the territory, its département and France."""

    indicator: Indicator
    territory: float
    departement: float
    france: float
    territory_basis: str
    departement_basis: str
    france_basis: str
    #: French words shown instead of a missing value (e.g. « places inconnues (52 SSIAD) »)
    territory_text: str = ""
    departement_text: str = ""


@dataclass(frozen=True)
class NeedsComparison:
    """The territory against its département and France, indicator by indicator."""

    label: str
    departement: str
    departement_name: str
    rows: list[ComparisonRow]
    approximate_communes: int
    communes: int
    notes: list[str] = field(default_factory=list)

    def row(self, key: str) -> ComparisonRow:
        """The row of indicator ``key``."""
        for r in self.rows:
            if r.indicator.key == key:
                return r
        raise InputError(f"indicator '{key}' is not in this comparison")

    def to_frame(self) -> pd.DataFrame:
        """One line per indicator (English column names, French labels)."""
        return pd.DataFrame([{
            "indicator": r.indicator.key, "label_fr": r.indicator.label_fr,
            "unit": r.indicator.unit_fr, "level": r.indicator.level,
            "source": r.indicator.source, "year": r.indicator.year,
            "territory": r.territory, "territory_basis": r.territory_basis,
            "territory_text": r.territory_text,
            "departement": r.departement, "departement_basis": r.departement_basis,
            "departement_text": r.departement_text,
            "france": r.france, "france_basis": r.france_basis,
        } for r in self.rows])  # fmt: skip


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & weights.notna() & (weights > 0)
    total = float(weights[ok].sum())
    return float((values[ok] * weights[ok]).sum() / total) if total > 0 else float("nan")


def _weighted_all(values: pd.Series, weights: pd.Series) -> float:
    """:func:`_weighted`, but NaN when a commune with weight has no value (the value of the
    others would pass for the whole's)."""
    if bool((values.isna() & (weights.fillna(0) > 0)).any()):
        return float("nan")
    return _weighted(values, weights)


def france_value(key: str, needs: pd.DataFrame, population: pd.Series,
                 pop_75_plus: pd.Series) -> tuple[float, str]:  # fmt: skip
    """The national value of indicator ``key`` and how it was obtained (French).

    - ``share_75_plus``: inhabitants aged 75+ ÷ inhabitants, summed over every commune (age
      estimate, or INSEE import) — INSEE counts 10.4 % on 1 January 2024 (bilan démographique
      2023); the estimate refers to the DREES populations of 2021;
    - other bassin-de-vie figures: the mean of every commune's bassin value weighted by its
      population (poverty 2021: 14.9 %, against 14.5 % for France métropolitaine published
      by INSEE from the ERFS survey, « L'essentiel sur la pauvreté », 2024);
    - département figures: :data:`NATIONAL_FIGURES`.

    Parameters
    ----------
    needs
        :func:`commune_needs` of every commune of France.
    population, pop_75_plus
        Inhabitants and inhabitants aged 75+ per commune (index INSEE code).
    """
    n = needs.set_index("code_insee")
    pop = population.reindex(n.index)
    if key == "share_75_plus":
        old = pop_75_plus.reindex(n.index)
        ok = pop.notna() & old.notna()
        value = 100 * float(old[ok].sum()) / max(float(pop[ok].sum()), 1e-9)
        return value, "France : calculé sur toutes les communes (population par âge estimée)"
    if key in NATIONAL_FIGURES:
        value, source = NATIONAL_FIGURES[key]
        return value, f"France : valeur nationale publiée ({source})"
    return _weighted(n[key], pop), (
        "France : calculé sur toutes les communes (valeur de leur bassin de vie pondérée par "
        "la population)"
    )


def _main_departement(departements: pd.Series, population: pd.Series) -> str:
    """The département holding most of the territory's inhabitants ("" for none)."""
    by_dep = population.groupby(departements.fillna("")).sum()
    return str(by_dep.idxmax()) if len(by_dep) else ""


def _bassin_territory_value(here: pd.DataFrame, key: str, pop_here: pd.Series,
                            bv_name: str | None) -> tuple[float, str]:  # fmt: skip
    """A bassin-level indicator for the territory: its bassin's value (one commune,
    ``bv_name``), else the population-weighted mean of its communes' bassins."""
    if bv_name is not None:
        return float(here[key].iloc[0]), f"valeur du bassin de vie {commune_place(bv_name).of}"
    basis = "estimé : moyenne des bassins de vie des communes, pondérée par la population"
    return _weighted(here[key], pop_here), basis


def _bassin_departement_value(key: str, dep: str, deps: pd.DataFrame, values: pd.Series,
                              weights: pd.Series) -> tuple[float, str]:  # fmt: skip
    """A bassin-level indicator for the département: its official value when published, else
    the population-weighted mean of its communes' bassins."""
    if key in _DEP_OFFICIAL and dep in deps.index:
        return float(deps.loc[dep, _DEP_OFFICIAL[key]]), "valeur officielle du département"
    basis = "estimé : moyenne des bassins de vie des communes du département"
    return _weighted(values, weights), basis


def _extra_row(measure: tuple, index: pd.Index, codes: pd.Index,
               in_dep: pd.Series) -> ComparisonRow:  # fmt: skip
    """The comparison row of an extra per-commune measure (weighted means)."""
    ind, values, weights, france, france_basis = measure
    v, wgt = values.reindex(index), weights.reindex(index)
    return ComparisonRow(
        ind, _weighted_all(v.reindex(codes), wgt.reindex(codes)),
        _weighted_all(v[in_dep], wgt[in_dep]), france,
        "estimé (moyenne des communes pondérée par les 75 ans ou plus)",
        "estimé (même méthode)", france_basis,
    )  # fmt: skip


def compare_territory(
    codes,
    *,
    label: str,
    needs: pd.DataFrame,
    population: pd.Series,
    pop_75_plus: pd.Series,
    bassins: pd.DataFrame,
    departements: pd.DataFrame,
    extra: dict[str, tuple[Indicator, pd.Series, pd.Series, float, str]] | None = None,
) -> NeedsComparison:
    """Compare a territory with its département and France on the needs indicators.

    Parameters
    ----------
    codes
        INSEE codes of the territory's communes.
    label
        Territory label (reports).
    needs
        :func:`commune_needs` of (at least) every commune of France.
    population, pop_75_plus
        Inhabitants and inhabitants aged 75+ per commune (index INSEE code; the age
        estimate or an INSEE import).
    bassins, departements
        Published indicator tables (for France medians and official département values).
    extra
        Further per-commune measures, ``key → (indicator, value per commune, weight per
        commune, France reference, France basis)``: the territory and département values are
        weighted means of the commune values (e.g. home-care access weighted by the 75+),
        missing as soon as a commune with weight has no value.

    Raises
    ------
    InputError
        ``codes`` is empty.
    """
    codes = pd.Index(np.asarray(list(codes), dtype=str)).unique()
    if len(codes) == 0:
        raise InputError("empty territory: no commune code given")
    n = needs.set_index("code_insee")
    here = n.reindex(codes)
    pop = population.reindex(n.index)
    pop_here = pop.reindex(codes).fillna(0.0)
    dep = _main_departement(here["departement"], pop_here)
    in_dep = n["departement"] == dep
    deps = departements.set_index("departement")
    dep_name = str(deps["name"].get(dep, dep))
    rows: list[ComparisonRow] = []
    single = len(codes) == 1
    bv_name = str(here["bassin_vie_name"].iloc[0]) if single else None
    for key, ind in INDICATORS.items():
        if key == "share_75_plus":
            old = pop_75_plus.reindex(n.index)
            terr = 100 * float(old.reindex(codes).sum()) / max(float(pop_here.sum()), 1e-9)
            dval = 100 * float(old[in_dep].sum()) / max(float(pop[in_dep].sum()), 1e-9)
            fr_value, fr_basis = france_value(key, needs, population, pop_75_plus)
            rows.append(ComparisonRow(
                ind, terr, dval, fr_value,
                "estimé (population par âge estimée, calée sur les bassins de vie)",
                "estimé (même méthode)", fr_basis,
            ))  # fmt: skip
        elif ind.level.startswith("bassin"):
            terr, t_basis = _bassin_territory_value(here, key, pop_here, bv_name)
            dval, d_basis = _bassin_departement_value(
                key, dep, deps, n.loc[in_dep, key], pop[in_dep]
            )
            fr_value, fr_basis = france_value(key, needs, population, pop_75_plus)
            rows.append(ComparisonRow(ind, terr, dval, fr_value, t_basis, d_basis, fr_basis))
        else:
            dval = float(deps[ind.column].get(dep, np.nan))
            fr_value, fr_basis = france_value(key, needs, population, pop_75_plus)
            rows.append(ComparisonRow(
                ind, dval, dval, fr_value, f"publié par département ({dep_name})",
                "valeur officielle du département", fr_basis,
            ))  # fmt: skip
    rows += [_extra_row(m, n.index, codes, in_dep) for m in (extra or {}).values()]
    approx = int(here["attachment"].isin(["bv2012", "bv2012_nearest", "nearest_centre"]).sum())
    return NeedsComparison(label, dep, dep_name, rows, approx, len(codes))
