"""CLI: ``proxisante plan optimise|cog``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import bounds
from proxisante._output import check_output
from proxisante.cli._common import (
    CentreFteOption,
    CsvFormat,
    CsvFormatOption,
    StoreOption,
    console,
    decimal,
    print_table,
    progress,
    user_errors,
    whole,
    workspace,
)
from proxisante.errors import InputError, shorten

plan_app = typer.Typer(
    help="Where to recruit and open centres under multi-year budgets; COG plan.",
    no_args_is_help=True,
)


def _budgets(text: str) -> dict[int, float]:
    """``YEAR=EUROS,…`` of ``--budget``, each number within its bound (:mod:`proxisante.bounds`)."""
    out: dict[int, float] = {}
    for part in text.split(",")[: int(bounds.PARAMETERS["plan_years"].high) + 1]:
        year, sep, value = part.partition("=")
        if not sep:
            msg = f"--budget part '{shorten(part)}' is not YEAR=EUROS (e.g. 2025=3.2e6,2026=3.4e6)"
            raise InputError(msg)
        y = int(bounds.parse("year", year, where="--budget"))
        if y in out:
            msg = f"--budget gives year {y} twice; expected each year once"
            raise InputError(msg)
        out[y] = bounds.parse("budget_eur", value, where=f"--budget {y}")
    return out


def _settings(text: str | None) -> dict[str, float]:
    """``name=value,…`` of ``--set`` (assumption overrides)."""
    out: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            msg = (f"--set part '{shorten(part)}' is not NAME=NUMBER (e.g. "
                   "gp_tariff_eur=30,ramp_up_share=0.5)")  # fmt: skip
            raise InputError(msg)
        if name.strip() in out:
            msg = f"--set gives '{shorten(name.strip())}' twice; expected each name once"
            raise InputError(msg)
        if not bounds.DECIMAL.fullmatch(value.strip()):
            msg = (f"--set {shorten(name.strip())} was '{shorten(value)}'; expected a decimal "
                   "number in ASCII digits (e.g. 0.5)")  # fmt: skip
            raise InputError(msg)
        out[name.strip()] = float(value)  # its range: PlanAssumptions.with_overrides
    return out


def _per_profession(text: str | None, professions: list[str], option: str) -> dict[str, float]:
    """``NUMBER`` (the one profession it can apply to) or ``PROFESSION=NUMBER,…``."""
    if text is None or not text.strip():
        return {}
    if "=" not in text:
        only = professions if len(professions) == 1 else [p for p in professions if p != "gp"]
        if len(only) != 1:
            example = f"{option} {only[0] if only else 'nurse'}=80"
            msg = (f"{option} {text} is ambiguous with professions {','.join(professions)}; "
                   f"give PROFESSION=NUMBER,… (e.g. {example})")  # fmt: skip
            raise InputError(msg)
        text = f"{only[0]}={text}"
    out: dict[str, float] = {}
    bound = {"--fte-cost": "fte_eur_per_year", "--threshold": "threshold_per_100k"}[option]
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            msg = (f"{option} part '{shorten(part)}' is not PROFESSION=NUMBER (e.g. "
                   "physiotherapist=60)")  # fmt: skip
            raise InputError(msg)
        out[name] = bounds.parse(bound, value, where=f"{option} {shorten(name, 30)}")
        if name not in professions:
            msg = (f"{option} names profession '{name}' that is not planned "
                   f"(--professions {','.join(professions)})")  # fmt: skip
            raise InputError(msg)
    return out


def _instance(*, territory, operator, budget, hires, candidates, max_candidates, assumptions,
              settings, min_team, step, ramp_up, max_fte, professions, supply, threshold,
              fte_cost, store, centre_gp_fte_per_person=None):  # fmt: skip
    """Read the options into a :class:`~proxisante.plan.PlanInstance` (one place for both)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import PlanAssumptions, read_assumptions

    profs = [p.strip() for p in professions.split(",") if p.strip()]
    named_options = (("--min-team", "min_team_gp_fte", min_team), ("--step", "fte_step", step),
                     ("--ramp-up", "ramp_up_share", ramp_up),
                     ("--max-fte", "max_added_fte_per_site", max_fte),
                     ("--hires", "hires_fte_per_year", hires),
                     ("--max-candidates", "max_candidates", max_candidates))  # fmt: skip
    for option, name, value in named_options:
        if value is not None:  # refused at once, naming the option
            bounds.check(name, value, where=option)
    a = read_assumptions(assumptions) if assumptions is not None else PlanAssumptions()
    named = {"min_team_gp_fte": min_team, "fte_step": step, "ramp_up_share": ramp_up,
             "max_added_fte_per_site": max_fte}  # fmt: skip
    named |= {f"{p}_fte_eur_per_year": v
              for p, v in _per_profession(fte_cost, profs, "--fte-cost").items()}  # fmt: skip
    a = a.with_overrides({k: v for k, v in named.items() if v is not None}, origin="options")
    a = a.with_overrides(_settings(settings), origin="--set")
    if centre_gp_fte_per_person is not None:  # the option overrides the assumptions file
        a = a.with_overrides({"centre_gp_fte_per_person": centre_gp_fte_per_person},
                             origin="--centre-gp-fte-per-person")  # fmt: skip
    thresholds = _per_profession(threshold, profs, "--threshold")
    with progress("Préparation du plan : offre, candidats, modèle calibré…"):
        ws = workspace(store, centre_gp_fte_per_person=a.centre_gp_fte_per_person)
        inst = ws.plan_instance(
            territory, budgets_eur=budget, hires_fte=hires,
            candidates=[c.strip() for c in candidates.split(",")] if candidates else None,
            assumptions=a, operator=operator, max_candidates=max_candidates, professions=profs,
            supply_files={} if supply is None else {p: supply for p in profs if p != "gp"},
            thresholds=thresholds,
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
    typer.Option(parser=decimal("--hires"), help="Hiring capacity per year, FTE of all professions "
                 "(default: the network's recent capacity, assumption hires_fte_per_year = 4)"),
]  # fmt: skip
Cands = Annotated[
    str | None,
    typer.Option(help="Communes where a centre may open (INSEE codes, comma-separated); "
                 "default: the stated rule (pôles/bourgs, a GP present, 5,000 people "
                 "within 15 min)"),
]  # fmt: skip
MaxCand = Annotated[
    int | None,
    typer.Option(parser=whole("--max-candidates"),
                 help="Keep at most N rule candidates (most people within 15 minutes first)"),
]  # fmt: skip
Assumptions = Annotated[
    Path | None, typer.Option(help="YAML file of assumption overrides (name: number)")
]
Settings = Annotated[
    str | None,
    typer.Option("--set", help="Assumption overrides NAME=NUMBER,… (e.g. gp_tariff_eur=30)"),
]
MinTeam = Annotated[
    float | None,
    typer.Option(parser=decimal("--min-team"),
                 help="GP FTE of a new centre the year it opens (default 2)"),
]  # fmt: skip
Step = Annotated[
    float | None, typer.Option(parser=decimal("--step"), help="FTE step of hires (default 0.5)")
]
RampUp = Annotated[
    float | None,
    typer.Option(parser=decimal("--ramp-up"),
                 help="Share of a hire's activity in its first year (default 0.5)"),
]  # fmt: skip
MaxFte = Annotated[
    float | None,
    typer.Option(parser=decimal("--max-fte"), help="FTE added at most per site (default 6)"),
]
Professions = Annotated[
    str,
    typer.Option("--professions", "--profession",
                 help="Professions planned with one budget, e.g. gp, gp,nurse, physiotherapist, "
                 "midwife, dentist (GPs in APL; nurses on the 75+ home-care access unless "
                 "--supply; others in FTE per 100,000 standardised inhabitants)"),
]  # fmt: skip
Supply = Annotated[
    Path | None,
    typer.Option(help="CSV commune,fte[,profession] giving the FTE of every commune for the "
                 "planned professions other than GPs (measured in FTE per 100,000 standardised "
                 "inhabitants, DREES step; default: the offer's staff)"),
]  # fmt: skip
Threshold = Annotated[
    str | None,
    typer.Option(help="Under-served level: NUMBER for the one non-GP profession, or "
                 "PROFESSION=NUMBER,… (FTE per 100,000 standardised inhabitants; required "
                 "with --supply and for professions other than GPs and nurses)"),
]  # fmt: skip
FteCost = Annotated[
    str | None,
    typer.Option(help="Employer cost per FTE and year, €: NUMBER for the one non-GP "
                 "profession, or PROFESSION=EUROS,… (required for professions other than GPs "
                 "and nurses)"),
]  # fmt: skip
Objective = Annotated[str, typer.Option(help="deficit | lifted | equity")]
TimeLimit = Annotated[
    float, typer.Option(parser=decimal("--time-limit"), help="Solver time limit, seconds")
]


