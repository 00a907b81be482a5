"""CLI: ``proxisante plan optimise|cog``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante.cli._common import StoreOption, console, user_errors, workspace
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


def _settings(text: str | None) -> dict[str, float]:
    """``name=value,…`` of ``--set`` (assumption overrides)."""
    out: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            msg = (
                f"--set part '{part}' is not NAME=NUMBER (e.g. gp_tariff_eur=30,ramp_up_share=0.5)"
            )
            raise InputError(msg) from None
        if not sep:
            msg = f"--set part '{part}' is not NAME=NUMBER"
            raise InputError(msg)
    return out


def _instance(*, territory, operator, budget, hires, candidates, max_candidates, assumptions,
              settings, min_team, step, ramp_up, max_fte, professions, nurse_supply,
              nurse_threshold, store):  # fmt: skip
    """Read the options into a :class:`~proxisante.plan.PlanInstance` (one place for both)."""
    from proxisante.plan import PlanAssumptions, read_assumptions

    a = read_assumptions(assumptions) if assumptions is not None else PlanAssumptions()
    named = {"min_team_gp_fte": min_team, "fte_step": step, "ramp_up_share": ramp_up,
             "max_added_fte_per_site": max_fte}  # fmt: skip
    a = a.with_overrides({k: v for k, v in named.items() if v is not None}, origin="options")
    a = a.with_overrides(_settings(settings), origin="--set")
    ws = workspace(store)
    inst = ws.plan_instance(
        territory, budgets_eur=budget, hires_fte=hires,
        candidates=[c.strip() for c in candidates.split(",")] if candidates else None,
        assumptions=a, operator=operator, max_candidates=max_candidates,
        professions=[p.strip() for p in professions.split(",") if p.strip()],
        nurse_supply_file=nurse_supply, nurse_threshold=nurse_threshold,
    )  # fmt: skip
    return inst, ws.plan_territory(territory, operator=operator), ws


Territory = Annotated[
    str | None,
    typer.Option("--territory", "-t", help="Territory (dep:30, epci:…, circo:12-02, INSEE codes"
                 "…); default: the operator's network (communes within 20 min of its centres)"),
]  # fmt: skip
Operator = Annotated[str, typer.Option(help="Operator whose centres are reinforced first")]
Hires = Annotated[
    float | None,
    typer.Option(help="Hiring capacity per year, FTE of all professions (default: the "
                 "network's recent capacity, assumption hires_fte_per_year = 4)"),
]  # fmt: skip
Cands = Annotated[
    str | None,
    typer.Option(help="Communes where a centre may open (INSEE codes, comma-separated); "
                 "default: the stated rule (pôles/bourgs, a GP present, 5,000 people "
                 "within 15 min)"),
]  # fmt: skip
MaxCand = Annotated[int | None, typer.Option(help="Keep at most N rule candidates (most "
                                             "people within 15 minutes first)")]  # fmt: skip
Assumptions = Annotated[
    Path | None, typer.Option(help="YAML file of assumption overrides (name: number)")
]
Settings = Annotated[
    str | None,
    typer.Option("--set", help="Assumption overrides NAME=NUMBER,… (e.g. gp_tariff_eur=30)"),
]
MinTeam = Annotated[float | None, typer.Option(help="GP FTE of a new centre the year it opens "
                                               "(default 2)")]  # fmt: skip
Step = Annotated[float | None, typer.Option(help="FTE step of hires (default 0.5)")]
RampUp = Annotated[float | None, typer.Option(help="Share of a hire's activity in its first "
                                              "year (default 0.5)")]  # fmt: skip
MaxFte = Annotated[float | None, typer.Option(help="FTE added at most per site (default 6)")]
Professions = Annotated[str, typer.Option(help="Professions planned with one budget: gp or "
                                          "gp,nurse")]  # fmt: skip
NurseSupply = Annotated[
    Path | None,
    typer.Option(help="Nurses: CSV commune,fte[,profession] of every commune, measured in FTE "
                 "per 100,000 (default: the 75+ home-care access of the needs layer)"),
]  # fmt: skip
NurseThreshold = Annotated[
    float | None,
    typer.Option(help="Nurses: under-served level in FTE per 100,000 standardised inhabitants "
                 "(required with --nurse-supply; default measure: half the national value)"),
]  # fmt: skip
Objective = Annotated[str, typer.Option(help="deficit | lifted | equity")]
TimeLimit = Annotated[float, typer.Option(help="Solver time limit, seconds")]

_UNITS_EN = {
    "deficit": ("population-weighted shortfall below the threshold (inhabitants × share of "
                "the threshold missing, summed over years and professions)", "lower is better"),
    "lifted": ("inhabitants lifted above the threshold, summed over years", "higher is better"),
    "equity": ("lowest access relative to the threshold, summed over years",
               "higher is better"),
}  # fmt: skip


def _fmt(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}".replace(",", "\u202f")


@plan_app.command("optimise")
@user_errors
def optimise(
    budget: Annotated[str, typer.Option(help="Net budget YEAR=EUROS,… e.g. 2025=6e5,2026=6e5")],
    territory: Territory = None,
    operator: Operator = "filieris",
    objective: Objective = "deficit",
    hires: Hires = None,
    candidates: Cands = None,
    max_candidates: MaxCand = 300,
    assumptions: Assumptions = None,
    settings: Settings = None,
    min_team: MinTeam = None,
    step: Step = None,
    ramp_up: RampUp = None,
    max_fte: MaxFte = None,
    professions: Professions = "gp",
    nurse_supply: NurseSupply = None,
    nurse_threshold: NurseThreshold = None,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    csv: Annotated[Path | None, typer.Option(help="Write the plan (CSV)")] = None,
) -> None:
    """Optimise where to add FTE and open centres (exact MILP with HiGHS, greedy baseline)."""
    from proxisante.plan import greedy, solve_milp

    inst, _, _ = _instance(
        territory=territory, operator=operator, budget=_budgets(budget), hires=hires,
        candidates=candidates, max_candidates=max_candidates, assumptions=assumptions,
        settings=settings, min_team=min_team, step=step, ramp_up=ramp_up, max_fte=max_fte,
        professions=professions, nurse_supply=nurse_supply, nurse_threshold=nurse_threshold,
        store=store,
    )  # fmt: skip
    with console.status(f"Optimising ({objective}, {inst.n_candidates} candidates)…"):
        g = greedy(inst, objective)
        sol = solve_milp(inst, objective, time_limit_s=time_limit, warm_start=g)
    unit, better = _UNITS_EN[objective]
    rel = (g.objective - sol.objective) / abs(sol.objective) if sol.objective else 0.0
    digits = 2 if objective == "equity" else 0
    console.print(
        f"Objective '{objective}' ({unit}; {better}): MILP {_fmt(sol.objective, digits)} "
        f"(proven gap {sol.gap:.2%}, {sol.status}, {sol.seconds:.1f} s); greedy "
        f"{_fmt(g.objective, digits)} ({rel:+.1%} vs MILP)."
    )
    table = sol.table(inst)
    t = Table("year", "commune", "site", *[f"{p} FTE hired" for p in inst.professions],
              *[f"{p} FTE total" for p in inst.professions], "opens")  # fmt: skip
    for r in table.to_dict("records"):
        site = r["site_name"] if r["existing"] else "new centre"
        t.add_row(
            str(r["year"]), f"{r['name']} ({r['commune']})", site,
            *[f"{r[f'fte_hired_{p}']:.1f}" for p in inst.professions],
            *[f"{r[f'fte_total_{p}']:.1f}" for p in inst.professions],
            "yes" if r["opens"] else "",
        )  # fmt: skip
    console.print(t)
    if csv is not None:
        table.to_csv(csv, index=False)
        console.print(f"wrote {csv}")


@plan_app.command("cog")
@user_errors
def cog(
    territory: Territory = None,
    operator: Operator = "filieris",
    out: Annotated[Path, typer.Option(help="xlsx file to write")] = Path("plan-cog.xlsx"),
    from_year: Annotated[int, typer.Option("--from", help="First year")] = 2025,
    to_year: Annotated[int, typer.Option("--to", help="Last year")] = 2028,
    budget_per_year: Annotated[
        float, typer.Option(help="Net € per year when --budget is not given (scenario parameter)")
    ] = 6e5,
    budget: Annotated[
        str | None, typer.Option(help="Net budget YEAR=EUROS,… (overrides --budget-per-year)")
    ] = None,
    objective: Objective = "deficit",
    hires: Hires = None,
    candidates: Cands = None,
    max_candidates: MaxCand = 300,
    assumptions: Assumptions = None,
    settings: Settings = None,
    min_team: MinTeam = None,
    step: Step = None,
    ramp_up: RampUp = None,
    max_fte: MaxFte = None,
    professions: Professions = "gp",
    nurse_supply: NurseSupply = None,
    nurse_threshold: NurseThreshold = None,
    scenarios: Annotated[
        bool, typer.Option(help="Also compare freeze / flat / growth budgets side by side")
    ] = True,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    html: Annotated[
        Path | None, typer.Option(help="Also write the French HTML report with the plan")
    ] = None,
) -> None:
    """Multi-year contract plan (COG) of the operator's network (or --territory): where and
    who each year, gross / income / net cost, indicators against the "sans COG" freeze."""
    from proxisante.plan import budget_scenarios, build_cog_plan, write_xlsx

    if to_year < from_year:
        msg = f"--to {to_year} is before --from {from_year}"
        raise InputError(msg)
    budgets = (_budgets(budget) if budget is not None
               else {y: budget_per_year for y in range(from_year, to_year + 1)})  # fmt: skip
    if sorted(budgets) != list(range(from_year, to_year + 1)):
        msg = f"--budget years {sorted(budgets)} do not match --from {from_year} --to {to_year}"
        raise InputError(msg)
    inst, terr, ws = _instance(
        territory=territory, operator=operator, budget=budgets, hires=hires,
        candidates=candidates, max_candidates=max_candidates, assumptions=assumptions,
        settings=settings, min_team=min_team, step=step, ramp_up=ramp_up, max_fte=max_fte,
        professions=professions, nurse_supply=nurse_supply, nurse_threshold=nurse_threshold,
        store=store,
    )  # fmt: skip
    ssiad = ws.ssiad_coverage(terr)
    with console.status("Building the plan…"):
        plan = build_cog_plan(inst, objective=objective, time_limit_s=time_limit, ssiad=ssiad)
        sc = budget_scenarios(inst, objective=objective, time_limit_s=time_limit,
                              plan=plan) if scenarios else None  # fmt: skip
    write_xlsx(plan, out, scenarios=sc)
    s = plan.summary
    shown = ["année", *[c for c in s.columns if c.startswith("recrutements")],
             "ouvertures de l'année", "coût brut (€)", "recettes (€)", "coût net (€)",
             *[c for c in s.columns if c.startswith("habitants sous")][:2]]  # fmt: skip
    t = Table(*shown)
    for r in s[shown].to_dict("records"):
        t.add_row(*[str(r[c]) if c == "année" else _fmt(r[c], 1 if "ETP" in c else 0)
                    for c in shown])  # fmt: skip
    console.print(t)
    console.print(plan.comparison)
    console.print(f"[green]wrote[/] {out}")
    if html is not None:
        from proxisante.report import build_territory_report, plan_section, write_html

        rep = build_territory_report(terr, neighbours=ws.report_neighbours(terr))
        rep.sections.append(plan_section(plan, terr.label, scenarios=sc))
        write_html(rep, html)
        console.print(f"[green]wrote[/] {html}")


def register(app: typer.Typer) -> None:
    """Attach the plan commands to the main app."""
    app.add_typer(plan_app, name="plan")
