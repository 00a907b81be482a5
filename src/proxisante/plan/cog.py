"""The multi-year contract plan (COG): where and who each year, money, indicators.

Built from the optimisation of :mod:`proxisante.plan.optimise` over the contract period
(default 2025-2028). Per year: hires by profession and site (commune name, existing centre or
new one), openings, gross cost / income / net cost (:mod:`proxisante.plan.costs`), and the
indicators with the plan against the "sans COG" baseline (hiring freeze, departures not
replaced: :mod:`proxisante.plan.freeze`) and against today (official APL of the baseline
year): mean access (weighted by population), population and communes under the threshold.
Budget scenarios (freeze / flat / growth) are compared side by side by
:func:`budget_scenarios`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from proxisante import _fr as fr
from proxisante import bounds
from proxisante._output import check_output, write_output
from proxisante.errors import InputError
from proxisante.offer import SsiadCoverage
from proxisante.plan.assumptions import PROFESSION_FR, SHORT_FR
from proxisante.plan.compare import served_communes, versus_no_cog
from proxisante.plan.costs import cost_coefficients, replacements, site_year_costs, year_net_cost
from proxisante.plan.instance import HOME_CARE_UNIT, PlanInstance
from proxisante.plan.optimise import (
    Objective,
    PlanSolution,
    access_after,
    access_after_worlds,
    greedy,
    solve_milp,
)
from proxisante.plan.sensitivity import sensitivity_table
from proxisante.sources import (
    COMMUNES_SOURCE,
    FINESS_SOURCE,
    MEMBERSHIP_SOURCE,
    ZONING_SOURCE,
    apl_source,
    sources_frame,
)

__all__ = [
    "DEFAULT_BUDGET_BASIS_FR",
    "DEFAULT_BUDGET_EUR",
    "OBJECTIVE_UNITS_FR",
    "PROFESSION_FR",
    "CogPlan",
    "binding_constraints",
    "budget_label",
    "budget_scenarios",
    "build_cog_plan",
    "comparison_sentence",
    "default_budgets",
    "mean_label",
    "range_notes",
    "sensitivity_note",
    "sources_table",
    "threshold_fr",
    "write_xlsx",
]

#: Net budget of a COG plan when none is given: no published figure (the 2025-2028 COG is
#: not signed), so it is a labelled « hypothèse » and the budget scenarios show its weight.
DEFAULT_BUDGET_EUR = 6e5
DEFAULT_BUDGET_BASIS_FR = (
    "hypothèse : 600 000 € nets par an par défaut, sans source publiée (la COG 2025-2028 "
    "n'est pas signée) ; à remplacer par --budget ; les scénarios gel / constant / croissance "
    "montrent son influence"
)


def default_budgets(
    from_year: int, to_year: int, *, where: str = "--from/--to"
) -> dict[int, float]:
    """The default net budget (:data:`DEFAULT_BUDGET_EUR`) of every year ``from_year`` …
    ``to_year``, the years checked (bounds ``year`` and ``plan_years``).

    Raises
    ------
    InputError
        A year out of bounds, ``to_year`` before ``from_year`` or too many years.
    """
    bounds.check("year", from_year, where=where)
    bounds.check("year", to_year, where=where)
    if to_year < from_year:
        msg = f"{where}: the last year {to_year} is before the first year {from_year}"
        raise InputError(msg)
    bounds.check("plan_years", to_year - from_year + 1, where=where)
    return {y: DEFAULT_BUDGET_EUR for y in range(from_year, to_year + 1)}


NO_AGE_DATA = "non disponible (populations par âge non chargées)"

#: What each objective's value measures, and which way is better (French).
OBJECTIVE_UNITS_FR = {
    "deficit": ("déficit cumulé sous le seuil, en habitants × part du seuil manquante, "
                "sommé sur les années et les professions", "plus bas = meilleur"),
    "lifted": ("habitants passés au-dessus du seuil, sommés sur les années et les professions",
               "plus haut = meilleur"),
    "equity": ("accès minimal rapporté au seuil, sommé sur les années et les professions",
               "plus haut = meilleur"),
}  # fmt: skip


def threshold_fr(block) -> str:
    """The block's threshold as shown in French labels (3 significant digits)."""
    return f"{block.threshold:.3g}".replace(".", ",")


