"""CLI: ``proxisante offer import|list|show|edit|imports`` — the health-offer registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante.cli._common import console, user_errors
from proxisante.errors import InputError

offer_app = typer.Typer(help="Health sites and staff: import official files, list, edit.",
                        no_args_is_help=True)  # fmt: skip
StoreOption = Annotated[Path | None, typer.Option("--store", help="Store file (DuckDB)")]


@offer_app.command("import")
@user_errors
def import_(
    kind: Annotated[str, typer.Argument(help="finess | rpps | bpe")],
    file: Annotated[Path, typer.Argument(help="The official file")],
    lenient: Annotated[bool, typer.Option(help="Skip bad rows and report each one")] = False,
    store: StoreOption = None,
) -> None:
    """Import a FINESS extract, an RPPS (Annuaire santé) extraction or an INSEE BPE file."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from proxisante.offer.importing import import_file
    from proxisante.store import Store

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:  # fmt: skip
        progress.add_task(f"Importing {file.name} ({kind}): parse, validate, store…")
        with Store(store) as st:
            rep = import_file(kind, file, store=st, lenient=lenient)
    console.print(f"[green]imported[/] {rep.rows_stored:,} row(s) from {rep.file_name} ({kind})")
    if rep.rows_skipped:
        console.print(f"[yellow]{rep.skipped_summary}[/]")


@offer_app.command("imports")
@user_errors
def imports(store: StoreOption = None) -> None:
    """Provenance of every import (file, sha256, date, row counts)."""
    from proxisante.offer.importing import stored_imports
    from proxisante.store import Store

    with Store(store) as st:
        df = stored_imports(st)
    console.print(df.to_string(index=False) if len(df) else "no import yet")


@offer_app.command("list")
@user_errors
def list_(
    territory: Annotated[str | None, typer.Option("--territory", "-t")] = None,
    category: Annotated[str | None, typer.Option(help="centre_de_sante, ssiad, ehpad…")] = None,
    operator: Annotated[str | None, typer.Option(help="e.g. filieris")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV to standard output")] = False,
    store: StoreOption = None,
) -> None:
    """List sites by territory, category and operator (bundled default + imports)."""
    from proxisante.offer.importing import load_offer
    from proxisante.store import Store
    from proxisante.territory import select

    codes = select(territory).codes if territory else None
    with Store(store) as st:
        offer = load_offer(st)
    sites = offer.select(communes=codes, category=category, operator=operator)
    cols = ["site_id", "name", "category", "operator", "commune", "status", "source_date"]
    if csv:
        typer.echo(sites[cols].to_csv(index=False), nl=False)
        return
    t = Table(*cols)
    for r in sites[cols].head(100).itertuples(index=False):
        t.add_row(*["" if _missing(v) else str(v) for v in r])
    console.print(t)
    console.print(f"{len(sites)} site(s)" + (" (first 100 shown)" if len(sites) > 100 else ""))


@offer_app.command("show")
@user_errors
def show(site_id: Annotated[str, typer.Argument()], store: StoreOption = None) -> None:
    """Show one site (FINESS number or id) and its staff."""
    from proxisante.offer.importing import load_offer
    from proxisante.store import Store

    with Store(store) as st:
        offer = load_offer(st)
    site = offer.site(site_id)
    grid = Table(show_header=False, box=None)
    for k, v in site.items():
        grid.add_row(f"[dim]{k}[/]", "" if _missing(v) else str(v))
    console.print(grid)
    staff = offer.staff[offer.staff["site_id"] == site_id]
    if len(staff):
        console.print(staff.drop(columns=["site_id"]).to_string(index=False))
    else:
        console.print("no staff recorded")


@offer_app.command("edit")
@user_errors
def edit(
    site_id: Annotated[str, typer.Argument()],
    fte: Annotated[
        list[str] | None, typer.Option(help="PROFESSION=DELTA, e.g. gp=+1.5 or nurse=-1")
    ] = None,
    close: Annotated[bool, typer.Option("--close", help="Close the site")] = False,
    store: StoreOption = None,
) -> None:
    """Add/remove FTE at a site or close it (saved in the store, one transaction)."""
    from proxisante.offer import PROFESSIONS
    from proxisante.offer.importing import load_offer
    from proxisante.store import Store

    if not fte and not close:
        msg = "nothing to do: give --fte PROFESSION=DELTA and/or --close"
        raise InputError(msg)
    deltas = []
    for spec in fte or []:
        prof, sep, value = spec.partition("=")
        try:
            delta = float(value)
        except ValueError:
            delta = float("nan")
        if not sep or prof not in PROFESSIONS or delta != delta:
            msg = f"--fte was '{spec}'; expected PROFESSION=DELTA with PROFESSION in {PROFESSIONS}"
            raise InputError(msg)
        deltas.append((prof, delta))
    with Store(store) as st:
        offer = load_offer(st)
        site = offer.site(site_id)
        if site["status"] == "closed":
            msg = f"site '{site_id}' is closed; it cannot be edited"
            raise InputError(msg)
        staff = offer.staff[offer.staff["site_id"] == site_id]
        for prof, delta in deltas:
            s = staff[staff["profession"] == prof]
            current = float(s["fte"].fillna(s["headcount"]).sum()) if len(s) else 0.0
            if current + delta < 0:
                msg = (
                    f"{prof} FTE at '{site_id}' would become {current + delta:g} (now {current:g})"
                )
                raise InputError(msg)
        with st.transaction() as con:
            row = site.to_dict()
            if close:
                row["status"] = "closed"
            cols = [c for c in row if c in _site_cols(con)]
            con.execute("DELETE FROM sites WHERE site_id = ?", [site_id])
            con.execute(
                f"INSERT INTO sites ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [None if _missing(row[c]) else row[c] for c in cols],
            )
            for prof, delta in deltas:
                con.execute(
                    "INSERT INTO staff (site_id, commune, profession, fte, employment, source) "
                    "VALUES (?, ?, ?, ?, 'salaried', 'offer edit')",
                    [site_id, site["commune"], prof, delta],
                )
    console.print(f"updated {site_id}" + (" (closed)" if close else ""))


def _missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _site_cols(con) -> set[str]:
    return {r[0] for r in con.execute("DESCRIBE sites").fetchall()}


def register(app: typer.Typer) -> None:
    """Attach the offer commands to the main app."""
    app.add_typer(offer_app, name="offer")
