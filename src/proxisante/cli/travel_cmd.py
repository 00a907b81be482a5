"""CLI: ``proxisante travel build-network|matrix|calibrate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from proxisante import _fr as fr
from proxisante.cli._common import console, find_territory, progress, user_errors
from proxisante.errors import DataFileError, InputError

# the estimate's defaults shown in --help: the light travel.defaults, not the workspace (CLI
# start-up; the one import of a lower package the contract allows, pyproject.toml)
from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH

travel_app = typer.Typer(help="Travel times: offline estimate, OSRM road network, imported matrix.",
                         no_args_is_help=True)  # fmt: skip


@travel_app.command("build-network")
@user_errors
def build(
    pbf: Annotated[Path, typer.Argument(help="OpenStreetMap extract (.osm.pbf)")],
    out: Annotated[Path | None, typer.Option(help="Folder for the OSRM files")] = None,
    profile: Annotated[str, typer.Option(help="OSRM profile: car, bicycle, foot")] = "car",
) -> None:
    """Prepare a road network for OSRM (extract + partition + customize, MLD)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import build_network

    with progress(f"Construction du réseau OSRM à partir de {pbf.name}…"):
        net = build_network(pbf, out_dir=out, profile=profile)
    console.print(f"[green]réseau prêt :[/] {net}")


def _points(points: Path | None, territory: str | None):
    # deferred: loaded when the command runs, not at CLI start-up
    import pandas as pd

    if (points is None) == (territory is None):
        msg = "give exactly one of --points CSV (id,lat,lon) or --territory SELECTOR"
        raise InputError(msg)
    if territory is not None:
        c = find_territory(territory).communes.dropna(subset=["lat", "lon"])
        return c["code_insee"].to_numpy(), c["lat"].to_numpy(), c["lon"].to_numpy()
    assert points is not None
    if not points.is_file():
        raise DataFileError(str(points), "file not found")
    df = pd.read_csv(points, dtype={"id": str})
    missing = [c for c in ("id", "lat", "lon") if c not in df.columns]
    if missing:
        raise DataFileError(str(points), f"missing column(s) {missing}; expected id,lat,lon")
    return df["id"].to_numpy(), df["lat"].to_numpy(), df["lon"].to_numpy()


@travel_app.command("matrix")
@user_errors
def matrix(
    out: Annotated[Path, typer.Option(help="Output .csv or .parquet (origin,destination,minutes)")],
    provider: Annotated[str, typer.Option(help="estimate | osrm | matrix")] = "estimate",
    points: Annotated[Path | None, typer.Option(help="CSV of points: id,lat,lon")] = None,
    territory: Annotated[str | None, typer.Option("--territory", "-t")] = None,
    cutoff: Annotated[float, typer.Option(help="Cut-off, minutes")] = 30.0,
    network: Annotated[
        Path | None, typer.Option(help="OSRM network (.osrm) for --provider osrm")
    ] = None,
    file: Annotated[Path | None, typer.Option(help="Matrix file for --provider matrix")] = None,
    cache: Annotated[bool, typer.Option(help="Use the on-disk cache (OSRM)")] = True,
    detour_factor: Annotated[
        float, typer.Option(help="Estimate: road ÷ great-circle distance")
    ] = DEFAULT_DETOUR_FACTOR,
    speed_kmh: Annotated[
        float, typer.Option(help="Estimate: mean speed, km/h (see `travel calibrate`)")
    ] = DEFAULT_SPEED_KMH,
) -> None:
    """Travel times between points (all pairs within the cut-off), written in long format."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import table_format, travel_matrix, write_table

    table_format(out, accepted=("csv", "parquet"))
    ids, lat, lon = _points(points, territory)
    with progress(f"Temps de trajet ({provider}) pour {fr.fmt_int(len(ids))} points…"):
        tm, hit = travel_matrix(provider, ids, lat, lon, cutoff_minutes=cutoff, matrix_file=file,
                                network=network, cache=cache, detour_factor=detour_factor,
                                speed_kmh=speed_kmh)  # fmt: skip
    if hit:
        console.print("[dim](depuis le cache)[/]")
    # a travel-time file is read back by proxisante (--travel matrix): the scripts dialect
    write_table(tm.to_frame(), out, layer="travel", accepted=("csv", "parquet"),
                csv_format="international")  # fmt: skip
    console.print(f"{fr.fmt_int(tm.n_pairs)} paires ({provider}, ≤ {fr.fmt_num(cutoff)} min) "
                  f"écrites dans {out}")  # fmt: skip


@travel_app.command("calibrate")
@user_errors
def calibrate(
    network: Annotated[Path, typer.Option(help="OSRM network (.osrm) giving the reference")],
    points: Annotated[Path | None, typer.Option(help="CSV of points: id,lat,lon")] = None,
    territory: Annotated[str | None, typer.Option("--territory", "-t")] = None,
    cutoff: Annotated[float, typer.Option(help="Cut-off of the reference table, minutes")] = 60.0,
) -> None:
    """Fit the offline estimate's speed on OSRM times between the points, and print the fit."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import fit_estimate, osrm_matrix

    ids, lat, lon = _points(points, territory)
    with progress(f"Temps de référence OSRM pour {fr.fmt_int(len(ids))} points…"):
        res = osrm_matrix(ids, lat, lon, ids, lat, lon, network=network, cutoff_minutes=cutoff)
    fit = fit_estimate(res.matrix, lat, lon, lat, lon)
    console.print(fit.describe(), highlight=False, soft_wrap=True)
    console.print(
        f"à utiliser : proxisante travel matrix --provider estimate --speed-kmh "
        f"{fit.speed_kmh:.1f} …",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Attach the travel commands to the main app."""
    app.add_typer(travel_app, name="travel")
