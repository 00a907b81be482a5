"""CLI: ``proxisante offer import|imports|list|show|edit|edits`` — the health-offer registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.cli._common import (
    CsvFormat,
    CsvFormatOption,
    StoreOption,
    console,
    print_table,
    progress,
    user_errors,
    whole,
    workspace,
)

offer_app = typer.Typer(help="Health sites and staff: import official files, list, edit.",
                        no_args_is_help=True)  # fmt: skip

#: French header of each column of the offer shown by the CLI (sites, staff, import and edit
#: logs, and the French CSV of ``offer list --csv``; the international CSV keeps the column
#: names of the data).
COLUMN_FR = {
    "site_id": "identifiant", "finess_et": "FINESS établissement", "finess_ej": "FINESS entité "
    "juridique", "name": "nom", "category": "catégorie", "category_code": "code catégorie",
    "category_label": "libellé catégorie", "operator": "opérateur", "legal_status":
    "statut juridique", "address": "adresse", "commune": "commune", "lat": "latitude",
    "lon": "longitude", "location_source": "source de la localisation", "status": "état",
    "capacity_places": "places autorisées", "source": "source", "source_date":
    "date de la source", "import_id": "import", "profession": "profession", "headcount":
    "effectif", "fte": "ETP", "activity_consultations": "consultations par an", "birth_year":
    "année de naissance", "age_band": "tranche d'âge", "employment": "mode d'exercice",
    "source_quote": "citation de la source", "kind": "type", "file_name": "fichier", "sha256":
    "sha256", "imported_at": "importé le", "rows_read": "lignes lues", "rows_stored":
    "lignes enregistrées", "rows_skipped": "lignes écartées", "edit_id": "modification",
    "action": "action", "detail": "détail", "edited_at": "modifié le",
}  # fmt: skip
#: French word of each site status (``status``: open | closed | planned) and edit action.
VALUE_FR = {
    "status": {"open": "ouvert", "closed": "fermé", "planned": "prévu"},
    "action": {"edit": "modification", "close": "fermeture"},
}


@offer_app.command("import")
@user_errors
def import_(
    kind: Annotated[str, typer.Argument(help="finess | rpps | bpe | pop-age")],
    file: Annotated[Path, typer.Argument(help="The official file")],
    lenient: Annotated[bool, typer.Option(help="Skip bad rows and report each one")] = False,
    replace_with_empty: Annotated[
        bool,
        typer.Option(help="Accept a file with no row to store: it erases the earlier import"),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Import a FINESS extract, an RPPS (Annuaire santé) extraction, an INSEE BPE file or
    an INSEE population-by-age file (POP1B).

    A re-import replaces: FINESS, the sites with the same FINESS number (logged edits are
    re-applied); RPPS, BPE, pop-age, the earlier import of that kind (FTE edits are kept).
    A file with no row to store is refused unless --replace-with-empty."""
    with progress(f"Import de {file.name} ({kind}) : lecture, contrôle, enregistrement…"):
        rep = workspace(store).import_file(kind, file, lenient=lenient,
                                           replace_with_empty=replace_with_empty)  # fmt: skip
    console.print(
        f"[green]importé :[/] {fr.fmt_int(rep.rows_stored)} ligne(s) de {rep.file_name} ({kind} ; "
        f"{fr.fmt_int(rep.rows_read)} ligne(s) de données lue(s) ; "
        f"{fr.fmt_int(rep.rows_replaced)} ligne(s) antérieure(s) remplacée(s)"
        + (f" ; {fr.fmt_int(rep.edits_reapplied)} modification(s) de site du journal "
           "réappliquée(s)" if rep.edits_reapplied else "")
        + ")"
    )  # fmt: skip
    if rep.rows_skipped:
        console.print(f"[yellow]{rep.skipped_summary}[/]")


@offer_app.command("imports")
@user_errors
def imports(store: StoreOption = None) -> None:
    """Provenance of every import (file, sha256, date, row counts)."""
    with progress("Lecture du journal des imports…"):
        log = workspace(store).imports()
    _print_log(log, empty="aucun import")


@offer_app.command("edits")
@user_errors
def edits(store: StoreOption = None) -> None:
    """Log of manual edits (site, action, detail, time)."""
    with progress("Lecture du journal des modifications…"):
        log = workspace(store).edits()
    _print_log(log, empty="aucune modification")


def _print_log(df, *, empty: str) -> None:
    if not len(df):
        console.print(empty)
        return
    # plain text, not a Rich table: file names and hashes are shown whole, never cut
    shown = df.apply(lambda col: col.map(lambda v: _cell(col.name, v)))
    console.print(shown.rename(columns=COLUMN_FR).to_string(index=False), soft_wrap=True,
                  highlight=False)  # fmt: skip


def _cell(column: str, value) -> str:
    """A value of the offer as shown in a table: French numbers and dates, « — » if missing."""
    # deferred: loaded when the command runs, not at CLI start-up
    import pandas as pd

    if _missing(value):
        return "—"
    if column in VALUE_FR:
        return VALUE_FR[column].get(str(value), str(value))
    if isinstance(value, pd.Timestamp):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, bool) or column in ("import_id", "edit_id", "birth_year"):
        return str(value)
    if isinstance(value, int | float):
        return fr.fmt_num(value, 6)
    return str(value)


#: Below this terminal width, `offer list` prints one block per site instead of a table.
WIDE_TABLE_COLUMNS = 120


