"""How the plan moves when costs, revenue or activity are 20 % off (one at a time).

Each variant re-optimises the plan (greedy, then the MILP warm-started from it) on the same
territory, baselines, budgets and hiring capacities, with one group of parameters scaled:

- **cost**: every employer cost per FTE, the support staff's cost, the other activity costs,
  the running cost and the opening investment of a new centre;
- **revenue**: the G tariff and the fees per FTE of the other professions (the fixed
  payments follow, being a share of the fees);
- **activity**: the consultations of a salaried GP FTE — both its fees and its effect on the
  APL, which is proportional to the consultations a hire adds (the marginal-effect identity
  of ``docs/methods.md``).

A row per variant gives the final-year under-served inhabitants (zoning APL and projected
access), the FTE added, the cumulated net cost and the year the budget first binds
(:func:`proxisante.plan.cog.binding_constraints`).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from proxisante.errors import InfeasiblePlanError
from proxisante.plan.compare import under_threshold
from proxisante.plan.costs import site_year_costs
from proxisante.plan.instance import PlanInstance
from proxisante.plan.optimise import PlanSolution, access_after, greedy, solve_milp

__all__ = ["INFEASIBLE_FR", "SENSITIVITY_GROUPS", "scaled_instance", "sensitivity_table"]

#: Parameters each group scales (names of :class:`~proxisante.plan.PlanAssumptions`).
SENSITIVITY_GROUPS: dict[str, tuple[str, ...]] = {
    "cost": ("gp_fte_eur_per_year", "nurse_fte_eur_per_year", "support_staff_eur_per_fte",
             "support_eur_per_fte", "site_eur_per_year", "opening_eur"),
    "revenue": ("gp_tariff_eur", "nurse_fees_eur_per_fte"),
    "activity": ("salaried_gp_consultations_per_fte",),
}  # fmt: skip
#: What the table says of a variant no plan can meet (its imposed replacements and the
#: centres already open cost more than the budget of some year).
INFEASIBLE_FR = "infaisable : le budget ne couvre pas les engagements d'une année"
_GROUP_FR = {"cost": "coûts", "revenue": "recettes", "activity": "activité des médecins"}


def scaled_instance(inst: PlanInstance, group: str, factor: float) -> PlanInstance:
    """``inst`` with the parameters of ``group`` multiplied by ``factor`` (see module)."""
    a = inst.assumptions
    values = {name: getattr(a, name) * factor for name in SENSITIVITY_GROUPS[group]}
    other = {k: v * factor for k, v in a.other.items()
             if (group == "cost" and k.endswith("_fte_eur_per_year"))
             or (group == "revenue" and k.endswith("_fees_eur_per_fte"))}  # fmt: skip
    scaled = replace(a.with_overrides(values, origin="sensitivity"),
                     other={**a.other, **other})  # fmt: skip
    blocks = inst.blocks
    if group == "activity":  # a GP hire's effect is proportional to its consultations
        blocks = [replace(b, effect_per_fte=b.effect_per_fte * factor,
                          member_effects=tuple(m * factor for m in b.member_effects))
                  if b.profession == "gp" else b for b in blocks]  # fmt: skip
    return replace(inst, assumptions=scaled, blocks=blocks)


def _first_budget_year(inst: PlanInstance, sol: PlanSolution) -> str:
    # deferred: import cycle (plan.cog imports this module at its top)
    from proxisante.plan.cog import BUDGET_BINDS, binding_constraints

    years = [y for y, b in zip(inst.years, binding_constraints(inst, sol), strict=True)
             if BUDGET_BINDS in b]  # fmt: skip
    return str(years[0]) if years else "jamais"


def sensitivity_table(
    inst: PlanInstance,
    base: PlanSolution,
    *,
    objective: str = "deficit",
    time_limit_s: float = 20.0,
    factor: float = 0.2,
) -> pd.DataFrame:
    """French table: the base plan, then cost, revenue and activity at −/+ ``factor``.

    ``base``: the plan already solved on ``inst`` (first row, not re-solved).
    """
    cases: list[tuple[str, PlanInstance, PlanSolution | None]] = [("plan de base", inst, base)]
    for group in SENSITIVITY_GROUPS:
        for sign in (-1, 1):
            label = f"{_GROUP_FR[group]} {'−' if sign < 0 else '+'}{factor:.0%}".replace("%", " %")
            cases.append((label, scaled_instance(inst, group, 1 + sign * factor), None))
    rows = []
    for label, variant, sol in cases:
        if sol is None:
            try:
                g = greedy(variant, objective)  # type: ignore[arg-type]
                sol = solve_milp(variant, objective, time_limit_s=time_limit_s,  # type: ignore[arg-type]
                                 warm_start=g)  # fmt: skip
            except InfeasiblePlanError:  # said in the table, not raised
                rows.append({"variante": label, "budget limitant dès": INFEASIBLE_FR})
                continue
        money = site_year_costs(variant, sol.fte, sol.open)
        row: dict = {"variante": label}
        if "gp" in variant.professions:
            i = variant.professions.index("gp")
            b = variant.blocks[i]
            gain = access_after(variant, sol.fte, -1)[i] - b.baseline[:, -1]
            zb = b.zoning_baseline if b.zoning_baseline is not None else b.baseline
            row[f"habitants sous 2,5 (APL zonage) {variant.years[-1]} avec le plan"] = (
                under_threshold(variant.population, zb[:, -1] + gain, b.threshold)
            )
            row[f"habitants sous 2,5 (accès projeté) {variant.years[-1]} avec le plan"] = (
                under_threshold(variant.population, b.baseline[:, -1] + gain, b.threshold)
            )
        row["ETP ajoutés (cumul)"] = float(sol.fte[:, :, -1].sum())
        row["coût net cumulé (€)"] = float(money["net_eur"].sum())
        row["budget limitant dès"] = _first_budget_year(variant, sol)
        row["écart d'optimalité prouvé"] = float(sol.gap)
        rows.append(row)
    return pd.DataFrame(rows)
