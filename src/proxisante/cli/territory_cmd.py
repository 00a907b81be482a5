"""CLI: ``proxisante territory show|search`` and ``proxisante apl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante.cli._common import console, find_territory, progress, user_errors, workspace

territory_app = typer.Typer(
    help="Communes and territories (EPCI, département, région, constituency).", no_args_is_help=True
)

TerritoryOption = Annotated[
    str,
    typer.Option(
        "--territory",
        "-t",
        help="Territory: 62523 | epci:SIREN | dep:62 | reg:32 | circo:12-02 | a name "
        "(commune, EPCI, département, constituency, operator)",
    ),
]


def _fmt_int(x) -> str:
    """Whole number with a comma every three digits, like every other CLI table (reports, in
    French, use a narrow no-break space)."""
    return "—" if x is None or x != x else f"{round(float(x)):,}"


@territory_app.command("show")
@user_errors
def show(
    selector: Annotated[str, typer.Argument(help="Commune code or territory selector")],
) -> None:
    """Show a commune or a territory: attachments, population, official APL."""
    from proxisante.territory.card import CARD_APL_YEARS, CommuneCard, read_commune_card

    card = read_commune_card(selector)  # a commune code: read without pandas (fast start)
    if card is not None:
        console.print(f"[bold]{card.label}[/]  (1 commune(s), kind commune)")
        console.print(_card_grid(card))
        return
    from proxisante.territory import territory_apl_table, under_served_population

    terr = find_territory(selector)
    table = territory_apl_table(terr.codes, years=tuple(sorted(CARD_APL_YEARS)))
    console.print(f"[bold]{terr.label}[/]  ({len(terr)} commune(s), kind {terr.kind})")
    if len(terr) == 1:
        apl = {y: table.iloc[0][f"apl_{y}"] for y in CARD_APL_YEARS}
        console.print(_card_grid(CommuneCard.from_row(terr.communes.iloc[0].to_dict(), apl)))
    else:
        for year in CARD_APL_YEARS:
            s = under_served_population(table, year)
            console.print(
                f"APL {year}: {_fmt_int(s['under_served'])} of {_fmt_int(s['population'])} "
                f"inhabitants ({s['share']:.1%}) live in {s['communes_under_served']} "
                "commune(s) with APL < 2.5; "
                f"mean APL {s['mean_apl']:.2f} (population {s['population_year']})"
            )


def _card_grid(card) -> Table:
    """The commune card as a two-column grid (« — » where a value is not known)."""

    def named(name: str | None, code: str | None) -> str:
        return "—" if name is None and code is None else f"{name or '—'} ({code or '—'})"

    def number(x: float | None, digits: int, unit: str = "") -> str:
        return "—" if x is None else f"{x:.{digits}f}{unit}"

    population = _fmt_int(card.population)
    if card.population_source:
        population += f" ({card.population_source})"
    where = "—" if card.lat is None or card.lon is None else f"{card.lat:.5f}, {card.lon:.5f}"
    grid = Table(show_header=False, box=None)
    rows = [
        ("INSEE code", card.code_insee),
        ("Population", population),
        ("Coordinates (WGS84)", where),
        ("Area", number(card.area_km2, 2, " km²")),
        ("EPCI", named(card.epci_nom, card.epci_siren)),
        ("Département", named(card.departement_nom, card.departement)),
        ("Région", named(card.region_nom, card.region)),
        ("Constituency", card.circonscription or "—"),
    ]
    rows += [(f"APL GPs {y}", "— (not published by the DREES for this commune)" if v is None
              else f"{v:.3f}") for y, v in card.apl.items()]  # fmt: skip
    for k, v in rows:
        grid.add_row(f"[dim]{k}[/]", v)
    return grid


@territory_app.command("search")
@user_errors
def search(
    text: Annotated[
        str,
        typer.Argument(
            help="A name or code: commune, EPCI, département, "
            "région, constituency, operator or site"
        ),
    ],
    limit: Annotated[int, typer.Option(help="Largest number of results")] = 30,
) -> None:
    """Find territories, operators and sites by name or code, exact names first (accents,
    case, hyphens and « St »/« Saint » ignored)."""
    with progress("Searching territories, operators and sites…"):
        hits = workspace().search(text, limit=limit)
    out = Table("selector", "name", "kind", "exact")
    for h in hits:
        out.add_row(h.selector if len(h.selector) <= 40 else h.selector[:37] + "…", h.label,
                    h.kind, "yes" if h.exact else "")  # fmt: skip
    console.print(out)
    console.print(f"{len(hits)} match(es)" + (f" (first {limit} shown)" if len(hits) >= limit
                                               else ""))  # fmt: skip


@user_errors
def apl(
    territory: TerritoryOption,
    year: Annotated[int, typer.Option(help="APL millésime (2022 or 2023)")] = 2023,
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output")] = False,
    out: Annotated[Path | None, typer.Option(help="Write the table to this CSV file")] = None,
) -> None:
    """Official DREES APL to GPs of every commune of a territory, worst first.

    Under-served: APL < 2.5 consultations/yr per standardised inhabitant.
    """
    from proxisante.territory import UNDER_SERVED_APL, territory_apl_table

    terr = find_territory(territory)
    table = territory_apl_table(terr.codes, years=(year,))
    frame = terr.communes[["code_insee", "nom", "population", "population_year"]].merge(
        table, on="code_insee", how="left", validate="one_to_one"
    )
    frame = frame.rename(
        columns={
            f"apl_{year}": "apl",
            f"sous_dote_{year}": "under_served",
            f"apl_moins65_{year}": "apl_under65",
            f"pop_totale_{year}": "pop_totale",
            f"pop_standardisee_{year}": "pop_standardisee",
        }
    )
    frame = frame.sort_values(["apl", "code_insee"], na_position="last").reset_index(drop=True)
    frame.insert(0, "year", year)
    if csv or out is not None:
        text = frame.to_csv(index=False)
        if out is not None:
            out.write_text(text, encoding="utf-8")
            console.print(f"wrote {len(frame)} rows to {out}")
        if csv:
            typer.echo(text, nl=False)
        return
    t = Table(title=f"{terr.label} — APL to GPs {year} (DREES)")
    for col in ("code", "commune", f"population {year - 2}", "APL", "APL <65", "under-served"):
        t.add_column(col, justify="right" if col not in ("commune",) else "left")
    for r in frame.itertuples():
        flag = (
            "—"
            if r.under_served is None or r.under_served != r.under_served
            else ("[red]yes[/]" if r.under_served else "no")
        )
        t.add_row(
            r.code_insee,
            r.nom,
            _fmt_int(r.pop_totale),
            "—" if r.apl != r.apl else f"{r.apl:.3f}",
            "—" if r.apl_under65 != r.apl_under65 else f"{r.apl_under65:.3f}",
            flag,
        )
    console.print(t)
    n_under = int(frame["under_served"].fillna(False).sum())
    console.print(f"{n_under} of {len(frame)} communes under {UNDER_SERVED_APL} (APL {year}).")


def register(app: typer.Typer) -> None:
    """Attach the territory commands to the main app."""
    app.add_typer(territory_app, name="territory")
    app.command("apl")(apl)
