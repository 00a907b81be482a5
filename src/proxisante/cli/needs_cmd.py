"""CLI: ``proxisante needs show|communes|prevention`` — needs, home care and prevention."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.catchment import WITHIN_CATCHMENT_SHORT_FR
from proxisante.cli._common import (
    CsvFormat,
    CsvFormatOption,
    StoreOption,
    console,
    print_table,
    progress,
    user_errors,
    workspace,
)

needs_app = typer.Typer(
    help="Needs of the population (age, ALD, poverty, life expectancy), home care (nurses, "
    "SSIAD) and the prevention reach of health centres.",
    no_args_is_help=True,
)
Territory = Annotated[str, typer.Option("--territory", "-t", help="Territory selector")]


def register(app: typer.Typer) -> None:
    """Attach the ``needs`` commands to the main app."""
    app.add_typer(needs_app, name="needs")


def _num(x: float, digits: int = 1) -> str:
    """A number in French (comma, narrow no-break thousands separator), « — » when missing."""
    return fr.fmt_dec(x, digits) if digits else fr.fmt_int(x)


@needs_app.command("show")
@user_errors
def show(
    territory: Territory,
    csv: Annotated[Path | None, typer.Option(help="Write the comparison (CSV/xlsx)")] = None,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """The territory against its département and France: 75+, ALD, poverty, life expectancy,
    nurses and SSIAD places within reach per 1,000 aged 75+ (each with level, source, year)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import DEFAULT_CUTOFF_MINUTES, ESTIMATE_SENTENCE_FR, write_table

    with progress("Indicateurs de besoins…"):
        ws = workspace(store)
        comp = ws.territory_needs(territory)
    t = Table(title=f"{comp.label} — {comp.departement_name} — France")
    for col in ("indicateur", "territoire", "département", "France", "niveau, source, année"):
        t.add_column(
            col, justify="left" if col in ("indicateur", "niveau, source, année") else "right"
        )
    for r in comp.rows:
        ind = r.indicator
        year = f", {ind.year}" if ind.year else ""
        t.add_row(f"{ind.label_fr} ({ind.unit_fr})",
                  r.territory_text or _num(r.territory, ind.digits),
                  r.departement_text or _num(r.departement, ind.digits), _num(r.france, ind.digits),
                  f"{ind.level} ; {ind.source}{year}")  # fmt: skip
    print_table(t)
    console.print(
        f"[dim]{fr.fmt_int(comp.approximate_communes)} commune(s) sur "
        f"{fr.fmt_int(comp.communes)} rattachée(s) à leur bassin de vie 2022 de façon "
        "approchée (par les bassins de 2012)[/]"
    )
    for note in comp.notes:
        console.print(f"[yellow]note :[/] {note}")
    console.print(f"[dim]{ESTIMATE_SENTENCE_FR.format(cutoff=DEFAULT_CUTOFF_MINUTES)}[/]")
    if csv is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report.exports import needs_comparison_table
        from proxisante.sources import needs_sources

        write_table(needs_comparison_table(comp.to_frame()), csv, option="--csv",
                    csv_format=csv_format, layer="besoins", sources=needs_sources())  # fmt: skip
        console.print(f"[green]écrit :[/] {csv}")


@needs_app.command("communes")
@user_errors
def communes(
    territory: Territory,
    out: Annotated[Path, typer.Option(help="Output table (.csv, .xlsx, .gpkg, .parquet)")],
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """One row per commune: population by age (estimated or INSEE), bassin-de-vie and
    département figures, nurses and SSIAD places within reach per 1,000 aged 75+."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import write_table

    with progress("Indicateurs de besoins…"):
        ws = workspace(store)
        table = ws.needs_table(territory)
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.report.exports import needs_communes_table
    from proxisante.sources import needs_sources

    write_table(needs_communes_table(table), out, csv_format=csv_format, layer="besoins",
                sources=needs_sources())  # fmt: skip
    console.print(f"[green]{fr.fmt_int(len(table))} communes écrites dans[/] {out}")


@needs_app.command("prevention")
@user_errors
def prevention(
    territory: Annotated[str | None, typer.Option("--territory", "-t")] = None,
    operator: Annotated[str | None, typer.Option(help="Only this operator, e.g. filieris")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the table (.csv, .xlsx…)")] = None,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Prevention target populations (50-74, 65+, 75+) within reach of each open health centre,
    and how many have no other centre within reach (what a closure would leave without)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import write_table

    with progress("Portée de prévention des centres…"):
        ws = workspace(store)
        reach = ws.prevention_reach(territory, operator)
    t = Table(title=f"Portée de prévention des centres de santé (habitants "
                    f"{WITHIN_CATCHMENT_SHORT_FR})")  # fmt: skip
    for col in ("centre", "50-74 ans", "seul centre", "65 ans ou plus", "seul centre",
                "75 ans ou plus", "seul centre"):  # fmt: skip
        t.add_column(col, justify="left" if col == "centre" else "right")
    for r in reach.itertuples():
        t.add_row(f"{r.name}\n[dim]{r.operator_fr}[/]", _num(r.screening_50_74, 0),
                  _num(r.screening_50_74_sole, 0), _num(r.flu_65_plus, 0),
                  _num(r.flu_65_plus_sole, 0), _num(r.home_75_plus, 0),
                  _num(r.home_75_plus_sole, 0))  # fmt: skip
    print_table(t)
    console.print("[dim]Centres de santé et maisons de santé de l'offre chargée (FINESS ; "
                  "ailleurs qu'en Occitanie, nombre par commune INSEE BPE 2021, « estimé », placé "
                  "au point de la commune). Âges estimés sauf import d'un fichier INSEE POP1B ; "
                  "« seul centre » : aucun autre centre de santé ou maison de santé ouvert à "
                  "portée.[/]")  # fmt: skip
    if out is not None:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.report.exports import prevention_table
        from proxisante.sources import needs_sources

        write_table(prevention_table(reach), out, csv_format=csv_format, layer="prevention",
                    sources=needs_sources())  # fmt: skip
        console.print(f"[green]écrit :[/] {out}")