def mean_label(block) -> str:
    """French label of the block's mean access (its unit in words)."""
    if block.profession == "gp":
        return "APL moyenne"
    if block.unit_en == HOME_CARE_UNIT:  # the measure's key, never a French label
        return "infirmiers pour 1 000 habitants de 75 ans+ (moyenne)"
    return f"accès moyen {SHORT_FR[block.profession]} (ETP/100 000)"


def comparison_sentence(objective: Objective, milp: PlanSolution, greedy_sol: PlanSolution) -> str:
    """One French sentence: MILP vs greedy with the unit and the direction of better."""
    unit, better = OBJECTIVE_UNITS_FR[objective]
    m, g = milp.objective, greedy_sol.objective
    rel = (g - m) / abs(m) if m else 0.0
    digits = 2 if objective == "equity" else 0
    return (
        f"Objectif « {objective} » ({unit} ; {better}) : solution exacte (HiGHS) "
        f"{fr.fmt_dec(m, digits)}, écart d'optimalité prouvé {fr.fmt_pct(milp.gap, 2)} ; "
        f"heuristique gloutonne {fr.fmt_dec(g, digits)} ({'+' if rel >= 0 else '−'}"
        f"{fr.fmt_pct(abs(rel), 1)} par rapport à la solution exacte)."
    )


@dataclass
class CogPlan:
    """A multi-year plan: per-year summary, where-and-who detail, money, assumptions."""

    instance: PlanInstance
    solution: PlanSolution
    greedy: PlanSolution
    objective: Objective
    summary: pd.DataFrame
    detail: pd.DataFrame
    assumptions: pd.DataFrame
    communes: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    ssiad_text: str = ""
    #: plan against the world without a COG, per year (:func:`proxisante.plan.compare.
    #: versus_no_cog`)
    versus: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: communes reached by each site's hires (:func:`proxisante.plan.compare.served_communes`)
    served: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: ±20 % on cost, revenue and activity (:func:`proxisante.plan.sensitivity.
    #: sensitivity_table`); empty when not asked
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def comparison(self) -> str:
        return comparison_sentence(self.objective, self.solution, self.greedy)


BUDGET_BINDS = "budget"
HIRES_BIND = "capacité de recrutement"
NONE_BINDS = "aucune (plus d'ETP utile ou capacité des sites atteinte)"


def binding_constraints(inst: PlanInstance, sol: PlanSolution) -> list[str]:
    """Per plan year, the constraint that stops the plan from doing more (French label).

    The budget binds when what is left of the year's net budget cannot pay one more step
    of FTE of the cheapest profession at an existing centre (or a new centre with its
    minimum team, when there is no existing centre); the hiring capacity binds when less
    than one step of FTE is left to hire. Both can bind; neither binds when the plan stops
    because no more FTE improves the objective or the sites are full.
    """
    repl = replacements(inst)
    a = inst.assumptions
    c = cost_coefficients(inst)
    step_cost = float(c["now"].min()) * a.fte_step
    if not inst.existing.any():
        step_cost += a.opening_eur + a.site_eur_per_year
    prev = np.zeros(sol.fte.shape[:2])
    open_prev = inst.existing.astype(float)
    out = []
    for t in range(len(inst.years)):
        spent = year_net_cost(inst, sol.fte[:, :, t], prev, sol.open[:, t], open_prev, t)
        hired = float((sol.fte[:, :, t] - prev).sum() - repl[:, :, t].sum())
        binds = []
        if inst.budget_eur[t] - spent < step_cost - 1e-6:
            binds.append(BUDGET_BINDS)
        if inst.hires_fte[t] - hired < a.fte_step - 1e-9:
            binds.append(HIRES_BIND)
        out.append(" et ".join(binds) or NONE_BINDS)
        prev, open_prev = sol.fte[:, :, t], sol.open[:, t]
    return out


