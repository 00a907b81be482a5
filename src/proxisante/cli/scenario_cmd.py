"""CLI: ``proxisante scenario new|edit|import|export|list|run|compare|criticality``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante._output import check_output
from proxisante.catchment import WITHIN_CATCHMENT_SHORT_FR
from proxisante.cli._common import (
    CentreFteOption,
    CsvFormat,
    CsvFormatOption,
    StoreOption,
    console,
    print_table,
    progress,
    user_errors,
    workspace,
)
from proxisante.errors import InputError

scenario_app = typer.Typer(
    help="Scenarios: closures, openings, staff changes, retirements, network break-up.",
    no_args_is_help=True,
)
OptTerritory = Annotated[
    str | None, typer.Option("--territory", "-t", help="Territory selector for the summary")
]


PopulationFileOption = Annotated[
    Path | None,
    typer.Option(help="Population projection CSV (code;annee;population), communes or deps"),
]
PopulationYearOption = Annotated[
    int | None, typer.Option(help="Projection year to keep from --population-file")
]


def _departure_edit(spec: str) -> dict:
    """``COMMUNE:PROFESSION=N`` → a ``departures`` edit."""
    where, sep, count = spec.partition("=")
    commune, colon, profession = where.partition(":")
    if not (sep and colon and count.strip().isdigit() and commune and profession):
        msg = (f"--departure was '{spec}'; expected COMMUNE:PROFESSION=COUNT, e.g. "
               "62523:nurse=2")  # fmt: skip
        raise InputError(msg)
    return {"kind": "departures", "commune": commune.strip(), "profession": profession.strip(),
            "count": int(count)}  # fmt: skip


def _edits_from_options(
    close, operator_exit, open_site, population_file=None, population_year=None, departure=None
) -> list[dict]:
    edits: list[dict] = [_departure_edit(spec) for spec in departure or []]
    if population_file is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.workspace import read_population_projection

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
    departure: Annotated[
        list[str] | None,
        typer.Option(
            help="COMMUNE:PROFESSION=COUNT, professionals leaving a commune (e.g. "
            "62523:nurse=2; gp, nurse, physio, midwife, dentist)"
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Also write it to this .yaml/.json")] = None,
    store: StoreOption = None,
) -> None:
    """Create a scenario from options and save it in the store."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import dump_scenario, parse_scenario

    edits = _edits_from_options(close, operator_exit, open_site, population_file,
                                population_year, departure)  # fmt: skip
    if not edits:
        msg = ("give at least one edit: --close, --operator-exit, --open, --departure or "
               "--population-file")  # fmt: skip
        raise InputError(msg)
    sc = parse_scenario({"name": name, "description": description, "edits": edits})
    if out is not None:  # a bad target is refused before the scenario is saved
        check_output(out)
    with progress("Enregistrement du scénario…"):
        workspace(store).save_scenario(sc, overwrite=False)
    if out is not None:
        dump_scenario(sc, out)
    console.print(f"scénario « {name} » enregistré ({len(edits)} modification(s))")


@scenario_app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="Scenario .yaml/.yml/.json")],
    overwrite: Annotated[bool, typer.Option(help="Replace a scenario of the same name")] = False,
    store: StoreOption = None,
) -> None:
    """Validate a scenario file and save it in the store."""
    with progress("Enregistrement du scénario…"):
        sc = workspace(store).import_scenario(file, overwrite=overwrite)
    console.print(f"scénario « {sc.name} » enregistré depuis {file}")


