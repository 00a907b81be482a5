"""CLI: ``proxisante model`` — calibrate the national GP model and show its fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.cli._common import (
    StoreOption,
    console,
    print_table,
    progress,
    user_errors,
    whole,
    workspace,
)

model_app = typer.Typer(
    help="The calibrated national model of GP access (supply and travel fitted to the APL).",
    no_args_is_help=True,
)


@model_app.command("calibrate")
@user_errors
def calibrate_cmd(
    year: Annotated[int, typer.Option(help="APL millésime to reproduce (2022 or 2023)")] = 2023,
    travel: Annotated[
        str, typer.Option(help="estimate (calibrated offline model) | osrm | matrix")
    ] = "estimate",
    network: Annotated[Path | None, typer.Option(help="OSRM network (.osrm)")] = None,
    matrix: Annotated[
        Path | None, typer.Option(help="Travel-time file (origin,destination,minutes)")
    ] = None,
    supply: Annotated[
        Path | None,
        typer.Option(
            help="Known GP supply (CSV commune, fte and/or consultations): replaces "
            "the estimate in those communes"
        ),
    ] = None,
    folds: Annotated[
        int, typer.Option(parser=whole("--folds"), help="Département folds for held-out validation")
    ] = 4,
    ensemble: Annotated[bool, typer.Option(help="Fit the ensemble (ranges)")] = True,
    scheduler: Annotated[
        str | None, typer.Option(help="dask.distributed scheduler address (default: local)")
    ] = None,
    iterations: Annotated[
        int, typer.Option(parser=whole("--iterations"), help="Iterations of the supply fit")
    ] = 200,
    store: StoreOption = None,
) -> None:
    """Fit GP supply per commune (and offline travel speeds) to the official APL of YEAR.

    Writes a versioned model (Parquet, with its inputs' provenance and fit figures) into the
    store; `scenario run` and `scenario criticality` then use it instead of the bundled 2023
    model (plans and `access` use the bundled model).
    """
    # deferred: the model's libraries load only when this command runs (CLI start-up)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from proxisante.workspace import CalibrationRequest

    request = CalibrationRequest(year=year, travel=travel, network=network, matrix=matrix,
                                 supply=supply, folds=folds, ensemble=ensemble,
                                 scheduler=scheduler, iterations=iterations)  # fmt: skip
    request.check()
    ws = workspace(store)
    with progress(f"Lecture des données de calibration ({year})…"):
        prepared = ws.prepare_calibration(request)
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as bar:
        task, tasks = bar.add_task("calibration", total=None), {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage != "ensemble":
                bar.update(task, description=f"calibration ({stage})", completed=done,
                           total=total)  # fmt: skip
            elif "ensemble" not in tasks:
                tasks["ensemble"] = bar.add_task("ensemble", total=None)
            else:
                bar.update(tasks["ensemble"], completed=done, total=total)

        done = ws.calibrate_model(prepared, progress=advance)
    _print_figures(done.model.metadata)
    console.print(
        f"modèle {done.model_id} écrit dans la base {done.store_path} "
        f"({fr.fmt_int(done.communes_with_supply)} communes avec une offre)"
    )


def _print_figures(meta: dict) -> None:
    figs = meta["figures"]
    t = Table(title=f"Modèle calibré des médecins généralistes {meta['model_id']} — APL "
              f"{meta['year']}")  # fmt: skip
    t.add_column("validation")
    for col in ("communes", "r", "EAM", "EAM (pop.)", "même côté de 2,5", "même côté de 4"):
        t.add_column(col, justify="right")
    for key, label in (("in_sample", "sur l'échantillon d'ajustement"),
                       ("prior_only", "a priori seul (BPE 2021), sans ajustement"),
                       ("held_out", "hors échantillon, par département"),
                       ("prior_only_held_out", "a priori seul, hors échantillon"),
                       ("in_sample_under65", "médecins de moins de 65 ans")):  # fmt: skip
        f = figs.get(key)
        if f:
            t.add_row(label, fr.fmt_int(f["n"]), fr.fmt_dec(f["r"], 3), fr.fmt_dec(f["mae"], 3),
                      fr.fmt_dec(f["mae_pop"], 3), fr.fmt_pct(f["same_side_2_5"]),
                      fr.fmt_pct(f["same_side_4"]))  # fmt: skip
    print_table(t)
    _print_plausibility(figs)
    d = figs["departement_totals"]
    console.print(
        f"Nombre de médecins généralistes par département comparé à l'INSEE 2024 : "
        f"{d['within_tolerance']}/{d['n']} à ±{fr.fmt_pct(d['tolerance'], 0)} près (plus grand "
        f"écart relatif, en valeur absolue : {fr.fmt_pct(d['max_abs_relative_deviation'])}, "
        f"département {d['worst']})"
    )
    tr = meta["travel"]
    if "speed_kmh" in tr:
        v = ", ".join(fr.fmt_num(s) for s in tr["speed_kmh"])
        console.print(
            f"Trajets : vitesses {v} km/h (rural, petit urbain, grand urbain), détour "
            f"{fr.fmt_num(tr['detour_factor'])}, temps terminal "
            f"{fr.fmt_num(tr['terminal_minutes'])} min"
        )
    else:
        console.print(f"Trajets : temps {tr.get('provider')} fournis par l'utilisateur")
    console.print(
        f"Consultations par médecin libéral (moyenne nationale) : "
        f"{fr.fmt_int(meta['consultations_per_gp'])} ; médecins "
        f"estimés : {fr.fmt_int(figs['gp_total'])} ; membres de l'ensemble : "
        f"{len(meta.get('ensemble', []))}"
    )
    timings = figs.get("timings_s", {})
    if timings:
        line = f"Durée de la calibration : {fr.fmt_int(timings.get('total', float('nan')))} s"
        if "ensemble" in timings:
            line += f" + ensemble {fr.fmt_int(timings['ensemble'])} s"
        console.print(line)


def _print_plausibility(figs: dict) -> None:
    """Residual, ranges and where the modelled GPs sit (a model of real doctors)."""
    console.print("Résidu par commune = APL officielle − APL du modèle : ce que l'offre "
                  "plausible ne peut expliquer (colonne residual de --csv).")  # fmt: skip
    cov = figs.get("coverage_held_out")
    if cov:
        console.print(
            f"Hors échantillon, l'APL officielle est dans la fourchette P10–P90 du modèle et "
            f"de son ensemble (chaque membre ajusté sans l'APL du département) pour "
            f"{fr.fmt_pct(cov['share'])} des communes "
            f"({fr.fmt_pct(cov['share_pop'])} de la population standardisée)"
        )
    r = figs.get("reach")
    if r and r["communes"]:
        console.print(
            f"Temps de trajet corrigés par l'APL officielle (une commune à APL nulle n'atteint "
            f"aucun médecin en 20 min ; un effectif connu ne donne pas plus que l'APL "
            f"officielle) : {fr.fmt_int(r['communes'])} communes, "
            f"{fr.fmt_int(r['pairs_farther'])} trajets allongés d'un palier, "
            f"{fr.fmt_int(r['pairs_removed'])} au-delà de 20 min"
        )
    p = figs.get("plausibility")
    if p:
        console.print(
            f"Médecins du modèle dans des communes sans médecin BPE 2021 ni effectif connu : "
            f"{fr.fmt_pct(p['share_where_none'])} ; communes de moins de 1 000 habitants au-delà "
            f"du décompte BPE + 2 : {fr.fmt_int(p['small_over_bpe_plus_2'])}"
        )
    if "gp65_total" in figs:
        console.print(f"Médecins de 65 ans ou plus (estimé) : {fr.fmt_int(figs['gp65_total'])}")


@model_app.command("show")
@user_errors
def show_cmd(
    model_id: Annotated[str | None, typer.Option("--id", help="Model id in the store")] = None,
    list_models: Annotated[bool, typer.Option("--list", help="List the store's models")] = False,
    bundled: Annotated[bool, typer.Option(help="Show the bundled model")] = False,
    csv: Annotated[
        Path | None,
        typer.Option(help="Write one row per commune (supply, GPs, GPs 65+, residual) to FILE"),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Print the fit figures of the model in use (the store's newest, else the bundled one)."""
    with progress("Lecture du modèle…"):  # imports and reading take 2-3 s
        ws = workspace(store)
        if list_models and not bundled:
            df = ws.stored_models()
        else:
            model = ws.read_model(model_id, bundled=bundled)
            if model is None:
                console.print("(aucun modèle dans la base : le modèle fourni avec proxisante)")
                model = ws.read_model(bundled=True)
    if list_models and not bundled:
        if df.empty:
            console.print("aucun modèle calibré dans la base (le modèle fourni avec proxisante "
                          "est utilisé)")  # fmt: skip
        for r in df.itertuples():
            console.print(f"{r.model_id}  APL {r.year}  {r.created_at:%d/%m/%Y %H:%M}")
        return
    _print_figures(model.metadata)
    if csv is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.workspace import write_table

        with progress("Tableau par commune…"):
            table = ws.model_communes(model)
            write_table(table, csv, accepted=("csv",), option="--csv")
        console.print(f"{fr.fmt_int(len(table))} communes écrites dans {csv}")


def register(app: typer.Typer) -> None:
    """Attach the model sub-app to the main app."""
    app.add_typer(model_app, name="model")
