"""CLI: ``proxisante access`` — any access measure for a territory, from a supply table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.cli._common import (
    CsvFormat,
    CsvFormatOption,
    console,
    console_err,
    find_territory,
    print_table,
    progress,
    user_errors,
    workspace,
)
from proxisante.cli.territory_cmd import TerritoryOption

SupplyOption = Annotated[
    Path | None,
    typer.Option(
        help="CSV: commune, fte and/or consultations[, profession]; default for "
        "GPs: the calibrated model's supply (estimé)"
    ),
]
MeasureOption = Annotated[
    str,
    typer.Option(
        help="apl (the DREES APL) or another measure of the registry: 2sfca, e2sfca, 3sfca, "
        "m2sfca, bfca, gravity, nearest, coverage… (docs/methods.md; an unknown name lists all)"
    ),
]
ProfessionOption = Annotated[
    str,
    typer.Option(
        help="gp | nurse | physio | midwife | dentist (rows of the supply file; without "
        "--supply, the BPE 2021 estimate for the professions other than GPs)"
    ),
]
CutoffOption = Annotated[
    float | None,
    typer.Option(
        help="Cut-off in minutes (decay 0 beyond); default 30; the APL's is the "
        "DREES 20 minutes (another value is refused)"
    ),
]
DecayOption = Annotated[
    str,
    typer.Option(
        help="default (the measure's own: binary 2SFCA, Luo-Qi zones for E2SFCA/3SFCA/"
        "M2SFCA/BFCA, 1/t for gravity) | linear | gaussian (σ = cut-off/3) | power (1/t)"
    ),
]


#: French headers of the ``access`` table in the French CSV dialect (a person's spreadsheet).
ACCESS_HEADERS_FR = {
    "code_insee": "code_commune", "nom": "commune", "population": "population_municipale",
    "measure": "mesure", "value": "valeur", "per_100k": "pour_100_000_habitants_standardises",
}  # fmt: skip
#: Rounding of that table: 4 significant digits for the value (ratios per inhabitant are
#: small numbers), 1 decimal per 100,000.
ACCESS_DECIMALS = {"value": -4, "per_100k": 1}


@user_errors
def access(
    territory: TerritoryOption,
    supply: SupplyOption = None,
    measure: MeasureOption = "apl",
    profession: ProfessionOption = "gp",
    year: Annotated[int, typer.Option(help="Year of the DREES standardised population")] = 2023,
    travel: Annotated[str, typer.Option(help="estimate | osrm | matrix")] = "estimate",
    network: Annotated[
        Path | None, typer.Option(help="OSRM network (.osrm) for --travel osrm")
    ] = None,
    matrix: Annotated[
        Path | None, typer.Option(help="Travel-time file for --travel matrix")
    ] = None,
    cutoff: CutoffOption = None,
    decay: DecayOption = "default",
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output")] = False,
    out: Annotated[Path | None, typer.Option(help="Write .csv or .gpkg (GeoPackage)")] = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
) -> None:
    """Compute an access measure for every commune of a territory.

    Demand: DREES standardised population of YEAR for every French commune; supply: the
    file's FTE (or consultations for the APL, FTE × 5,400 otherwise); without --supply, for
    GPs, the calibrated model's supply (estimé), on its calibrated travel times for the APL,
    for the other professions the INSEE BPE 2021 libéral headcount plus the offer's salaried
    staff (estimé); --measure apl of another profession is `proxisante apl --profession`;
    times: offline estimate, OSRM road network or an imported matrix. Computed nationally
    (a second or two), reported for the territory, so catchments crossing its border are
    right.
    """
    # deferred: the workspace (numpy, pandas) loads only when the command runs (CLI start-up)
    from proxisante.workspace import (
        AccessRequest,
        csv_bytes,
        for_people,
        table_format,
        write_table,
    )

    request = AccessRequest(supply=supply, measure=measure, profession=profession, year=year,
                            travel=travel, network=network, matrix=matrix, cutoff_minutes=cutoff,
                            decay=decay)  # fmt: skip
    request.cutoff()  # a wrong measure or APL cut-off is refused before any reading
    if request.measure == "apl" and request.profession_code() != "gp":
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.cli.territory_cmd import profession_apl_output

        profession_apl_output(territory, request.profession_code(), year=year, csv=csv, out=out,
                              supply=supply, csv_format=csv_format)  # fmt: skip
        return
    with progress("Lecture du territoire…"):
        terr = find_territory(territory)
    if out is not None:
        table_format(out, accepted=("csv", "gpkg"))
    result = workspace().access(terr, request, stage=progress)
    if result.supply_note:
        console_err.print(f"[yellow]note :[/] {result.supply_note}")
    res = result.table
    # a CSV in the French dialect is for a person: French headers, rounded values
    people = res if csv_format != "fr" else for_people(res, ACCESS_HEADERS_FR, ACCESS_DECIMALS)
    if out is not None:
        shown = people if table_format(out) == "csv" else res  # a GeoPackage joins code_insee
        write_table(shown, out, layer=measure, accepted=("csv", "gpkg"), csv_format=csv_format)
        console.print(f"{fr.fmt_int(len(res))} lignes écrites dans {out}")
    if csv:
        typer.echo(csv_bytes(people, csv_format=csv_format).decode("utf-8"), nl=False)
        return
    _print_result(result)


def _print_result(result) -> None:
    """The 40 communes with the lowest value, as a French table."""
    import numpy as np  # deferred: loaded by the workspace already; not at CLI start-up

    res, per_100k = result.table, result.per_100k
    t = Table(title=f"{result.territory.label} — {result.measure} ({result.profession_fr}, "
              f"trajets : {result.travel_fr})")  # fmt: skip
    value_label = "ETP pour 100 000 hab." if per_100k else "valeur"
    for col in ("code", "commune", "population", value_label):
        t.add_column(col, justify="left" if col == "commune" else "right")
    for r in res.head(40).itertuples():
        v = r.per_100k if per_100k else r.value
        t.add_row(r.code_insee, r.nom, fr.fmt_int(r.population),
                  "∞" if np.isinf(v) else fr.fmt_dec(v, 3))  # fmt: skip
    print_table(t)
    if len(res) > 40:
        console.print(f"(les 40 premières des {fr.fmt_int(len(res))} communes ; --csv ou --out "
                      "pour toutes)")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Attach the access command to the main app."""
    app.command("access")(access)