@scenario_app.command("export")
@user_errors
def export(
    name: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help=".yaml/.yml/.json to write")],
    store: StoreOption = None,
) -> None:
    """Write a stored scenario to a YAML or JSON file."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import dump_scenario

    with progress("Lecture du scénario…"):
        sc = workspace(store).load_scenario(name)
    dump_scenario(sc, file, option="FILE")
    console.print(f"écrit : {file}")


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
    departure: Annotated[
        list[str] | None, typer.Option(help="Add: COMMUNE:PROFESSION=COUNT (e.g. 62523:nurse=2)")
    ] = None,
    remove_edit: Annotated[
        list[int] | None, typer.Option(help="Remove edit number N (1-based, see run)")
    ] = None,
    description: Annotated[str | None, typer.Option()] = None,
    store: StoreOption = None,
) -> None:
    """Add or remove edits of a stored scenario (validated before saving)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import parse_scenario

    with progress("Lecture du scénario…"):
        ws = workspace(store)
        sc = ws.load_scenario(name)
    data = sc.model_dump(mode="json")
    for n in sorted(set(remove_edit or []), reverse=True):
        if not 1 <= n <= len(data["edits"]):
            msg = f"--remove-edit {n}: the scenario has edits 1..{len(data['edits'])}"
            raise InputError(msg)
        del data["edits"][n - 1]
    data["edits"] += _edits_from_options(close, operator_exit, open_site, population_file,
                                         population_year, departure)  # fmt: skip
    if description is not None:
        data["description"] = description
    new_sc = parse_scenario(data)
    with progress("Enregistrement du scénario…"):
        ws.save_scenario(new_sc, overwrite=True)
    console.print(f"scénario « {name} » mis à jour ({len(new_sc.edits)} modification(s))")


@scenario_app.command("list")
@user_errors
def list_(store: StoreOption = None) -> None:
    """List the stored scenarios."""
    with progress("Lecture des scénarios…"):
        rows = workspace(store).scenario_names()
    t = Table("nom", "créé le", "modifié le")
    for name, created, updated in rows:
        t.add_row(name, f"{created:%d/%m/%Y %H:%M}", f"{updated:%d/%m/%Y %H:%M}")
    print_table(t)
    console.print(f"{len(rows)} scénario(s)")


def _summary_table(title: str, summaries: dict[str, dict]) -> Table:
    t = Table(title=title)
    t.add_column("")
    for k in summaries:
        t.add_column(k, justify="right")
    labels = [
        ("population", "population"),
        ("population_after", "population après"),
        ("population_affected", "population dont l'APL change"),
        ("newly_under", "passant sous l'APL 2,5"),
        ("lifted", "repassant au-dessus de 2,5"),
        ("under_before", "sous 2,5 avant"),
        ("under_after", "sous 2,5 après"),
        ("no_gp_after", f"sans médecin généraliste {WITHIN_CATCHMENT_SHORT_FR} après"),
        ("fte_change", "variation des ETP de médecins généralistes"),
        ("consultations_change", "variation des consultations par an"),
        ("ssiad_per_1000_before", "places de SSIAD pour 1 000 habitants de 75 ans ou plus avant"),
        ("ssiad_per_1000_after", "places de SSIAD pour 1 000 habitants de 75 ans ou plus après"),
    ]
    for key, label in labels:
        digits = 1 if key.startswith("ssiad") else 0
        t.add_row(label, *[_fmt(s[key], digits) for s in summaries.values()])
    if all("newly_under_p10" in s for s in summaries.values()):
        # calibrated baseline with an ensemble: ranges of the estimated effects
        t.add_row("passant sous 2,5, P10–P90 (estimé)",
                  *[f"{fr.fmt_int(s['newly_under_p90'])}–{fr.fmt_int(s['newly_under_p10'])}"
                    for s in summaries.values()])  # fmt: skip
        t.add_row("ΔAPL moyen, P10–P90 (estimé)",
                  *[f"{fr.fmt_signed_dec(s['mean_delta_apl_p10'], 4)} à "
                    f"{fr.fmt_signed_dec(s['mean_delta_apl_p90'], 4)}"
                    for s in summaries.values()])  # fmt: skip
    return t


def _fmt(value: float, digits: int) -> str:
    """A number in French; « non disponible (voir la note) » when missing."""
    if value != value:
        return "non disponible (voir la note)"
    return fr.fmt_dec(value, digits) if digits else fr.fmt_int(value)


#: French name of each kind of scenario edit (the YAML ``kind`` is shown beside it).
EDIT_KIND_FR = {
    "close_sites": "fermeture de sites",
    "open_site": "ouverture d'un site",
    "change_staff": "changement d'effectifs",
    "change_capacity": "changement de places",
    "retirements": "départs à la retraite",
    "departures": "départs de professionnels d'une commune",
    "operator_exit": "retrait d'un opérateur",
    "population_change": "changement de population",
    "population_projection": "projection de population",
}