#: French words for the solver's model status (HiGHS strings and the greedy's).
SOLVER_STATUS_FR = {"Optimal": "optimal", "optimal": "optimal", "heuristic": "heuristique",
                    "Time limit reached": "limite de temps atteinte",
                    "Iteration limit reached": "limite d'itérations atteinte",
                    "Interrupted by user": "interrompu"}  # fmt: skip


def _fmt(x: float, digits: int = 0) -> str:
    """A number in French (comma, narrow no-break thousands separator)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante import _fr as fr

    return fr.fmt_dec(x, digits) if digits else fr.fmt_int(x)


def _print_world_note(inst) -> None:
    """The sources of the plan's evaluation world (model, headcount conversion), dimmed."""
    # deferred: loaded when the command runs, not at CLI start-up
    from rich.markup import escape

    for row in inst.sources:
        console.print(f"[dim]{escape(row.get('note', row['source']))}[/]")


def _print_years(plan) -> None:
    """Per year: net cost, and under-served inhabitants without a COG and with the plan."""
    v = plan.versus
    s = plan.summary
    t = Table("année", "coût brut (€)", "recettes (€)", "coût net (€)",
              "sous 2,5 sans COG", "sous 2,5 avec le plan", "contrainte limitante",
              title="Coûts et habitants sous 2,5 (APL zonage, estimé)")  # fmt: skip
    for i, r in enumerate(s.to_dict("records")):
        row = v.iloc[i] if len(v) else None
        t.add_row(str(r["année"]), _fmt(r["coût brut (€)"]), _fmt(r["recettes (€)"]),
                  _fmt(r["coût net (€)"]),
                  "—" if row is None else _fmt(row.iloc[1]) + f" ({row.iloc[2]})",
                  "—" if row is None else _fmt(row.iloc[3]), r["contrainte limitante"])  # fmt: skip
    print_table(t)
    if len(v):
        last = v.iloc[-1]
        console.print(
            f"Coût net cumulé {_fmt(last['coût net cumulé (€)'])} € ; ancrage officiel : "
            f"{_fmt(last.iloc[-2])} habitants sous 2,5 selon l'APL des moins de 65 ans, "
            f"{_fmt(last.iloc[-1])} selon l'APL de tous les médecins (DREES)."
        )