def budget_label(inst: PlanInstance) -> str:
    """French header of the net budget, marked « hypothèse » when it is the default."""
    return "budget net (€, hypothèse)" if inst.budget_basis_fr else "budget net (€)"


def _kpis(inst: PlanInstance, access: list[np.ndarray], w: np.ndarray, tag: str) -> dict:
    out = {}
    for b, acc in zip(inst.blocks, access, strict=True):
        th = threshold_fr(b)
        short = SHORT_FR[b.profession]
        mean = mean_label(b)
        out[f"{mean} {tag}"] = float((acc * w).sum() / w.sum())
        out[f"habitants sous {th} ({short}) {tag}"] = float(
            inst.population[acc < b.threshold].sum()
        )
        out[f"communes sous {th} ({short}) {tag}"] = int((acc < b.threshold).sum())
    return out


def build_cog_plan(
    inst: PlanInstance,
    *,
    objective: Objective = "deficit",
    time_limit_s: float = 60.0,
    pop_standardisee: np.ndarray | None = None,
    ssiad: SsiadCoverage | None = None,
    sensitivity: bool = False,
) -> CogPlan:
    """Optimise over the period and tabulate the plan year by year.

    ``ssiad``: the territory's SSIAD places per 1,000 inhabitants aged 75+
    (:func:`proxisante.offer.ssiad_coverage`); the plan adds no places, so the value is the
    same every year. Without it the indicator is reported as not available.
    ``sensitivity``: also re-optimise with cost, revenue and activity at ±20 %
    (:mod:`proxisante.plan.sensitivity`, a third of ``time_limit_s`` each).
    """
    g = greedy(inst, objective)
    sol = solve_milp(inst, objective, time_limit_s=time_limit_s, warm_start=g)
    if not np.isfinite(sol.objective):
        msg = "the optimisation returned no finite objective"
        raise InputError(msg)
    plan = tabulate(inst, sol, g, objective, pop_standardisee=pop_standardisee, ssiad=ssiad)
    if sensitivity:
        plan.sensitivity = sensitivity_table(inst, sol, objective=objective,
                                             time_limit_s=max(time_limit_s / 3, 1.0))  # fmt: skip
        plan.notes.append(sensitivity_note(plan.sensitivity))
    return plan


def sensitivity_note(table: pd.DataFrame) -> str:
    """French sentence: in which variants and from which year the budget binds."""
    first = dict(zip(table["variante"], table["budget limitant dès"], strict=True))
    base = first.pop("plan de base")
    binds = [f"{k} : {v}" for k, v in first.items()]
    return ("Le budget limite le plan de base " + ("dès " + base if base != "jamais" else
            "à aucune année") + " ; variantes (première année où le budget limite) : "
            + " ; ".join(binds) + ".")  # fmt: skip