def _professions_table(table, label: str) -> Table:
    """Access to the other professions before/after (:meth:`ScenarioResult.profession_table`)."""
    t = Table(title=f"Accès aux autres professions (estimé) — {label}")
    for col in ("profession", "unité", "avant", "après", "variation", "ETP"):
        t.add_column(col, justify="left" if col in ("profession", "unité") else "right")
    for r in table.itertuples():
        t.add_row(r.short_fr, r.unit_short_fr, _fmt(r.before, 1), _fmt(r.after, 1),
                  fr.fmt_signed_dec(r.delta, 2), fr.fmt_signed_dec(r.fte_change, 1))  # fmt: skip
    return t


def _home_care_table(hc, label: str) -> Table:
    """Home-care and prevention indicators before/after (:meth:`ScenarioResult.home_care`)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.professions import PROFESSIONS

    nurses = PROFESSIONS["nurse"].plural_fr
    t = Table(title=f"Soins à domicile et prévention — {label}")
    t.add_column("")
    t.add_column("avant", justify="right")
    t.add_column("après", justify="right")
    rows = [
        (f"{nurses} accessibles pour 1 000 habitants de 75 ans ou plus (estimé)",
         hc.nurses_before, hc.nurses_after, 1),
        ("places de SSIAD accessibles pour 1 000 habitants de 75 ans ou plus", hc.ssiad_before,
         hc.ssiad_after, 1),
        ("places de SSIAD du territoire pour 1 000 habitants de 75 ans ou plus (taux DREES)",
         hc.ssiad_rate[0].per_1000, hc.ssiad_rate[1].per_1000, 1),
        ("places d'EHPAD accessibles pour 1 000 habitants de 75 ans ou plus",
         hc.ehpad_before, hc.ehpad_after, 1),
    ]  # fmt: skip
    labels = {"screening_50_74": "50-74 ans à portée d'un centre de santé",
              "flu_65_plus": "65 ans ou plus à portée d'un centre de santé",
              "home_75_plus": "75 ans ou plus à portée d'un centre de santé"}  # fmt: skip
    for key, row in hc.prevention.iterrows():
        rows.append((labels.get(key, key), row["before"], row["after"], 0))
    # services whose number only is known (INSEE BPE): « places inconnues », not missing data
    unknown = hc.ssiad_rate[0].count_only or "places inconnues" in hc.ssiad_note + hc.ehpad_note
    for name, before, after, digits in rows:
        if unknown and name.startswith("places") and (before != before or after != after):
            t.add_row(name, *("places inconnues (voir la note)" if v != v else _fmt(v, digits)
                              for v in (before, after)))  # fmt: skip
            continue
        t.add_row(name, _fmt(before, digits), _fmt(after, digits))
    t.add_row(f"variation des ETP d'{nurses} (scénario)", "",
              fr.fmt_signed_dec(hc.nurse_fte_change, 1))  # fmt: skip
    return t


ImpactsCsv = Annotated[
    Path | None,
    typer.Option(help="Write per-commune impacts (CSV, French columns, names, rounded)"),
]
ImpactsXlsx = Annotated[
    Path | None, typer.Option(help="Write per-commune impacts (xlsx, with « Sources »)")
]
FullSupply = Annotated[
    Path | None,
    typer.Option(
        help="GP supply of EVERY commune (CSV: commune, fte and/or consultations): "
        "recompute the APL instead of using the DREES baseline"
    ),
]


@scenario_app.command("run")
@user_errors
def run(
    ref: Annotated[str, typer.Argument(help="Stored scenario name or .yaml/.json file")],
    territory: OptTerritory = None,
    report: Annotated[Path | None, typer.Option(help="Write the French HTML report")] = None,
    csv: ImpactsCsv = None,
    xlsx: ImpactsXlsx = None,
    full_supply: FullSupply = None,
    travel: Annotated[
        str, typer.Option(help="estimate | osrm | matrix (travel times)")
    ] = "estimate",
    matrix: Annotated[Path | None, typer.Option(help="Matrix file for --travel matrix")] = None,
    network: Annotated[Path | None, typer.Option(help="OSRM network for --travel osrm")] = None,
    centre_gp_fte_per_person: CentreFteOption = None,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Evaluate a scenario: per-commune ΔAPL, people crossing the 2.5 threshold.

    By default the official DREES APL is the baseline and supply changes are computed in
    the calibrated model (`proxisante model show`: the change of its APL, loss or gain, is
    added to the official APL, never below 0; P10–P90 ranges from its ensemble); with
    --full-supply the APL is recomputed (population changes too).
    """
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import table_format

    for path, fmt in ((csv, "csv"), (xlsx, "xlsx")):
        if path is not None:  # refused before the evaluation, not after it
            table_format(path, accepted=(fmt,), option=f"--{fmt}")
            check_output(path, option=f"--{fmt}")
    if report is not None:
        check_output(report, option="--report")
    with progress("Évaluation…"):
        ws = workspace(store, centre_gp_fte_per_person=centre_gp_fte_per_person)
        sc = ws.load_scenario(ref)
        supply = None if full_supply is None else ws.supply_per_commune(full_supply)
        baseline = None
        if travel != "estimate":
            baseline = ws.baseline(sc.baseline_year, travel=travel, territory=territory,
                                   matrix_file=matrix, network=network)  # fmt: skip
        res = ws.evaluate(sc, baseline=baseline, full_supply=supply)
        terr = ws.territory(territory) if territory else None
    codes = terr.codes if terr is not None else None
    everywhere = "toutes les communes"
    summaries = {everywhere: res.summary()}
    if terr is not None:
        summaries = {terr.label: res.summary(codes)} | summaries
    print_table(_summary_table(f"Scénario « {sc.name} »", summaries))
    console.print(f"[dim]Méthode : {res.method}[/]")
    for i, e in enumerate(sc.edits, start=1):
        console.print(f"[dim]modification {i} : {EDIT_KIND_FR.get(e.kind, e.kind)} ({e.kind})[/]")
    for note in res.notes:
        console.print(f"[yellow]note :[/] {note}")
    with progress("Accès aux autres professions…"):
        prof = res.profession_table(codes)
    console.print(_professions_table(prof, terr.label if terr is not None else everywhere))
    console.print("[dim]Accès estimé : APL selon la méthode DREES de chaque profession, offre "
                  "libérale INSEE BPE 2021 (1 professionnel = 1 ETP) et personnel salarié connu ; "
                  "`proxisante apl --profession` pour le détail et les hypothèses.[/]")  # fmt: skip
    hc = _print_home_care(res, codes, terr.label if terr is not None else everywhere)
    if csv is not None or xlsx is not None:
        with progress("Écriture des effets par commune…"):
            _write_impacts(ws, res, codes, csv=csv, xlsx=xlsx, official=full_supply is None,
                           csv_format=csv_format)  # fmt: skip
    if report is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report import territory_report, write_html

        if terr is None:
            msg = "--report needs --territory (the territory the report is about)"
            raise InputError(msg)
        with progress(f"Rapport sur {terr.label}…"):
            rep = territory_report(ws, terr, scenario=res, home_care=hc)
            write_html(rep, report, option="--report")
        console.print(f"[green]écrit :[/] {report}")