def _print_served(plan, top: int = 3) -> None:
    """Per site: the communes its hires reach most (inhabitants, APL without → with)."""
    served = plan.served
    if served.empty:
        return
    cols = list(served.columns)
    for (site, code), part in served.groupby(["site", "code site"], sort=False):
        best = part.head(top)
        items = [f"{r['commune desservie']} ({_fmt(r['habitants'])} hab., "
                 f"{_fmt(r[cols[6]], 2)} → {_fmt(r[cols[7]], 2)})"
                 for _, r in best.iterrows()]  # fmt: skip
        more = f" et {len(part) - top} autres" if len(part) > top else ""
        console.print(f"{site} ({code}) dessert : " + ", ".join(items) + more)


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
    supply: Supply = None,
    threshold: Threshold = None,
    fte_cost: FteCost = None,
    centre_gp_fte_per_person: CentreFteOption = None,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    csv: Annotated[Path | None, typer.Option(help="Write the plan (CSV)")] = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Optimise where to add FTE and open centres (exact MILP with HiGHS, greedy baseline):
    where and who, cost per year, under-served inhabitants without and with the plan."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import greedy, solve_milp, table_format, tabulate, write_table

    bounds.check("time_limit_s", time_limit, where="--time-limit")
    if csv is not None:  # refused before the optimisation, not after it
        table_format(csv, accepted=("csv",), option="--csv")
        check_output(csv, option="--csv")
    inst, _, _ = _instance(
        territory=territory, operator=operator, budget=_budgets(budget), hires=hires,
        candidates=candidates, max_candidates=max_candidates, assumptions=assumptions,
        settings=settings, min_team=min_team, step=step, ramp_up=ramp_up, max_fte=max_fte,
        professions=professions, supply=supply, threshold=threshold, fte_cost=fte_cost,
        store=store, centre_gp_fte_per_person=centre_gp_fte_per_person,
    )  # fmt: skip
    with progress(f"Optimisation ({objective}, {inst.n_candidates} candidats)…"):
        g = greedy(inst, objective)
        sol = solve_milp(inst, objective, time_limit_s=time_limit, warm_start=g)
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante import _fr as fr
    from proxisante.workspace import SHORT_FR, comparison_sentence, threshold_fr

    for b in inst.blocks:
        console.print(f"{SHORT_FR[b.profession]} : accès en {b.unit_fr or b.unit_en}, seuil "
                      f"{threshold_fr(b)} ({b.threshold_source})")  # fmt: skip
    status = SOLVER_STATUS_FR.get(sol.status, sol.status)
    console.print(comparison_sentence(objective, sol, g)
                  + f" ({status}, {fr.fmt_dec(sol.seconds, 1)} s)")  # fmt: skip
    table = sol.table(inst).sort_values("year", kind="stable")
    short = [SHORT_FR[p] for p in inst.professions]
    t = Table("année", "commune", "site", *[f"ETP {p} recrutés" for p in short],
              *[f"ETP {p} ajoutés (cumul)" for p in short], "ouverture")  # fmt: skip
    for r in table.to_dict("records"):
        site = r["site_name"] if r["existing"] else "nouveau centre"
        t.add_row(
            str(r["year"]), f"{r['name']} ({r['commune']})", site,
            *[_fmt(r[f"fte_hired_{p}"], 1) for p in inst.professions],
            *[_fmt(r[f"fte_total_{p}"], 1) for p in inst.professions],
            "oui" if r["opens"] else "",
        )  # fmt: skip
    print_table(t, key_columns=3)
    plan = tabulate(inst, sol, g, objective)
    _print_years(plan)
    _print_served(plan)
    _print_world_note(inst)
    if csv is not None:  # the writer of every CSV export (same convention, atomic)
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report.exports import plan_table

        write_table(plan_table(table, inst.professions), csv, accepted=("csv",), option="--csv",
                    csv_format=csv_format)  # fmt: skip
        console.print(f"écrit : {csv}")