@offer_app.command("list")
@user_errors
def list_(
    territory: Annotated[str | None, typer.Option("--territory", "-t")] = None,
    category: Annotated[str | None, typer.Option(help="centre_de_sante, ssiad, ehpad…")] = None,
    operator: Annotated[str | None, typer.Option(help="e.g. filieris")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV to standard output")] = False,
    store: StoreOption = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """List sites by territory, category and operator (bundled default + imports)."""
    with progress("Lecture de l'offre…"):
        ws = workspace(store)
        sites = ws.offer().select(communes=ws.territory(territory).codes if territory else None,
                                  category=category, operator=operator)  # fmt: skip
    cols = ["site_id", "name", "category", "operator", "commune", "status", "source_date"]
    if csv:
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.workspace import csv_bytes

        table = (
            sites[cols] if csv_format == "international" else sites[cols].rename(columns=COLUMN_FR)
        )  # people: French headers; scripts: the data's names
        typer.echo(csv_bytes(table, csv_format=csv_format).decode("utf-8"), nl=False)
        return
    shown = sites[cols].head(100)
    if console.width < WIDE_TABLE_COLUMNS:
        # a 7-column table is unreadable in a narrow terminal: one block per site instead
        for r in shown.itertuples(index=False):
            v = {c: "—" if _missing(x) or str(x) == "" else _cell(c, x)
                 for c, x in zip(cols, r, strict=True)}  # fmt: skip
            console.print(f"[bold]{v['site_id']}[/]", soft_wrap=True, highlight=False)
            console.print(f"  {v['name']} — {v['category']}, opérateur {v['operator']}, commune "
                          f"{v['commune']}, {v['status']}, source : {v['source_date']}",
                          highlight=False)  # fmt: skip
        console.print(_count_line(len(sites)))
        return
    t = Table()
    for col in cols:
        # site ids are what `offer edit` needs: shown whole, never truncated
        longest = (
            int(shown[col].astype(str).str.len().max()) if col == "site_id" and len(shown) else 0
        )
        t.add_column(COLUMN_FR[col], no_wrap=col == "site_id", min_width=longest or None,
                     overflow="fold" if col == "site_id" else "ellipsis")  # fmt: skip
    for r in shown.itertuples(index=False):
        t.add_row(*["" if _missing(v) else _cell(c, v) for c, v in zip(cols, r, strict=True)])
    print_table(t)
    console.print(_count_line(len(sites)))


def _count_line(n: int) -> str:
    return f"{fr.fmt_int(n)} site(s)" + (" (les 100 premiers)" if n > 100 else "")


@offer_app.command("show")
@user_errors
def show(site_id: Annotated[str, typer.Argument()], store: StoreOption = None) -> None:
    """Show one site (FINESS number or id) and its staff."""
    with progress("Lecture de l'offre…"):
        offer = workspace(store).offer()
        site = offer.site(site_id)
    grid = Table(show_header=False, box=None)
    for k, v in site.items():
        grid.add_row(f"[dim]{COLUMN_FR.get(k, k)}[/]", "" if _missing(v) else _cell(k, v))
    console.print(grid)
    staff = offer.staff[offer.staff["site_id"] == site_id]
    if len(staff):
        _print_log(staff.drop(columns=["site_id"]), empty="")
    else:
        console.print("aucun personnel enregistré")


@offer_app.command("edit")
@user_errors
def edit(
    site_id: Annotated[str, typer.Argument()],
    fte: Annotated[
        list[str] | None, typer.Option(help="PROFESSION=DELTA, e.g. gp=+1.5 or nurse=-1")
    ] = None,
    close: Annotated[bool, typer.Option("--close", help="Close the site")] = False,
    capacity_places: Annotated[
        int | None,
        typer.Option(
            parser=whole("--capacity-places"),
            help="Set the authorised places (SSIAD, EHPAD), 0–100,000",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Add/remove FTE at a site, set its places or close it (one transaction, logged)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import parse_fte_change

    changes = [parse_fte_change(spec) for spec in fte or []]
    professions = list(dict.fromkeys(p for p, _ in changes))
    with progress("Enregistrement de la modification…"):
        ws = workspace(store)
        before = ws.site_state(site_id, professions)  # an unknown site: its error, here
        ws.edit_site(site_id, fte_changes=changes, close=close,
                     capacity_places=capacity_places)  # fmt: skip
        after = ws.site_state(site_id, professions)
    console.print(f"[green]{site_id} mis à jour[/] ({ws.site_names().get(site_id, site_id)})",
                  highlight=False)  # fmt: skip
    for key, now in after.items():
        was = before.get(key)
        if was != now:
            console.print(f"  {key} : {_state_fr(was)} → {_state_fr(now)}", highlight=False)
        else:
            console.print(f"  {key} : {_state_fr(now)} (inchangé)", highlight=False)


def _state_fr(value: object) -> str:
    """A site figure of :meth:`Workspace.site_state` in French (« inconnu » when unknown)."""
    if value is None:
        return "inconnu"
    if isinstance(value, float):
        return fr.fmt_num(value, 2)
    return str(value)


def _missing(value) -> bool:
    # deferred: loaded when the command runs, not at CLI start-up
    import pandas as pd

    return value is None or bool(pd.isna(value))


def register(app: typer.Typer) -> None:
    """Attach the offer commands to the main app."""
    app.add_typer(offer_app, name="offer")