def _print_home_care(res, codes, label: str):
    """The home-care and prevention before/after of a scenario over ``codes``, its SSIAD
    notes and the estimate sentence; returns the :class:`~proxisante.needs.HomeCareChange`."""
    with progress("Soins à domicile et prévention…"):
        hc = res.home_care(codes)
    print_table(_home_care_table(hc, label))
    ssiad_before, ssiad_after = res.ssiad(codes)
    if not (ssiad_before.available and ssiad_after.available) or ssiad_after.population_note:
        console.print(
            "[yellow]note :[/] places de SSIAD pour 1 000 habitants de 75 ans ou plus : avant "
            f"{ssiad_before.text_fr()} ; après {ssiad_after.text_fr()}"
        )
    if hc.ssiad_missing:
        console.print(f"[yellow]note :[/] places de SSIAD accessibles avant : {hc.ssiad_missing}")
    if hc.ssiad_after_note:
        console.print(f"[yellow]note :[/] places de SSIAD accessibles après : "
                      f"{hc.ssiad_after_note}")  # fmt: skip
    for what, note in (("de SSIAD", hc.ssiad_note), ("d'EHPAD", hc.ehpad_note)):
        if note:
            console.print(f"[yellow]note :[/] places {what} accessibles : {note}")
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import DEFAULT_CUTOFF_MINUTES, ESTIMATE_SENTENCE_FR

    console.print(f"[dim]{ESTIMATE_SENTENCE_FR.format(cutoff=DEFAULT_CUTOFF_MINUTES)}[/]")
    return hc