def _print_cog(plan, sc, out) -> None:
    """The COG plan in the terminal: per year, money and indicators, notes, scenarios."""
    s = plan.summary
    shown = ["année", *[c for c in s.columns if c.startswith("recrutements")],
             "ouvertures de l'année", "coût brut (€)", "recettes (€)", "coût net (€)",
             *[c for c in s.columns if c.startswith("habitants sous")][:2],
             "contrainte limitante"]  # fmt: skip
    t = Table(*shown)
    for r in s[shown].to_dict("records"):
        t.add_row(*[str(r[c]) if isinstance(r[c], str) or c == "année"
                    else _fmt(r[c], 1 if "ETP" in c else 0) for c in shown])  # fmt: skip
    print_table(t, note=f"toutes les colonnes : feuille « Synthèse » de {out}")
    _print_years(plan)
    console.print(plan.comparison)
    _print_world_note(plan.instance)
    for n in plan.notes:
        if n.startswith(("Fourchette des effets du plan", "Le budget limite")):
            console.print(n)
    if sc is not None:
        keep = [r for r in sc.index if r.startswith(("habitants sous", "ETP ", "coût net cumulé",
                                                     "contrainte"))]  # fmt: skip
        st = Table("indicateur", *sc.columns, title="Scénarios budgétaires")
        for r in keep:
            st.add_row(r, *[v if isinstance(v, str) else _fmt(v, 1 if "ETP" in r else 0)
                            for v in sc.loc[r]])  # fmt: skip
        print_table(st)


BudgetPerYear = Annotated[
    float | None,
    typer.Option(
        parser=decimal("--budget-per-year"),
        help="Net € per year when --budget is not given (default 600,000, an "
        "unsourced « hypothèse » labelled as such in every output)",
    ),
]
Budget = Annotated[
    str | None, typer.Option(help="Net budget YEAR=EUROS,… (overrides --budget-per-year)")
]
BudgetScenarios = Annotated[
    bool, typer.Option(help="Also compare freeze / flat / growth budgets side by side")
]
Sensitivity = Annotated[
    bool, typer.Option(help="Also re-optimise with cost, revenue and activity at ±20 %")
]
Html = Annotated[Path | None, typer.Option(help="Also write the French HTML report with the plan")]


