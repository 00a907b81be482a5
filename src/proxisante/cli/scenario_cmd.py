"""CLI: ``proxisante scenario new|edit|import|export|list|run|compare|criticality``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante.cli._common import console, user_errors
from proxisante.errors import InputError

scenario_app = typer.Typer(
    help="Scenarios: closures, openings, staff changes, retirements, network break-up.",
    no_args_is_help=True,
)
StoreOption = Annotated[Path | None, typer.Option("--store", help="Store file (DuckDB)")]
OptTerritory = Annotated[
    str | None, typer.Option("--territory", "-t", help="Territory selector for the summary")
]


def _load(ref: str, store: Path | None):
    """A scenario from a .yaml/.yml/.json file, or by name from the store."""
    from proxisante.scenarios.io import load_scenario, parse_scenario

    if Path(ref).suffix.lower() in (".yaml", ".yml", ".json"):
        return load_scenario(ref)
    from proxisante.store import Store

    with Store(store) as st:
        return parse_scenario(st.get_scenario(ref))


PopulationFileOption = Annotated[
    Path | None,
    typer.Option(help="Population projection CSV (code;annee;population), communes or deps"),
]
PopulationYearOption = Annotated[
    int | None, typer.Option(help="Projection year to keep from --population-file")
]


def _offer(store: Path | None):
    """The bundled offer overlaid with what was imported or edited in the store."""
    from proxisante.offer.importing import load_offer
    from proxisante.store import Store

    with Store(store) as st:
        return load_offer(st)


def _pop_by_age(store: Path | None):
    """Population by age band imported into the store (``offer import pop-age``), or None."""
    from proxisante.offer.importing import load_population_by_age
    from proxisante.store import Store

    with Store(store) as st:
        return load_population_by_age(st)


def _save(scenario, store: Path | None, *, overwrite: bool) -> None:
    """Check every edit against the offer (sites, communes, FTE), then save in one transaction."""
    from proxisante.scenarios.impact import supply_changes
    from proxisante.store import Store

    supply_changes(scenario, _offer(store))
    with Store(store) as st:
        st.save_scenario(scenario.name, scenario.model_dump(mode="json"), overwrite=overwrite)


def _edits_from_options(
    close, operator_exit, open_site, population_file=None, population_year=None
) -> list[dict]:
    edits: list[dict] = []
    if population_file is not None:
        from proxisante.scenarios.projection import read_population_projection

        proj = read_population_projection(population_file, year=population_year)
        edits.append(proj.model_dump(mode="json"))
    if close:
        edits.append({"kind": "close_sites", "sites": list(close)})
    for spec in operator_exit or []:
        op, sep, terr = spec.partition(":")
        if not sep or not terr:
            msg = f"--operator-exit was '{spec}'; expected OPERATOR:SELECTOR, e.g. filieris:dep:30"
            raise InputError(msg)
        edits.append({"kind": "operator_exit", "operator": op, "territory": terr})
    for k, spec in enumerate(open_site or [], start=1):
        commune, sep, fte = spec.partition("=")
        try:
            value = float(fte)
        except ValueError:
            value = float("nan")
        if not sep or value != value:
            msg = f"--open was '{spec}'; expected COMMUNE=GP_FTE, e.g. 62523=2"
            raise InputError(msg)
        edits.append({"kind": "open_site", "site": f"nouveau-{commune}-{k}",
                      "name": f"Nouveau centre ({commune})", "commune": commune,
                      "fte": {"gp": value}})  # fmt: skip
    return edits


@scenario_app.command("new")
@user_errors
def new(
    name: Annotated[str, typer.Argument(help="Scenario name")],
    description: Annotated[str, typer.Option(help="Free text")] = "",
    close: Annotated[list[str] | None, typer.Option(help="Site id to close (repeat)")] = None,
    operator_exit: Annotated[
        list[str] | None, typer.Option(help="OPERATOR:SELECTOR, all its sites there close")
    ] = None,
    open_site: Annotated[
        list[str] | None, typer.Option("--open", help="COMMUNE=GP_FTE, a new centre")
    ] = None,
    population_file: PopulationFileOption = None,
    population_year: PopulationYearOption = None,
    out: Annotated[Path | None, typer.Option(help="Also write it to this .yaml/.json")] = None,
    store: StoreOption = None,
) -> None:
    """Create a scenario from options and save it in the store."""
    from proxisante.scenarios.io import dump_scenario, parse_scenario

    edits = _edits_from_options(close, operator_exit, open_site, population_file,
                                population_year)  # fmt: skip
    if not edits:
        msg = "give at least one edit: --close, --operator-exit, --open or --population-file"
        raise InputError(msg)
    sc = parse_scenario({"name": name, "description": description, "edits": edits})
    _save(sc, store, overwrite=False)
    if out is not None:
        dump_scenario(sc, out)
    console.print(f"saved scenario '{name}' ({len(edits)} edit(s))")


@scenario_app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="Scenario .yaml/.yml/.json")],
    overwrite: Annotated[bool, typer.Option(help="Replace a scenario of the same name")] = False,
    store: StoreOption = None,
) -> None:
    """Validate a scenario file and save it in the store."""
    from proxisante.scenarios.io import load_scenario

    sc = load_scenario(file)
    _save(sc, store, overwrite=overwrite)
    console.print(f"saved scenario '{sc.name}' from {file}")


@scenario_app.command("export")
@user_errors
def export(
    name: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help=".yaml/.yml/.json to write")],
    store: StoreOption = None,
) -> None:
    """Write a stored scenario to a YAML or JSON file."""
    from proxisante.scenarios.io import dump_scenario

    dump_scenario(_load(name, store), file)
    console.print(f"wrote {file}")


@scenario_app.command("edit")
@user_errors
def edit(
    name: Annotated[str, typer.Argument()],
    close: Annotated[list[str] | None, typer.Option(help="Add: close this site")] = None,
    operator_exit: Annotated[list[str] | None, typer.Option(help="Add: OPERATOR:SELECTOR")] = None,
    open_site: Annotated[
        list[str] | None, typer.Option("--open", help="Add: COMMUNE=GP_FTE")
    ] = None,
    population_file: PopulationFileOption = None,
    population_year: PopulationYearOption = None,
    remove_edit: Annotated[
        list[int] | None, typer.Option(help="Remove edit number N (1-based, see run)")
    ] = None,
    description: Annotated[str | None, typer.Option()] = None,
    store: StoreOption = None,
) -> None:
    """Add or remove edits of a stored scenario (validated before saving)."""
    from proxisante.scenarios.io import parse_scenario

    sc = _load(name, store)
    data = sc.model_dump(mode="json")
    for n in sorted(set(remove_edit or []), reverse=True):
        if not 1 <= n <= len(data["edits"]):
            msg = f"--remove-edit {n}: the scenario has edits 1..{len(data['edits'])}"
            raise InputError(msg)
        del data["edits"][n - 1]
    data["edits"] += _edits_from_options(close, operator_exit, open_site, population_file,
                                         population_year)  # fmt: skip
    if description is not None:
        data["description"] = description
    new_sc = parse_scenario(data)
    _save(new_sc, store, overwrite=True)
    console.print(f"updated scenario '{name}' ({len(new_sc.edits)} edit(s))")


@scenario_app.command("list")
@user_errors
def list_(store: StoreOption = None) -> None:
    """List the stored scenarios."""
    from proxisante.store import Store

    with Store(store) as st:
        rows = st.list_scenarios()
    t = Table("name", "created", "updated")
    for name, created, updated in rows:
        t.add_row(name, f"{created:%Y-%m-%d %H:%M}", f"{updated:%Y-%m-%d %H:%M}")
    console.print(t)
    console.print(f"{len(rows)} scenario(s)")


def _summary_table(title: str, summaries: dict[str, dict]) -> Table:
    t = Table(title=title)
    t.add_column("")
    for k in summaries:
        t.add_column(k, justify="right")
    labels = [
        ("population", "population"),
        ("population_after", "population after"),
        ("population_affected", "population with a changed APL"),
        ("newly_under", "newly under APL 2.5"),
        ("lifted", "lifted above 2.5"),
        ("under_before", "under 2.5 before"),
        ("under_after", "under 2.5 after"),
        ("no_gp_after", "no GP within 20 min after"),
        ("fte_change", "GP FTE change"),
        ("consultations_change", "consultations/yr change"),
        ("ssiad_per_1000_before", "SSIAD places per 1,000 aged 75+ before"),
        ("ssiad_per_1000_after", "SSIAD places per 1,000 aged 75+ after"),
    ]
    for key, label in labels:
        digits = 1 if key.startswith("ssiad") else 0
        t.add_row(label, *[_fmt(s[key], digits) for s in summaries.values()])
    return t


def _fmt(value: float, digits: int) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


@scenario_app.command("run")
@user_errors
def run(
    ref: Annotated[str, typer.Argument(help="Stored scenario name or .yaml/.json file")],
    territory: OptTerritory = None,
    report: Annotated[Path | None, typer.Option(help="Write the French HTML report")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write per-commune impacts (CSV)")] = None,
    full_supply: Annotated[
        Path | None,
        typer.Option(
            help="GP supply of EVERY commune (CSV: commune, fte and/or consultations): "
            "recompute the APL instead of using the DREES baseline"
        ),
    ] = None,
    travel: Annotated[
        str, typer.Option(help="estimate | osrm | matrix (travel times)")
    ] = "estimate",
    matrix: Annotated[Path | None, typer.Option(help="Matrix file for --travel matrix")] = None,
    network: Annotated[Path | None, typer.Option(help="OSRM network for --travel osrm")] = None,
    store: StoreOption = None,
) -> None:
    """Evaluate a scenario: per-commune ΔAPL, people crossing the 2.5 threshold.

    By default the official DREES APL is the baseline and supply changes are applied with
    exact marginal effects; with --full-supply the APL is recomputed (population changes too).
    """
    from proxisante.scenarios.impact import evaluate
    from proxisante.territory import select

    sc = _load(ref, store)
    supply = None
    if full_supply is not None:
        from proxisante.access.supply_file import read_supply_file

        table = read_supply_file(full_supply, profession="gp", unit="consultations")
        supply = table.groupby("destination")["supply"].sum()
    context = None
    if travel != "estimate":
        from proxisante.scenarios.impact import ImpactContext
        from proxisante.travel.providers import travel_matrix

        if territory is None:
            msg = f"--travel {travel} needs --territory (the communes to route between)"
            raise InputError(msg)
        area = select(territory).communes.dropna(subset=["lat", "lon"])
        tm, _ = travel_matrix(travel, area["code_insee"].to_numpy(), area["lat"].to_numpy(),
                              area["lon"].to_numpy(), cutoff_minutes=20.0, matrix_file=matrix,
                              network=network)  # fmt: skip
        context = ImpactContext.build(sc.baseline_year, travel=tm)
    with console.status("Evaluating…"):
        res = evaluate(sc, offer=_offer(store), full_supply=supply, context=context,
                       pop_by_age=_pop_by_age(store))  # fmt: skip
    terr = select(territory) if territory else None
    codes = terr.codes if terr is not None else None
    summaries = {"all communes": res.summary()}
    if terr is not None:
        summaries = {terr.label: res.summary(codes)} | summaries
    console.print(_summary_table(f"Scenario '{sc.name}'", summaries))
    console.print(f"[dim]Method: {res.method}[/]")
    for i, e in enumerate(sc.edits, start=1):
        console.print(f"[dim]edit {i}: {e.kind}[/]")
    for note in res.notes:
        console.print(f"[yellow]note:[/] {note}")
    ssiad_before, ssiad_after = res.ssiad(codes)
    if not (ssiad_before.available and ssiad_after.available):
        console.print(
            f"[yellow]note:[/] SSIAD per 1,000 aged 75+: before {ssiad_before.text_fr()}; "
            f"after {ssiad_after.text_fr()}"
        )
    if csv is not None:
        c = res.communes if codes is None else res.communes[res.communes["code_insee"].isin(codes)]
        c.to_csv(csv, index=False)
        console.print(f"wrote {len(c)} communes to {csv}")
    if report is not None:
        from proxisante.report import build_territory_report, write_html
        from proxisante.report.scenario_section import scenario_section

        if terr is None:
            msg = "--report needs --territory (the territory the report is about)"
            raise InputError(msg)
        rep = build_territory_report(terr, year=sc.baseline_year)
        rep.sections.append(scenario_section(res, terr))
        write_html(rep, report)
        console.print(f"[green]wrote[/] {report}")


@scenario_app.command("compare")
@user_errors
def compare(
    first: Annotated[str, typer.Argument(help="Scenario name or file")],
    second: Annotated[str, typer.Argument(help="Scenario name or file")],
    territory: OptTerritory = None,
    csv: Annotated[Path | None, typer.Option(help="Per-commune comparison (CSV)")] = None,
    store: StoreOption = None,
) -> None:
    """Compare two scenarios side by side (aggregates and per commune)."""
    from proxisante.scenarios.impact import evaluate
    from proxisante.territory import select

    a, b = _load(first, store), _load(second, store)
    offer = _offer(store)
    pop_by_age = _pop_by_age(store)
    ra = evaluate(a, offer=offer, pop_by_age=pop_by_age)
    rb = evaluate(b, offer=offer, pop_by_age=pop_by_age)
    codes = select(territory).codes if territory else None
    console.print(
        _summary_table("Comparison", {a.name: ra.summary(codes), b.name: rb.summary(codes)})
    )
    if csv is not None:
        m = ra.communes[["code_insee", "pop_totale", "apl_before", "apl_after"]].merge(
            rb.communes[["code_insee", "apl_after"]], on="code_insee", suffixes=("_a", "_b")
        )
        if codes is not None:
            m = m[m["code_insee"].isin(codes)]
        m.to_csv(csv, index=False)
        console.print(f"wrote {len(m)} communes to {csv}")


@scenario_app.command("criticality")
@user_errors
def criticality(
    operator: Annotated[str, typer.Option(help="Operator whose sites are ranked")] = "filieris",
    territory: OptTerritory = None,
    csv: Annotated[Path | None, typer.Option(help="Write the ranking (CSV)")] = None,
    store: StoreOption = None,
) -> None:
    """Rank an operator's sites by the impact of closing each one alone."""
    from proxisante.scenarios.impact import criticality_ranking

    rank = criticality_ranking(operator=operator, territory=territory, offer=_offer(store))
    t = Table(title=f"Criticality of {operator} sites (closing each alone)")
    for col in ("#", "site", "commune", "GP FTE", "newly < 2.5", "pop. affected", "max APL drop"):
        t.add_column(col, justify="left" if col == "site" else "right")
    for r in rank.itertuples():
        fte = f"{r.gp_fte:g}" if r.gp_staff_known else "unknown"
        t.add_row(str(r.rank), r.name, r.commune, fte, f"{r.newly_under:,.0f}",
                  f"{r.population_affected:,.0f}", f"{r.max_apl_drop:.3f}")  # fmt: skip
    console.print(t)
    if csv is not None:
        rank.to_csv(csv, index=False)
        console.print(f"wrote {len(rank)} sites to {csv}")


def register(app: typer.Typer) -> None:
    """Attach the scenario commands to the main app."""
    app.add_typer(scenario_app, name="scenario")