def tabulate(inst, sol, g, objective, *, pop_standardisee=None, ssiad=None) -> CogPlan:
    """The tables of a solved plan (see :class:`CogPlan`)."""
    if ssiad is None:
        ssiad_value: float | str = NO_AGE_DATA
        ssiad_text = NO_AGE_DATA
    else:
        ssiad_value = round(ssiad.per_1000, 1) if ssiad.available else ssiad.text_fr()
        ssiad_text = ssiad.text_fr()
    w = inst.population if pop_standardisee is None else pop_standardisee
    money = site_year_costs(inst, sol.fte, sol.open)
    by_year = money.groupby("year")[["gross_eur", "income_eur", "net_eur"]].sum()
    new = ~inst.existing
    open_prev = np.concatenate([inst.existing[:, None].astype(float), sol.open[:, :-1]], axis=1)
    prev = np.concatenate([np.zeros((*sol.fte.shape[:2], 1)), sol.fte[:, :, :-1]], axis=2)
    rows = []
    binds = binding_constraints(inst, sol)
    for t, year in enumerate(inst.years):
        r: dict = {"année": year}
        for i, p in enumerate(inst.professions):
            r[f"recrutements {SHORT_FR[p]} (ETP)"] = float((sol.fte[i, :, t] - prev[i, :, t]).sum())
        for i, p in enumerate(inst.professions):
            r[f"ETP {SHORT_FR[p]} ajoutés (cumul)"] = float(sol.fte[i, :, t].sum())
        r["ouvertures de l'année"] = int(((sol.open[:, t] - open_prev[:, t]) > 0.5)[new].sum())
        r["nouveaux centres ouverts (cumul)"] = int(sol.open[new, t].sum())
        r["coût brut (€)"] = float(by_year["gross_eur"].get(year, 0.0))
        r["recettes (€)"] = float(by_year["income_eur"].get(year, 0.0))
        r["coût net (€)"] = float(by_year["net_eur"].get(year, 0.0))
        r[budget_label(inst)] = float(inst.budget_eur[t])
        r["contrainte limitante"] = binds[t]
        r |= _kpis(inst, access_after(inst, sol.fte, t), w, "avec le plan")
        r |= _kpis(inst, [b.baseline[:, t] for b in inst.blocks], w, "sans COG")
        for b in inst.blocks:
            r[f"départs non remplacés {SHORT_FR[b.profession]} sans COG (ETP, cumul)"] = float(
                b.lost_fte[t]
            )
        r["places de SSIAD pour 1 000 habitants de 75 ans et plus"] = ssiad_value
        rows.append(r)
    summary = pd.DataFrame(rows)
    today = _kpis(inst, [b.today for b in inst.blocks], w, "aujourd'hui")
    detail = _detail(inst, sol, money)
    final = access_after(inst, sol.fte, -1)
    communes = pd.DataFrame({"code_insee": inst.codes, "commune": inst.names,
                             "population": inst.population})  # fmt: skip
    for b, acc in zip(inst.blocks, final, strict=True):
        short = SHORT_FR[b.profession]
        communes[f"accès {short} aujourd'hui"] = b.today
        communes[f"accès {short} {inst.years[-1]} sans COG"] = b.baseline[:, -1]
        communes[f"accès {short} {inst.years[-1]} avec le plan"] = acc
    notes = list(inst.notes)
    suffix = " aujourd'hui"
    today_txt = " ; ".join(f"{k.removesuffix(suffix)} {_fmt(v)}" for k, v in today.items())
    notes.append(f"Aujourd'hui : {today_txt}.")
    for b in inst.blocks:
        notes.append(f"Sans COG ({SHORT_FR[b.profession]}) : {b.lost_basis} ; "
                     f"{b.lost_fte[-1]:.1f} ETP perdus en {inst.years[-1]}.".replace(".", ",", 1)
                     if b.lost_fte[-1] else
                     f"Sans COG ({SHORT_FR[b.profession]}) : aucun effectif connu de l'opérateur "
                     "dans le territoire, pas de départ calculé.")  # fmt: skip
    notes.extend(range_notes(inst, sol, w))
    for b in inst.blocks:
        if b.profession != "gp":
            notes.append(f"Mesure {SHORT_FR[b.profession]} : {b.unit_fr} ; seuil de sous-dotation "
                         f"{threshold_fr(b)} ({b.threshold_source}).")  # fmt: skip
    notes.append(
        "Coûts nets = coûts bruts (salaires, fonctionnement, investissements) − "
        "recettes (honoraires et forfaits) des seuls recrutements du plan."
    )
    if inst.budget_basis_fr:
        notes.append(f"Budget net annuel : {inst.budget_basis_fr}")
    notes.append("Contrainte limitante par année : " + " ; ".join(
        f"{y} : {b}" for y, b in zip(inst.years, binds, strict=True)) + ".")  # fmt: skip
    return CogPlan(inst, sol, g, objective, summary, detail, sources_table(inst), communes,
                   notes, ssiad_text, versus=versus_no_cog(inst, sol),
                   served=served_communes(inst, sol))  # fmt: skip


