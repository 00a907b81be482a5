"""CLI: ``proxisante plan optimise|cog``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante.cli._common import StoreOption, console, user_errors, workspace
from proxisante.cli.territory_cmd import TerritoryOption
from proxisante.errors import InputError

plan_app = typer.Typer(
    help="Where to recruit and open centres under multi-year budgets; COG plan.",
    no_args_is_help=True,
)


def _budgets(text: str) -> dict[int, float]:
    out: dict[int, float] = {}
    for part in text.split(","):
        year, sep, value = part.partition("=")
        try:
            out[int(year)] = float(value)
        except ValueError:
            msg = f"--budget part '{part}' is not YEAR=EUROS (e.g. 2025=3.2e6,2026=3.4e6)"
            raise InputError(msg) from None
        if not sep:
            msg = f"--budget part '{part}' is not YEAR=EUROS"
            raise InputError(msg)
    return out


def _instance(
    territory, budget, hires, candidates, max_fte, gp_cost, opening_cost, site_cost,
    max_candidates, store=None, retirement_age=67, profession="gp", supply=None, threshold=None,
    fte_cost=None,
):  # fmt: skip
    from proxisante.plan import CostParameters

    other = {} if fte_cost is None or profession == "gp" else {profession: fte_cost}
    costs = CostParameters(
        gp_fte_eur_per_year=gp_cost if fte_cost is None or profession != "gp" else fte_cost,
        opening_eur=opening_cost, site_eur_per_year=site_cost, fte_eur_per_year=other,
    )  # fmt: skip
    cands = [c.strip() for c in candidates.split(",")] if candidates else None
    return workspace(store).plan_instance(
        territory, budgets_eur=_budgets(budget), hires_fte=hires, candidates=cands,
        max_fte_per_site=max_fte, costs=costs, max_candidates=max_candidates,
        profession=profession, supply_file=supply, threshold=threshold,
        retirement_age=retirement_age,
    )  # fmt: skip


Budget = Annotated[str, typer.Option(help="YEAR=EUROS,… e.g. 2025=3.2e6,2026=3.4e6")]
Hires = Annotated[float, typer.Option(help="Hiring capacity per year (FTE)")]
Cands = Annotated[
    str | None, typer.Option(help="Candidate communes (INSEE codes, comma-separated)")
]
MaxFte = Annotated[int, typer.Option(help="Maximum FTE added per site")]
GpCost = Annotated[float, typer.Option(help="€/year per GP FTE (assumption by default)")]
OpenCost = Annotated[float, typer.Option(help="€ to open a centre (assumption by default)")]
SiteCost = Annotated[float, typer.Option(help="€/year to run a new centre (assumption by default)")]
MaxCand = Annotated[
    int | None, typer.Option(help="Keep the N most populated communes as candidates")
]


Objective = Annotated[str, typer.Option(help="deficit | lifted | equity")]
Profession = Annotated[
    str, typer.Option(help="gp (APL) | nurse | physiotherapist | midwife | dentist | …")
]
Supply = Annotated[
    Path | None,
    typer.Option(help="Other professions: CSV commune,fte[,profession] of every commune"),
]
Threshold = Annotated[
    float | None,
    typer.Option(help="Under-served level (default 2.5 APL for GPs; required otherwise, "
                 "FTE per 100,000 standardised inhabitants)"),
]  # fmt: skip
FteCost = Annotated[
    float | None, typer.Option(help="€ per FTE per year of the profession (required for non-GPs)")
]
RetirementAge = Annotated[int, typer.Option(help="Age at which GPs with a known birth year retire")]
TimeLimit = Annotated[float, typer.Option(help="Solver time limit, seconds")]


@plan_app.command("optimise")
@user_errors
def optimise(
    territory: TerritoryOption,
    budget: Budget,
    objective: Objective = "deficit",
    hires: Hires = 10,
    candidates: Cands = None,
    max_fte: MaxFte = 6,
    gp_cost: GpCost = 130_000,
    opening_cost: OpenCost = 300_000,
    site_cost: SiteCost = 80_000,
    max_candidates: MaxCand = 300,
    retirement_age: RetirementAge = 67,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    csv: Annotated[Path | None, typer.Option(help="Write the plan (CSV)")] = None,
    profession: Profession = "gp",
    supply: Supply = None,
    threshold: Threshold = None,
    fte_cost: FteCost = None,
) -> None:
    """Optimise where to add FTE and open centres (exact MILP with HiGHS, greedy baseline)."""
    from proxisante.plan import greedy, solve_milp

    inst = _instance(
        territory, budget, hires, candidates, max_fte, gp_cost, opening_cost, site_cost,
        max_candidates, store, retirement_age, profession, supply, threshold, fte_cost,
    )  # fmt: skip
    with console.status(f"Optimising ({objective}, {inst.n_candidates} candidates)…"):
        g = greedy(inst, objective)
        sol = solve_milp(inst, objective, time_limit_s=time_limit, warm_start=g)
    unit = "APL" if profession == "gp" else "FTE per 100k standardised inhabitants"
    console.print(
        f"{profession}, access in {unit}, threshold {inst.threshold:g}; objective {objective}: "
        f"MILP {sol.objective:,.1f} (gap {sol.gap:.2%}, {sol.status}, {sol.seconds:.1f} s); "
        f"greedy {g.objective:,.1f}"
    )
    table = sol.table(inst)
    t = Table("year", "candidate", "commune", "FTE total", "hired", "new centre")
    for r in table.itertuples():
        t.add_row(
            str(r.year),
            r.candidate_id,
            r.commune,
            f"{r.fte_total:g}",
            f"{r.fte_hired:g}",
            "yes" if (r.open and not r.existing) else "",
        )
    console.print(t)
    if csv is not None:
        table.to_csv(csv, index=False)
        console.print(f"wrote {csv}")


@plan_app.command("cog")
@user_errors
def cog(
    territory: TerritoryOption,
    out: Annotated[Path, typer.Option(help="xlsx file to write")] = Path("plan-cog.xlsx"),
    from_year: Annotated[int, typer.Option("--from", help="First year")] = 2025,
    to_year: Annotated[int, typer.Option("--to", help="Last year")] = 2028,
    budget_per_year: Annotated[
        float, typer.Option(help="€ per year when --budget is not given")
    ] = 3.2e6,
    budget: Annotated[
        str | None, typer.Option(help="YEAR=EUROS,… (overrides --budget-per-year)")
    ] = None,
    objective: Objective = "deficit",
    hires: Hires = 10,
    candidates: Cands = None,
    max_fte: MaxFte = 6,
    gp_cost: GpCost = 130_000,
    opening_cost: OpenCost = 300_000,
    site_cost: SiteCost = 80_000,
    max_candidates: MaxCand = 300,
    retirement_age: RetirementAge = 67,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    html: Annotated[
        Path | None, typer.Option(help="Also write the French HTML report with the plan")
    ] = None,
    profession: Profession = "gp",
    supply: Supply = None,
    threshold: Threshold = None,
    fte_cost: FteCost = None,
) -> None:
    """Multi-year contract plan (COG): hires, openings, costs and indicators per year (GPs
    against the APL by default; another profession with --profession and its supply)."""
    from proxisante.plan import build_cog_plan, write_xlsx

    if to_year < from_year:
        msg = f"--to {to_year} is before --from {from_year}"
        raise InputError(msg)
    if budget is None:
        budget = ",".join(f"{y}={budget_per_year}" for y in range(from_year, to_year + 1))
    inst = _instance(
        territory,
        budget,
        hires,
        candidates,
        max_fte,
        gp_cost,
        opening_cost,
        site_cost,
        max_candidates,
        store,
        retirement_age,
        profession,
        supply,
        threshold,
        fte_cost,
    )
    if inst.years != list(range(from_year, to_year + 1)):
        msg = f"--budget years {inst.years} do not match --from {from_year} --to {to_year}"
        raise InputError(msg)
    ws = workspace(store)
    ssiad = ws.ssiad_coverage(territory)
    with console.status("Building the plan…"):
        plan = build_cog_plan(inst, objective=objective, time_limit_s=time_limit, ssiad=ssiad)
    write_xlsx(plan, out)
    columns = ["année", "recrutements de l'année (ETP)", "coût total (€)", plan.labels.under]
    console.print(plan.summary[columns].to_string(index=False))
    console.print(f"[green]wrote[/] {out} (gap {plan.solution.gap:.2%})")
    if html is not None:
        from proxisante.report import build_territory_report, plan_section, write_html

        terr = ws.territory(territory)
        rep = build_territory_report(terr, neighbours=ws.report_neighbours(terr))
        rep.sections.append(plan_section(plan, terr.label))
        write_html(rep, html)
        console.print(f"[green]wrote[/] {html}")


def register(app: typer.Typer) -> None:
    """Attach the plan commands to the main app."""
    app.add_typer(plan_app, name="plan")