@plan_app.command("cog")
@user_errors
def cog(
    territory: Territory = None,
    operator: Operator = "filieris",
    out: Annotated[Path, typer.Option(help="xlsx file to write")] = Path("plan-cog.xlsx"),
    from_year: Annotated[
        int, typer.Option("--from", parser=whole("--from"), help="First year")
    ] = 2025,
    to_year: Annotated[int, typer.Option("--to", parser=whole("--to"), help="Last year")] = 2028,
    budget_per_year: BudgetPerYear = None,
    budget: Budget = None,
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
    supply: Supply = None,
    threshold: Threshold = None,
    fte_cost: FteCost = None,
    scenarios: BudgetScenarios = True,
    sensitivity: Sensitivity = True,
    centre_gp_fte_per_person: CentreFteOption = None,
    store: StoreOption = None,
    time_limit: TimeLimit = 60,
    html: Html = None,
) -> None:
    """Multi-year contract plan (COG) of the operator's network (or --territory): where and
    who each year, gross / income / net cost, indicators against the "sans COG" freeze."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import budget_scenarios, table_format, write_xlsx

    budgets, basis = _cog_budgets(budget, budget_per_year, from_year, to_year)
    bounds.check("time_limit_s", time_limit, where="--time-limit")
    table_format(out, accepted=("xlsx",), option="--out")
    check_output(out, option="--out")  # bad targets are refused before the plan is solved
    if html is not None:
        check_output(html, option="--html")
    inst, terr, ws = _instance(
        territory=territory, operator=operator, budget=budgets, hires=hires,
        candidates=candidates, max_candidates=max_candidates, assumptions=assumptions,
        settings=settings, min_team=min_team, step=step, ramp_up=ramp_up, max_fte=max_fte,
        professions=professions, supply=supply, threshold=threshold, fte_cost=fte_cost,
        store=store, centre_gp_fte_per_person=centre_gp_fte_per_person,
    )  # fmt: skip
    if basis:
        # deferred: loaded when the command runs, not at CLI start-up
        import dataclasses

        inst = dataclasses.replace(inst, budget_basis_fr=basis)
        console.print(f"[yellow]Budget net : {basis}[/]")
    with progress("Construction du plan…"):
        plan = ws.cog_plan(inst, terr, objective=objective, time_limit_s=time_limit,
                           sensitivity=sensitivity)  # fmt: skip
        sc = budget_scenarios(inst, objective=objective, time_limit_s=time_limit,
                              plan=plan) if scenarios else None  # fmt: skip
        write_xlsx(plan, out, scenarios=sc)
    _print_cog(plan, sc, out)
    console.print(f"[green]écrit :[/] {out}")
    if html is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report import territory_report, write_html

        with progress(f"Rapport sur {terr.label}…"):
            rep = territory_report(ws, terr, plan=plan, plan_scenarios=sc)
            write_html(rep, html, option="--html")
        console.print(f"[green]écrit :[/] {html}")


def _cog_budgets(budget: str | None, budget_per_year: float | None, from_year: int,
                 to_year: int) -> tuple[dict[int, float], str]:  # fmt: skip
    """The net budget of every year of the COG and, for the default budget, its basis
    (« hypothèse »); years and amounts checked."""
    bounds.check("year", from_year, where="--from")
    bounds.check("year", to_year, where="--to")
    if budget_per_year is not None:
        bounds.check("budget_eur", budget_per_year, where="--budget-per-year")
    if to_year < from_year:
        msg = f"--to {to_year} is before --from {from_year}"
        raise InputError(msg)
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import DEFAULT_BUDGET_BASIS_FR, DEFAULT_BUDGET_EUR

    basis = ""
    if budget is None and budget_per_year is None:
        budget_per_year = DEFAULT_BUDGET_EUR
        basis = DEFAULT_BUDGET_BASIS_FR
    budgets = (_budgets(budget) if budget is not None
               else {y: budget_per_year for y in range(from_year, to_year + 1)})  # fmt: skip
    if sorted(budgets) != list(range(from_year, to_year + 1)):
        msg = f"--budget years {sorted(budgets)} do not match --from {from_year} --to {to_year}"
        raise InputError(msg)
    return budgets, basis


def register(app: typer.Typer) -> None:
    """Attach the plan commands to the main app."""
    app.add_typer(plan_app, name="plan")