def sources_table(inst: PlanInstance) -> pd.DataFrame:
    """The « Sources et hypothèses » table: the budget, every assumption, the world's rows."""
    table = inst.assumptions.table(professions=tuple(inst.professions))
    budget_row = pd.DataFrame([{
        "hypothèse": "budget net annuel du plan", "valeur": float(inst.budget_eur[0]),
        "unité": "€/an", "statut": "hypothèse" if inst.budget_basis_fr else "valeur utilisateur",
        "source": inst.budget_basis_fr or "fourni par l'utilisateur (--budget)",
    }])  # fmt: skip
    return pd.concat([budget_row, table, pd.DataFrame(inst.sources, columns=table.columns)],
                     ignore_index=True).fillna({"fourchette": ""})  # fmt: skip


def range_notes(inst: PlanInstance, sol: PlanSolution, w: np.ndarray) -> list[str]:
    """French notes: the last year's indicators with the plan, P10–P90 over the calibrated
    model's ensemble (the hires' effects in each member's catchments), when there is one."""
    out = []
    for b, worlds in zip(inst.blocks, access_after_worlds(inst, sol.fte, -1), strict=True):
        if len(worlds) < 2:
            continue
        means = np.array([(acc * w).sum() / w.sum() for acc in worlds])
        under = np.array([inst.population[acc < b.threshold].sum() for acc in worlds])
        lo_m, hi_m = np.percentile(means, [10, 90])
        lo_u, hi_u = np.percentile(under, [10, 90])
        out.append(
            f"Fourchette des effets du plan ({SHORT_FR[b.profession]}, {inst.years[-1]}, estimé) "
            f"sur le modèle calibré et les {len(worlds) - 1} membres de son ensemble : "
            f"{mean_label(b)} avec le plan {fr.fmt_dec(means[0], 2)} (P10–P90 "
            f"{fr.fmt_dec(lo_m, 2)}–{fr.fmt_dec(hi_m, 2)}) ; habitants sous "
            f"{threshold_fr(b)} {fr.fmt_int(under[0])} (P10–P90 {fr.fmt_int(lo_u)}–"
            f"{fr.fmt_int(hi_u)}) ; les départs sans COG sont ceux du modèle central."
        )
    return out


def _fmt(v) -> str:
    return fr.fmt_int(v) if isinstance(v, int) or abs(v) >= 100 else fr.fmt_dec(v, 2)


def _detail(inst: PlanInstance, sol: PlanSolution, money: pd.DataFrame) -> pd.DataFrame:
    """Where and who, per year: one French row per site with hires or an opening."""
    t = sol.table(inst)
    t = t.merge(money, on=["candidate_id", "year"], how="left").fillna(
        {c: 0.0 for c in money.columns if c.endswith("_eur")}
    )
    out = pd.DataFrame({
        "année": t["year"],
        "code commune": t["commune"],
        "commune": t["name"],
        "site": np.where(t["existing"], t["site_name"],
                         np.where(t["site_name"] != "", t["site_name"] + " (projet)",
                                  "nouveau centre")),
        "centre existant": np.where(t["existing"], "Oui", "Non"),
        "ouverture cette année": np.where(t["opens"], "Oui", "Non"),
    })  # fmt: skip
    if "gp_fte_today" in inst.candidates.columns:  # the site's GPs before the plan, and whence
        staff = inst.candidates.set_index("candidate_id").loc[t["candidate_id"]]
        out["médecins avant le plan (ETP)"] = staff["gp_fte_today"].to_numpy(dtype=float)
        out["source de l'effectif"] = staff["gp_staff_basis"].to_numpy()
    floor = inst.min_fte
    floor_prev = np.concatenate([np.zeros((*floor.shape[:2], 1)), floor[:, :, :-1]], axis=2)
    k_of = pd.Series(np.arange(inst.n_candidates), index=inst.candidates["candidate_id"])
    k = k_of.loc[t["candidate_id"]].to_numpy()
    ti = np.searchsorted(inst.years, t["year"].to_numpy())
    for i, p in enumerate(inst.professions):
        out[f"recrutements {SHORT_FR[p]} (ETP)"] = t[f"fte_hired_{p}"].to_numpy()
        out[f"dont remplacements de départs {SHORT_FR[p]} (ETP)"] = (
            floor[i, k, ti] - floor_prev[i, k, ti]
        )
        out[f"ETP {SHORT_FR[p]} ajoutés (cumul)"] = t[f"fte_total_{p}"].to_numpy()
    out["coût brut (€)"] = t["gross_eur"].to_numpy()
    out["recettes (€)"] = t["income_eur"].to_numpy()
    out["coût net (€)"] = t["net_eur"].to_numpy()
    return out