def _write_impacts(ws, res, codes, *, csv: Path | None, xlsx: Path | None,
                   official: bool, csv_format: str = "fr") -> None:  # fmt: skip
    """Write a scenario's per-commune impacts (:func:`scenario_communes_table`)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.report.exports import scenario_communes_table
    from proxisante.sources import (
        BPE2021_SOURCE,
        COMMUNES_SOURCE,
        FINESS_SOURCE,
        apl_source,
        page_sources,
    )
    from proxisante.workspace import load_communes, write_table

    c = res.communes if codes is None else res.communes[res.communes["code_insee"].isin(codes)]
    year = res.scenario.baseline_year
    baseline = f"officielle DREES {year}" if official else "calculée (offre fournie)"
    table = scenario_communes_table(c, load_communes(), baseline=baseline, method=res.method,
                                    professions=res.profession_communes(codes))  # fmt: skip
    sites = ws.offer().sites
    closed = res.changes["site_id"] if len(res.changes) else []
    sources = [apl_source(year), BPE2021_SOURCE, FINESS_SOURCE, COMMUNES_SOURCE,
               *page_sources(sites[sites["site_id"].isin(closed)])]  # fmt: skip
    for path, fmt in ((csv, "csv"), (xlsx, "xlsx")):
        if path is not None:
            write_table(table, path, layer="impacts", accepted=(fmt,), option=f"--{fmt}",
                        sources=sources, csv_format=csv_format)  # fmt: skip
            console.print(f"{fr.fmt_int(len(table))} communes écrites dans {path}")


@scenario_app.command("compare")
@user_errors
def compare(
    first: Annotated[str, typer.Argument(help="Scenario name or file")],
    second: Annotated[str, typer.Argument(help="Scenario name or file")],
    territory: OptTerritory = None,
    csv: Annotated[
        Path | None, typer.Option(help="Per-commune comparison (CSV, French columns)")
    ] = None,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Compare two scenarios side by side (aggregates and per commune)."""
    with progress(f"Évaluation de « {first} » et « {second} »…"):
        ws = workspace(store)
        a, b = ws.load_scenario(first), ws.load_scenario(second)
        ra, rb = ws.evaluate(a), ws.evaluate(b)
        codes = ws.territory(territory).codes if territory else None
    console.print(
        _summary_table("Comparaison", {a.name: ra.summary(codes), b.name: rb.summary(codes)})
    )
    if csv is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report.exports import scenario_comparison_table
        from proxisante.workspace import load_communes, write_table

        ca, cb = ra.communes, rb.communes
        if codes is not None:
            ca, cb = ca[ca["code_insee"].isin(codes)], cb[cb["code_insee"].isin(codes)]
        m = scenario_comparison_table(ca, cb, load_communes(), names=(a.name, b.name))
        write_table(m, csv, accepted=("csv",), option="--csv", csv_format=csv_format)
        console.print(f"{fr.fmt_int(len(m))} communes écrites dans {csv}")


