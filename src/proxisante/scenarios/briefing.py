"""What a mayor's or an MP's briefing needs about a territory, computed from bundled data.

Pure computations (no rendering): the report package only renders a :class:`Briefing`.

- **Comparison** of the territory's official APL with its EPCI, département(s) and France
  (APL aggregated with ``pop_standardisee`` weights, the DREES rule).
- **Zoning view**: the population by class of the APL counting only GPs under 65 (the APL
  used for the zoning of under-served areas: arrêté du 13 novembre 2017).
- **Sites serving the territory**: the open sites of the offer within the APL catchment
  (20 minutes, estimated car time) of at least one of its communes, with the GP staff their
  public sources state, or *unknown*.
- **« Et si… »**: the effect of closing each nearby site of the network (exact marginal
  effect on the official APL, :class:`proxisante.access.EvaluationBaseline`) and of the departure of
  the GPs aged 65 or over (official: APL under 65 − APL).
- **The network's weight** in the territory's accessible supply, its most critical sites,
  ready-to-quote sentences and the sources behind every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante.access import DREES_APL_STEP, EvaluationBaseline, nearest_minutes
from proxisante.model.baseline import default_baseline
from proxisante.model.site_estimate import GP_CATEGORIES, holds_gps, unknown_staff_fte
from proxisante.offer import Offer, load_default_offer, site_supply
from proxisante.scenarios.impact import ScenarioResult, evaluate
from proxisante.scenarios.model import CloseSites, Scenario
from proxisante.sources import (
    COMMUNES_SOURCE,
    FINESS_SOURCE,
    ZONING_SOURCE,
    Source,
    apl_source,
    page_sources,
)
from proxisante.territory import (
    UNDER_SERVED_APL,
    Territory,
    load_communes,
    load_official_apl,
)
from proxisante.territory import zoning as zoning_rule
from proxisante.territory.official_apl import population_year_of_apl
from proxisante.travel import estimate_matrix

__all__ = [
    "CLOSURE_REASONS",
    "Briefing",
    "apl_comparison",
    "build_briefing",
    "closure_effects",
    "network_weight",
    "retirement_effect",
    "sites_serving",
    "territory_effect",
    "zoning_classes",
]


def _weighted_apl(apl: pd.Series, weight: pd.Series) -> float:
    has = apl.notna() & weight.notna()
    w = float(weight[has].sum())
    return float((apl[has] * weight[has]).sum() / w) if w > 0 else float("nan")


def _level_row(level: str, label: str, apl: pd.DataFrame) -> dict:
    a = apl["apl_generalistes"]
    pop = apl["pop_totale"]
    under = a < UNDER_SERVED_APL
    zoning = apl["apl_generalistes_moins65"] < UNDER_SERVED_APL  # the zoning rule's APL
    total = float(pop[a.notna()].sum())
    return {
        "level": level,
        "label": label,
        "communes": int(a.notna().sum()),
        "population": total,
        "apl": _weighted_apl(a, apl["pop_standardisee"]),
        "apl_under_65": _weighted_apl(apl["apl_generalistes_moins65"], apl["pop_standardisee"]),
        "population_under_served": float(pop[under].sum()),
        "share_under_served": float(pop[under].sum()) / total if total > 0 else float("nan"),
        "population_zoning_under": float(pop[zoning].sum()),
        "share_zoning_under": float(pop[zoning].sum()) / total if total > 0 else float("nan"),
    }


def apl_comparison(territory: Territory, year: int) -> pd.DataFrame:
    """The territory's official APL beside its EPCI (for a commune), département(s) and France.

    Returns
    -------
    pandas.DataFrame
        One row per level: ``level`` (territory, epci, departement, france), ``label``,
        ``communes``, ``population`` (DREES ``pop_totale``, INSEE ``year − 2``), ``apl`` and
        ``apl_under_65`` (consultations/yr per standardised inhabitant, weighted by
        ``pop_standardisee``), ``population_under_served`` (APL < 2.5) and its share (0–1),
        ``population_zoning_under`` (APL of GPs under 65 < 2.5: « type ZIP », the zoning
        rule, :mod:`proxisante.territory.zoning`) and its share.
    """
    apl = load_official_apl(year)
    apl = apl[apl["in_current_geography"]]
    communes = load_communes(include_arrondissements=True)
    rows = [_level_row("territory", territory.label, apl[apl["code_insee"].isin(territory.codes)])]
    tc = territory.communes
    if territory.kind == "commune" and len(tc) == 1 and pd.notna(tc["epci_siren"].iloc[0]):
        siren = tc["epci_siren"].iloc[0]
        codes = communes.loc[communes["epci_siren"] == siren, "code_insee"]
        rows.append(_level_row("epci", str(tc["epci_nom"].iloc[0]),
                               apl[apl["code_insee"].isin(codes)]))  # fmt: skip
    if territory.kind != "reg":
        for dep in sorted(tc["departement"].astype(str).unique()):
            sel = communes[communes["departement"].astype(str) == dep]
            name = str(sel["departement_nom"].iloc[0])
            if territory.kind == "dep" and len(rows) == 1:
                continue
            rows.append(_level_row("departement", f"{name} ({dep})",
                                   apl[apl["code_insee"].isin(sel["code_insee"])]))  # fmt: skip
    rows.append(_level_row("france", "France entière", apl))
    return pd.DataFrame(rows)


def zoning_classes(territory: Territory, year: int) -> pd.DataFrame:
    """Population and communes of the territory in each class of the zoning APL
    (:mod:`proxisante.territory.zoning`).

    The zoning of under-served areas counts only the GPs aged under 65 (arrêté du 13
    novembre 2017: APL below 2.5 consultations/yr/inhabitant → zone d'intervention
    prioritaire; ARS pick the zones d'action complémentaire typically between 2.5 and 4).
    The official zoning is computed per territoire de vie-santé (TVS), not per commune:
    this commune-level view is an approximation, and says so.

    Returns
    -------
    pandas.DataFrame
        One row per zoning class (:data:`~proxisante.territory.zoning.ZONING_CLASSES`), and
        one ``unpublished`` row if some communes have no APL: ``zone_class``, ``communes``,
        ``population`` (by the zoning APL), ``population_all_gps`` (same class by the APL
        counting every GP).
    """
    apl = load_official_apl(year)
    apl = apl[apl["code_insee"].isin(territory.codes)]
    pop = apl["pop_totale"]
    rows = []
    zoning = zoning_rule.zoning_classes(apl["apl_generalistes_moins65"])
    by_all = zoning_rule.zoning_classes(
        apl["apl_generalistes"]
    )  # same thresholds on the APL of every GP
    for _, key in zoning_rule.ZONING_CLASSES:
        z, a = zoning == key, by_all == key
        rows.append({"zone_class": key, "communes": int(z.sum()), "population": float(pop[z].sum()),
                     "population_all_gps": float(pop[a].sum())})  # fmt: skip
    missing = len(territory.codes) - int(apl["apl_generalistes_moins65"].notna().sum())
    if missing:
        rows.append({"zone_class": "unpublished", "communes": missing, "population": np.nan,
                     "population_all_gps": np.nan})  # fmt: skip
    return pd.DataFrame(rows)


def retirement_effect(territory: Territory, year: int) -> dict[str, float]:
    """What the departure of every GP aged 65 or over would leave (official DREES figures).

    The DREES publishes with each APL the APL counting only GPs under 65: the difference is
    the share of access that rests on GPs of retirement age.

    Returns
    -------
    dict
        ``apl`` and ``apl_under_65`` (territory, ``pop_standardisee``-weighted),
        ``delta`` (under 65 − all), ``population_under_served`` and
        ``population_under_served_under_65`` (inhabitants under 2.5 by each APL).
    """
    apl = load_official_apl(year)
    apl = apl[apl["code_insee"].isin(territory.codes)]
    w = apl["pop_standardisee"]
    a = _weighted_apl(apl["apl_generalistes"], w)
    a65 = _weighted_apl(apl["apl_generalistes_moins65"], w)
    pop = apl["pop_totale"]
    return {
        "apl": a,
        "apl_under_65": a65,
        "delta": a65 - a,
        "population_under_served": float(pop[apl["apl_generalistes"] < UNDER_SERVED_APL].sum()),
        "population_under_served_under_65": float(
            pop[apl["apl_generalistes_moins65"] < UNDER_SERVED_APL].sum()
        ),
    }


def sites_serving(
    territory: Territory,
    offer: Offer,
    *,
    profession: str = "gp",
    status: str = "open",
) -> pd.DataFrame:
    """Sites within 20 minutes (the APL catchment, offline estimate) of a commune of the
    territory.

    The list is the same in every evaluation world (official APL or calibrated model): the
    times are proxisante's offline estimate, the one the reports state; the world only
    changes the effect computed for a closure (:func:`closure_effects`).
    ``status``: the sites' status kept (``open`` by default; ``planned`` for projects).

    Returns
    -------
    pandas.DataFrame
        ``site_id, name, category, category_label, operator, commune, commune_nom,
        minutes`` (estimated car time from the nearest commune of the territory; 0 inside
        it), ``inside`` (site in the territory), ``gp_headcount`` (stated by the site's
        source; NaN: unknown), ``gp_fte``, ``consultations`` (FTE × 5,400 when only the
        headcount is known), ``staff_basis`` (``fte``, ``headcount`` or ``unknown``),
        ``source``, ``source_date``. Sorted: the operator's sites first, then by time.
    """
    communes = load_communes().drop_duplicates("code_insee").set_index("code_insee")
    sites = offer.sites[offer.sites["status"] == status]
    inside = territory.communes.dropna(subset=["lat", "lon"])
    # by reindexing (an isin of arrow strings over every commune is slow)
    wanted = pd.unique(sites["commune"].to_numpy(dtype=object))
    dest = communes[["lat", "lon"]].reindex(wanted).dropna(subset=["lat", "lon"])
    if inside.empty or dest.empty:
        return _empty_sites()
    tm = estimate_matrix(
        inside["code_insee"], inside["lat"], inside["lon"],
        dest.index, dest["lat"], dest["lon"], cutoff_minutes=DREES_APL_STEP.max_minutes,
    )  # fmt: skip
    # shortest stored time over the territory's communes (a sparse min would count the
    # pairs beyond the cut-off as 0 minutes)
    best = nearest_minutes(tm.minutes.T, np.ones(tm.minutes.shape[0]))
    minutes = pd.Series(best, index=dest.index)
    near = sites.assign(minutes=sites["commune"].map(minutes).to_numpy(dtype=float))
    near = near[np.isfinite(near["minutes"])].copy()
    if near.empty:
        return _empty_sites()
    near["inside"] = near["commune"].isin(territory.codes)
    near["commune_nom"] = communes["nom"].reindex(near["commune"]).to_numpy()
    supply = site_supply(offer, profession=profession)
    staff = offer.staff[offer.staff["profession"] == profession]
    head = staff.groupby("site_id")["headcount"].sum()
    near = near.merge(supply[["site_id", "fte", "consultations", "basis"]], on="site_id",
                      how="left")  # fmt: skip
    near["gp_headcount"] = head.reindex(near["site_id"]).to_numpy(dtype=float)
    near = near.rename(columns={"fte": "gp_fte", "basis": "staff_basis"})
    near["staff_basis"] = near["staff_basis"].fillna("unknown")
    cols = ["site_id", "name", "category", "category_label", "operator", "commune",
            "commune_nom", "minutes", "inside", "gp_headcount", "gp_fte", "consultations",
            "staff_basis", "source", "source_date"]  # fmt: skip
    return near[cols].sort_values(["operator", "minutes", "name"]).reset_index(drop=True)


def _empty_sites() -> pd.DataFrame:
    cols = ["site_id", "name", "category", "category_label", "operator", "commune",
            "commune_nom", "minutes", "inside", "gp_headcount", "gp_fte", "consultations",
            "staff_basis", "source", "source_date"]  # fmt: skip
    return pd.DataFrame(columns=cols)


def _close(sites: list[str], offer: Offer, ctx: EvaluationBaseline) -> ScenarioResult:
    """Evaluate closing ``sites`` in the scenarios' world (same method as ``scenario run``)."""
    sc = Scenario(name="fermeture", baseline_year=ctx.year, edits=[CloseSites(sites=sites)])
    return evaluate(sc, offer=offer, baseline=ctx)


#: Why a closure has no quantified effect on the territory (``closure_effects`` ``reason``).
CLOSURE_REASONS = {
    "": "effect computed",
    "unknown_staff": "GP staff neither published nor estimable",
    "out_of_reach": "no commune of the territory is within the site's catchment in this world",
    "no_gp_staff": "the site's published staff counts no GP (closing it changes no GP supply)",
    "no_gp_discipline": "the centre's name states a discipline without GPs (dental, nursing…;"
    " closing it changes no GP supply)",
    "no_gp_counted": "the official APL of the centre's commune is 0: its estimated GP staff "
    "is 0 (model.site_estimate)",
}


def territory_effect(territory: Territory, result: ScenarioResult) -> dict[str, float]:
    """A scenario's effect on a territory: APL before/after (``pop_standardisee``-weighted),
    largest drop in one commune, inhabitants whose commune falls under 2.5, and on a
    calibrated world with an ensemble the P10–P90 range of the change and of those
    inhabitants (``delta_apl_low/high``, ``population_newly_under_low/high``; NaN
    otherwise); NaN when the scenario changes no quantified supply (e.g. a site whose staff
    is unknown)."""
    c = result.communes[result.communes["code_insee"].isin(territory.codes)]
    w = c["pop_standardisee"]
    before = _weighted_apl(c["apl_before"], w)
    nan = float("nan")
    ranges = dict.fromkeys(["delta_apl_low", "delta_apl_high", "population_newly_under_low",
                            "population_newly_under_high"], nan)  # fmt: skip
    if result.changes.empty:
        return {"apl_before": before, "apl_after": nan, "delta_apl": nan,
                "max_commune_drop": nan, "population_newly_under": nan} | ranges  # fmt: skip
    after = _weighted_apl(c["apl_after"], w)
    if "delta_apl_p10" in c.columns:
        deltas, unders = [], []
        for q in ("p10", "p90"):
            d = c[f"delta_apl_{q}"].fillna(c["delta_apl"])
            deltas.append(_weighted_apl(c["apl_before"] + d, w) - before)
            crossed = (c["apl_before"] >= UNDER_SERVED_APL) & (
                c["apl_before"] + d < UNDER_SERVED_APL
            )
            unders.append(float(c.loc[crossed, "pop_totale"].sum()))
        ranges = {"delta_apl_low": min(deltas), "delta_apl_high": max(deltas),
                  "population_newly_under_low": min(unders),
                  "population_newly_under_high": max(unders)}  # fmt: skip
    return {
        "apl_before": before,
        "apl_after": after,
        "delta_apl": after - before,
        "max_commune_drop": float(-c["delta_apl"].min()) if len(c) else 0.0,
        "population_newly_under": float(c.loc[c["newly_under"], "pop_totale"].sum()),
    } | ranges


def closure_effects(
    territory: Territory, sites: pd.DataFrame, offer: Offer, ctx: EvaluationBaseline
) -> pd.DataFrame:
    """Effect on the territory of closing each site of ``sites``, one at a time.

    Each closure is a scenario evaluated like ``proxisante scenario run`` (on ``ctx``): the
    official APL plus the effect of the consultations lost (exact marginal effect on the
    official world; the calibrated model's effect, with its P10–P90 range, on a calibrated
    one). A site whose GP staff is unknown and not estimated gets NaN effects (*not* 0: not
    quantified) and its ``reason``.

    Returns
    -------
    pandas.DataFrame
        ``site_id, name, commune_nom``, ``consultations`` lost and their ``basis`` (``fte``,
        ``headcount``, an estimate, or ``unknown``), the territory's ``apl_before`` and
        ``apl_after`` (``pop_standardisee``-weighted), ``delta_apl``, ``max_commune_drop``,
        ``population_newly_under``, their ranges (:func:`territory_effect`), ``reason``
        (a key of :data:`CLOSURE_REASONS`); most critical first, unquantified last.
    """
    out = []
    for s in sites.itertuples():
        res = _close([s.site_id], offer, ctx)
        ch = res.changes
        rec = {"site_id": s.site_id, "name": s.name, "commune_nom": s.commune_nom,
               "consultations": float(-ch["delta_consultations"].sum()) if len(ch) else np.nan,
               "basis": str(ch["basis"].iloc[0]) if len(ch) else "unknown"}  # fmt: skip
        effect = territory_effect(territory, res)
        reason = "" if len(ch) else "unknown_staff"
        cat = getattr(s, "category", None)  # sites_serving rows carry their category
        named_out = cat in GP_CATEGORIES and not holds_gps(cat, s.name)
        if not len(ch) and (getattr(s, "staff_basis", "unknown") in ("fte", "headcount")
                            or named_out):  # fmt: skip
            # staff published with no GP, or a dental/nursing centre: a true 0
            reason = "no_gp_staff" if not named_out else "no_gp_discipline"
            rec["consultations"] = 0.0
            before = effect["apl_before"]
            effect |= {"apl_after": before, "delta_apl": 0.0, "max_commune_drop": 0.0,
                       "population_newly_under": 0.0}  # fmt: skip
        if len(ch) and not rec["consultations"] > 0:
            reason = "no_gp_counted" if rec["basis"] == "estimé" else "no_gp_staff"
        elif len(ch) and effect["delta_apl"] == 0 and effect["max_commune_drop"] == 0:
            reason = "out_of_reach"
        rec.update(effect, reason=reason)
        out.append(rec)
    cols = ["site_id", "name", "commune_nom", "consultations", "basis", "apl_before",
            "apl_after", "delta_apl", "max_commune_drop", "population_newly_under",
            "delta_apl_low", "delta_apl_high", "population_newly_under_low",
            "population_newly_under_high", "reason"]  # fmt: skip
    df = pd.DataFrame(out, columns=cols)
    df["_known"] = df["delta_apl"].notna()
    df = df.sort_values(["_known", "population_newly_under", "delta_apl"],
                        ascending=[False, False, True], kind="stable")  # fmt: skip
    return df.drop(columns="_known").reset_index(drop=True)


def network_weight(
    territory: Territory, sites: pd.DataFrame, offer: Offer, ctx: EvaluationBaseline
) -> dict:
    """Share of the territory's accessible GP consultations that come from ``sites``.

    ``share = Σ_i P_i (APL_i − APL'_i) / Σ_i P_i APL_i`` over the territory's communes,
    ``APL'`` after closing every site of ``sites`` at once (standardised populations ``P``).
    Sites whose staff is neither known nor estimated add nothing and are counted apart.

    Returns
    -------
    dict
        ``sites`` (open sites within reach), ``sites_inside``, ``sites_staff_known``
        (staff published), ``gp_headcount_known`` (GPs stated by the sources), ``share``
        (0–1, estimated; NaN when nothing is quantified), ``delta_apl`` (weighted APL lost),
        ``method`` (French statement of how the effects were computed).
    """
    share = delta_apl = float("nan")
    method = ""
    if len(sites):
        res = _close(list(sites["site_id"]), offer, ctx)
        method = res.method
        eff = territory_effect(territory, res)
        if not np.isnan(eff["delta_apl"]) and eff["apl_before"] > 0:
            delta_apl = -eff["delta_apl"]
            share = delta_apl / eff["apl_before"]
    known = sites[sites["staff_basis"] != "unknown"]
    return {
        "sites": len(sites),
        "sites_inside": int(sites["inside"].sum()) if len(sites) else 0,
        "sites_staff_known": len(known),
        "gp_headcount_known": float(known["gp_headcount"].sum()) if len(known) else 0.0,
        "share": share,
        "delta_apl": delta_apl,
        "method": method,
    }


@dataclass
class Briefing:
    """Everything the mayor's / MP's sections show (computed here, rendered by the report)."""

    territory: Territory
    year: int
    operator: str
    comparison: pd.DataFrame
    zoning: pd.DataFrame
    retirement: dict[str, float]
    sites: pd.DataFrame
    network_sites: pd.DataFrame
    closures: pd.DataFrame
    network: dict
    sources: list[Source] = field(default_factory=list)
    #: the operator's planned sites (projects, as stated by their sources) within reach
    network_planned: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def population_year(self) -> int:
        return population_year_of_apl(self.year)


def _sources(year: int, sites: pd.DataFrame) -> list[Source]:
    return [apl_source(year), ZONING_SOURCE, FINESS_SOURCE, COMMUNES_SOURCE,
            *page_sources(sites)]  # fmt: skip


def build_briefing(
    territory: Territory, *, year: int = 2023, operator: str = "filieris",
    offer: Offer | None = None, context: EvaluationBaseline | None = None,
) -> Briefing:  # fmt: skip
    """Compute the mayor's / MP's briefing of ``territory`` (see the module docstring).

    ``context``: the national evaluation baseline (default: the scenarios' default world,
    :func:`proxisante.model.default_baseline`: the calibrated model of ``year`` when there is
    one, else the official APL on the offline travel-time estimate).
    """
    offer = offer or load_default_offer()
    ctx = context if context is not None else default_baseline(year)
    comparison = apl_comparison(territory, year)
    zoning = zoning_classes(territory, year)
    retirement = retirement_effect(territory, year)
    sites = sites_serving(territory, offer)
    # a centre whose staff no source states shows the model's estimate (« estimé »), as the
    # web editor and the criticality ranking do, not a bare « inconnu »
    sites = sites.merge(unknown_staff_fte(offer, ctx, sites), on="site_id", how="left")
    net = sites[sites["operator"].astype(str).str.lower() == operator.lower()]
    closures = closure_effects(territory, net, offer, ctx)
    network = network_weight(territory, net, offer, ctx)
    planned = sites_serving(territory, offer, status="planned")
    planned = planned[planned["operator"].astype(str).str.lower() == operator.lower()]
    sources = _sources(year, pd.concat([net, planned], ignore_index=True))
    return Briefing(territory, year, operator, comparison, zoning, retirement, sites, net,
                    closures, network, sources, planned.reset_index(drop=True))  # fmt: skip