def budget_scenarios(
    inst: PlanInstance,
    *,
    objective: Objective = "deficit",
    time_limit_s: float = 60.0,
    growth_per_year: float | None = None,
    plan: CogPlan | None = None,
) -> pd.DataFrame:
    """Freeze / flat / growth budgets side by side (French table, one column per scenario).

    ``flat`` is ``inst``'s budget and hiring capacity of its first year every year,
    ``growth`` raises the budget by ``growth_per_year`` (default: the assumption
    ``budget_growth_per_year``) each year and the hiring capacity by that growth times the
    assumption ``growth_hires_elasticity`` (1: capacity proportional to the budget; without
    it the capacity binds first and growth equals flat), ``gel`` (freeze) hires nobody: the
    "sans COG" baseline. Rows: final-year indicators, hires, openings, cumulative gross /
    income / net cost, budget and hiring capacity, and the constraint that binds each year
    (:func:`binding_constraints`). ``plan``: the plan already solved on ``inst`` (reused for
    the scenario with the same budget and capacity).
    """
    a = inst.assumptions
    g = a.budget_growth_per_year if growth_per_year is None else growth_per_year
    b0 = float(inst.budget_eur[0])
    h0 = float(inst.hires_fte[0])
    n = len(inst.years)
    growth = (1 + g) ** np.arange(n)
    # the growth scenario also raises the hiring capacity (assumption growth_hires_elasticity)
    hires_growth = h0 * (1 + g * a.growth_hires_elasticity) ** np.arange(n)
    tag = ", hypothèse" if inst.budget_basis_fr else ""
    cases = {
        "gel des embauches (sans COG)": (None, None),
        f"budget constant ({fr.fmt_int(b0)} €/an{tag})": (
            np.full(n, b0), np.full(n, h0)),
        f"croissance (+{g:.0%}/an)".replace("%", " %"): (b0 * growth, hires_growth),
    }  # fmt: skip
    cols = {}
    for name, (budget, hires) in cases.items():
        variant = inst  # the frozen case, and the plan's own budgets
        if budget is None or hires is None:
            fte = np.zeros((len(inst.blocks), inst.n_candidates, n))
            opened = np.tile(inst.existing[:, None].astype(float), (1, n))
            sol = PlanSolution(fte, opened, 0.0, "none")
        elif (plan is not None and np.allclose(budget, inst.budget_eur)
              and np.allclose(hires, inst.hires_fte)):  # fmt: skip
            variant = replace(inst, budget_eur=budget, hires_fte=hires)
            sol = plan.solution
        else:
            variant = replace(inst, budget_eur=budget, hires_fte=hires)
            gr = greedy(variant, objective)
            sol = solve_milp(variant, objective, time_limit_s=time_limit_s, warm_start=gr)
        money = site_year_costs(inst, sol.fte, sol.open)
        col = _kpis(inst, access_after(inst, sol.fte, -1), inst.population, "")
        col = {k.strip() + f" ({inst.years[-1]})": v for k, v in col.items()}
        for i, p in enumerate(inst.professions):
            col[f"ETP {SHORT_FR[p]} recrutés {inst.years[0]}-{inst.years[-1]}"] = float(
                sol.fte[i, :, -1].sum()
            )
        col["nouveaux centres"] = int(sol.open[~inst.existing, -1].sum())
        col["coût brut cumulé (€)"] = float(money["gross_eur"].sum())
        col["recettes cumulées (€)"] = float(money["income_eur"].sum())
        col["coût net cumulé (€)"] = float(money["net_eur"].sum())
        col["budget net cumulé (€)"] = 0.0 if budget is None else float(np.sum(budget))
        col["capacité de recrutement cumulée (ETP)"] = (
            0.0 if hires is None else float(np.sum(hires))
        )
        col["contrainte limitante par année"] = (
            "gel : aucun recrutement" if budget is None else " ; ".join(
                f"{y} : {b}" for y, b in zip(inst.years, binding_constraints(variant, sol),
                                             strict=True))
        )  # fmt: skip
        cols[name] = col
    return pd.DataFrame(cols)