@scenario_app.command("criticality")
@user_errors
def criticality(
    operator: Annotated[str, typer.Option(help="Operator whose sites are ranked")] = "filieris",
    territory: OptTerritory = None,
    csv: Annotated[
        Path | None, typer.Option(help="Write the ranking (CSV, French columns)")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Write the ranking (xlsx, with a « Sources » sheet)")
    ] = None,
    centre_gp_fte_per_person: CentreFteOption = None,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Rank an operator's sites by the impact of closing each one alone.

    Effects come from the calibrated model (P10–P90 ranges of its ensemble); a centre de
    santé whose GP staff is unknown gets an estimated effect (« estimé », with its range),
    other sites with unknown staff are listed as unknown (not 0)."""
    with progress(f"Fermeture de chaque site {operator}, l'un après l'autre…"):
        ws = workspace(store, centre_gp_fte_per_person=centre_gp_fte_per_person)
        rank = ws.criticality(operator=operator, territory=territory)
    ranged = "newly_under_p10" in rank.columns
    from proxisante.workspace import load_communes  # deferred: pandas only when it runs

    town = load_communes().drop_duplicates("code_insee").set_index("code_insee")["nom"]
    t = Table(title=f"Criticité des sites {operator} (fermeture de chacun seul)")
    cols = ["#", "site", "commune", "ETP médecins", "passant < 2,5", "pop. touchée",
            "baisse max. APL"]  # fmt: skip
    if ranged:
        cols += ["passant < 2,5 P10–P90", "baisse max. P10–P90"]
    for col in cols:
        t.add_column(col, justify="left" if col == "site" else "right")
    for r in rank.itertuples():
        estimated = bool(getattr(r, "gp_estimated", False))
        if r.gp_staff_known:
            fte = fr.fmt_num(r.gp_fte, 2)
        elif estimated:
            fte = (f"{fr.fmt_dec(r.consultations_lost / 5400, 1)} estimé "
                   f"({fr.fmt_dec(r.consultations_low / 5400, 1)}–"
                   f"{fr.fmt_dec(r.consultations_high / 5400, 1)})")  # fmt: skip
        else:
            fte = "inconnu"
        row = [str(r.rank), r.name, f"{town.get(r.commune, r.commune)} ({r.commune})", fte,
               fr.fmt_int(r.newly_under),
               fr.fmt_int(r.population_affected), fr.fmt_dec(r.max_apl_drop, 3)]  # fmt: skip
        if ranged:
            has = r.newly_under_p10 == r.newly_under_p10  # not NaN
            under = f"{fr.fmt_int(r.newly_under_p10)}–{fr.fmt_int(r.newly_under_p90)}"
            drop = f"{fr.fmt_dec(r.max_apl_drop_p10, 3)}–{fr.fmt_dec(r.max_apl_drop_p90, 3)}"
            row += [under, drop] if has else ["", ""]
        t.add_row(*row)
    print_table(t, key_columns=2, note="toutes les colonnes, avec les fourchettes : --csv")
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import headcount_note_fr

    console.print(f"[dim]{headcount_note_fr(ws.offer().centre_gp_fte_per_person)}[/]")
    if "gp_estimated" in rank.columns and rank["gp_estimated"].any():
        console.print("[dim]estimé : " + next(m for m in rank["estimate_method"] if m)
                      .split(", retirée")[0].removeprefix("estimé : ") + "[/]")  # fmt: skip
    if csv is not None or xlsx is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report.exports import criticality_table
        from proxisante.sources import (
            COMMUNES_SOURCE,
            FINESS_SOURCE,
            apl_source,
            page_sources,
        )
        from proxisante.workspace import load_communes, write_table

        table = criticality_table(rank, load_communes())
        sites = ws.offer().sites
        cited = sites[sites["site_id"].isin(rank["site_id"])]
        sources = [apl_source(2023), FINESS_SOURCE, COMMUNES_SOURCE, *page_sources(cited)]
        for path, fmt in ((csv, "csv"), (xlsx, "xlsx")):
            if path is not None:
                write_table(table, path, layer="criticite", accepted=(fmt,),
                            option=f"--{fmt}", sources=sources, csv_format=csv_format)  # fmt: skip
                console.print(f"{fr.fmt_int(len(table))} sites écrits dans {path}")


def register(app: typer.Typer) -> None:
    """Attach the scenario commands to the main app."""
    app.add_typer(scenario_app, name="scenario")
