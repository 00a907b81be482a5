"""CLI: ``proxisante model`` — calibrate the national GP model and show its fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.cli._common import StoreOption, console, progress, user_errors
from proxisante.errors import InputError

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
    folds: Annotated[int, typer.Option(help="Département folds for held-out validation")] = 4,
    ensemble: Annotated[bool, typer.Option(help="Fit the ensemble (ranges)")] = True,
    scheduler: Annotated[
        str | None, typer.Option(help="dask.distributed scheduler address (default: local)")
    ] = None,
    iterations: Annotated[int, typer.Option(help="Iterations of the supply fit")] = 200,
    store: StoreOption = None,
) -> None:
    """Fit GP supply per commune (and offline travel speeds) to the official APL of YEAR.

    Writes a versioned model (Parquet, with its inputs' provenance and fit figures) into the
    store; `scenario run` and `scenario criticality` then use it instead of the bundled 2023
    model (plans and `access` use the bundled model).
    """
    import time

    import numpy as np
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from proxisante.model import calibrate, load_inputs
    from proxisante.model.artefact import model_from_calibration, save_store_model
    from proxisante.model.ensemble import run_ensemble
    from proxisante.model.inputs import input_provenance
    from proxisante.store import Store

    if travel not in ("estimate", "osrm", "matrix"):
        msg = f"--travel was '{travel}'; expected estimate, osrm or matrix"
        raise InputError(msg)
    if folds == 1 or folds < 0:
        msg = f"--folds was {folds}; expected 0 (no held-out validation) or ≥ 2"
        raise InputError(msg)
    with progress(f"Lecture des données de calibration ({year})…"):
        inputs = load_inputs(year)
        provenance = input_provenance(year)
    if supply is not None:
        from proxisante.access.supply_file import read_supply_file

        table = read_supply_file(supply, profession="gp", unit="consultations")
        known = table.groupby("destination")["supply"].sum()
        inputs = inputs.with_known_supply(known.index.to_numpy(), known.to_numpy())
        provenance["known_supply"] = f"{supply.name} ({len(known)} communes)"
    minutes = None
    if travel != "estimate":
        minutes = _given_minutes(travel, inputs, network=network, matrix=matrix)
        provenance["travel"] = f"{travel}: {(network or matrix).name}"
    with Store(store) as st:  # opened (and migrated) first: a locked store fails before fitting
        path = st.path
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task("calibration", total=None)

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"calibration ({stage})", completed=done, total=total)

        cal = calibrate(
            inputs,
            folds=folds,
            iterations=iterations,
            minutes=minutes,
            travel_provider=travel,
            progress=advance,
        )
        members = []
        if ensemble and minutes is None:
            etask = bar.add_task("ensemble", total=None)
            t0 = time.perf_counter()
            members = run_ensemble(
                cal,
                scheduler=scheduler,
                iterations=iterations,
                progress=lambda d, t: bar.update(etask, completed=d, total=t),
            )
            cal.figures["timings_s"]["ensemble"] = time.perf_counter() - t0
    model = model_from_calibration(cal, members=members, provenance=provenance)
    with Store(path) as st:
        model_id = save_store_model(st, model)
    _print_figures(model.metadata)
    console.print(
        f"modèle {model_id} écrit dans la base {path} "
        f"({fr.fmt_int(np.sum(cal.consultations > 0))} communes avec une offre)"
    )


def _given_minutes(travel: str, inputs, *, network, matrix):
    """User travel times over the calibrated communes; a missing commune is refused."""
    import numpy as np

    from proxisante.access.decay import DREES_APL_STEP
    from proxisante.travel import travel_matrix

    tm, _ = travel_matrix(
        travel,
        inputs.codes,
        inputs.lat,
        inputs.lon,
        cutoff_minutes=DREES_APL_STEP.max_minutes,
        matrix_file=matrix,
        network=network,
    )
    m = tm.minutes.tocsr()
    empty = np.diff(m.indptr) == 0
    if empty.any():
        first = str(tm.origin_ids[np.flatnonzero(empty)[0]])
        msg = (
            f"travel {travel}: commune '{first}' has no travel time ({int(empty.sum())} "
            "communes missing); expected every commune with an official APL "
            "(rows origin,destination,minutes, each commune to itself at least)"
        )
        raise InputError(msg)
    return m


def _print_figures(meta: dict) -> None:
    figs = meta["figures"]
    t = Table(title=f"Modèle calibré des médecins généralistes {meta['model_id']} — APL "
              f"{meta['year']}")  # fmt: skip
    t.add_column("validation")
    for col in ("communes", "r", "EAM", "EAM (pop.)", "même côté de 2,5", "même côté de 4"):
        t.add_column(col, justify="right")
    for key, label in (("in_sample", "sur l'échantillon d'ajustement"),
                       ("held_out", "hors échantillon, par département")):  # fmt: skip
        f = figs.get(key)
        if f:
            t.add_row(label, fr.fmt_int(f["n"]), fr.fmt_dec(f["r"], 3), fr.fmt_dec(f["mae"], 3),
                      fr.fmt_dec(f["mae_pop"], 3), fr.fmt_pct(f["same_side_2_5"]),
                      fr.fmt_pct(f["same_side_4"]))  # fmt: skip
    console.print(t)
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
        f"Consultations par médecin : {fr.fmt_int(meta['consultations_per_gp'])} ; médecins "
        f"estimés : {fr.fmt_int(figs['gp_total'])} ; membres de l'ensemble : "
        f"{len(meta.get('ensemble', []))}"
    )
    timings = figs.get("timings_s", {})
    if timings:
        line = f"Durée de la calibration : {fr.fmt_int(timings.get('total', float('nan')))} s"
        if "ensemble" in timings:
            line += f" + ensemble {fr.fmt_int(timings['ensemble'])} s"
        console.print(line)


@model_app.command("show")
@user_errors
def show_cmd(
    model_id: Annotated[str | None, typer.Option("--id", help="Model id in the store")] = None,
    list_models: Annotated[bool, typer.Option("--list", help="List the store's models")] = False,
    bundled: Annotated[bool, typer.Option(help="Show the bundled model")] = False,
    store: StoreOption = None,
) -> None:
    """Print the fit figures of the model in use (the store's newest, else the bundled one)."""
    with progress("Lecture du modèle…"):  # imports and reading take 2-3 s
        from proxisante.model.artefact import bundled_model, list_store_models, load_store_model
        from proxisante.store import Store

        if bundled:
            model = bundled_model()
        else:
            with Store(store) as st:
                if list_models:
                    df = list_store_models(st)
                else:
                    model = load_store_model(st, model_id)
            if not list_models and model is None:
                console.print("(aucun modèle dans la base : le modèle fourni avec proxisante)")
                model = bundled_model()
    if list_models and not bundled:
        if df.empty:
            console.print("aucun modèle calibré dans la base (le modèle fourni avec proxisante "
                          "est utilisé)")  # fmt: skip
        for r in df.itertuples():
            console.print(f"{r.model_id}  APL {r.year}  {r.created_at:%d/%m/%Y %H:%M}")
        return
    _print_figures(model.metadata)


def register(app: typer.Typer) -> None:
    """Attach the model sub-app to the main app."""
    app.add_typer(model_app, name="model")