def _rounded(value: object, digits: int) -> object:
    """A float of a sheet rounded to ``digits`` (whole euros and inhabitants, 3 decimals
    otherwise); anything else unchanged."""
    if isinstance(value, float) and value == value and not isinstance(value, bool):
        return round(value, digits) + 0.0 if digits else float(round(value))
    return value


def plan_sources() -> list:
    """The datasets a plan uses (the workbook's « Sources » sheet)."""
    return [apl_source(2023), ZONING_SOURCE, FINESS_SOURCE, MEMBERSHIP_SOURCE, COMMUNES_SOURCE]


def write_xlsx(plan: CogPlan, path: str | Path, scenarios: pd.DataFrame | None = None, *,
               option: str = "--out") -> Path:  # fmt: skip
    """French workbook: synthèse, one sheet per year (where and who), communes, scenarios,
    sources et hypothèses; written whole or not at all
    (:func:`proxisante._output.write_output`)."""
    # deferred: openpyxl takes 0.25 s to import; only the Excel export needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        msg = f"output must be an .xlsx file; got '{path.name}'"
        raise InputError(msg)
    check_output(path, option=option)
    wb = Workbook()
    ws = wb.active
    ws.title = "Synthèse"

    def put(sheet, df: pd.DataFrame, *, index: str | None = None) -> None:
        if index is not None:
            df = df.reset_index(names=index)
        sheet.append(list(df.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        digits = [0 if "(€)" in str(c) or "habitants" in str(c) else 3 for c in df.columns]
        for row in df.itertuples(index=False):  # rounded for people (no 2.061346867785548)
            sheet.append([_rounded(v.item() if hasattr(v, "item") else v, d)
                          for v, d in zip(row, digits, strict=True)])  # fmt: skip
        for col in sheet.columns:
            width = max(len(str(c.value or "")) for c in col)
            sheet.column_dimensions[col[0].column_letter].width = min(max(width + 2, 10), 60)
            header = str(col[0].value or "")
            fmt = "#,##0" if "(€)" in header or "habitants" in header else None
            if fmt:
                for c in col[1:]:
                    c.number_format = fmt
        sheet.freeze_panes = "A2"

    put(ws, plan.summary)
    for year in plan.instance.years:
        put(wb.create_sheet(f"Plan {year}"), plan.detail[plan.detail["année"] == year])
    if not plan.versus.empty:
        put(wb.create_sheet("Plan et sans COG"), plan.versus)
    if not plan.served.empty:
        put(wb.create_sheet("Communes desservies"), plan.served)
    put(wb.create_sheet("Communes"), plan.communes)
    if scenarios is not None:
        put(wb.create_sheet("Scénarios budgétaires"), scenarios, index="indicateur")
    if not plan.sensitivity.empty:
        put(wb.create_sheet("Sensibilité"), plan.sensitivity)
    put(wb.create_sheet("Sources et hypothèses"), plan.assumptions)
    put(wb.create_sheet("Sources"), sources_frame(plan_sources()))
    notes = wb.create_sheet("Notes")
    notes.append(["note"])
    notes["A1"].font = Font(bold=True)
    for n in [plan.comparison, *plan.notes]:
        notes.append([n])
    notes.column_dimensions["A"].width = 120
    return write_output(path, wb.save, option=option)
