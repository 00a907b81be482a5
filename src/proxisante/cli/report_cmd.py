"""CLI: ``proxisante report`` — the French territory report (one self-contained HTML file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from proxisante import _fr as fr
from proxisante._output import check_output
from proxisante.cli._common import StoreOption, console, progress, user_errors, workspace
from proxisante.cli.territory_cmd import TerritoryOption


@user_errors
def report(
    territory: TerritoryOption,
    out: Annotated[Path, typer.Option(help="HTML file to write")] = Path("rapport.html"),
    year: Annotated[int, typer.Option(help="APL millésime shown (2022 or 2023)")] = 2023,
    operator: Annotated[
        str, typer.Option(help="Network whose sites the « Et si… » section closes")
    ] = "filieris",
    store: StoreOption = None,
) -> None:
    """Write the French report of a territory for a mayor or an MP: one-page summary,
    comparison, zoning view, sites within 20 minutes, « Et si… », map, table, sources.

    The offer is the store's (``--store``; imports and edits included)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.report import territory_report, write_html

    check_output(out)  # a bad target is refused before the report is built
    with progress("Rapport…"):
        ws = workspace(store)
        terr = ws.territory(territory)
        rep = territory_report(ws, terr, year=year, operator=operator)
    path = write_html(rep, out)
    s = rep.summary
    console.print(
        f"[green]écrit :[/] {path} — {terr.label} : {fr.fmt_int(len(terr))} commune(s), "
        f"{fr.fmt_int(s['under_served'])} habitants sur {fr.fmt_int(s['population'])} sous l'APL "
        f"2,5 en {year}"
    )


def register(app: typer.Typer) -> None:
    """Attach the report command to the main app."""
    app.command("report")(report)
