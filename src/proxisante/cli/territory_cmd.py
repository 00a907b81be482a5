"""CLI: ``proxisante territory show|search`` and ``proxisante apl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante._output import check_output, write_output
from proxisante.cli._common import (
    KIND_FR,
    CsvFormat,
    CsvFormatOption,
    console,
    find_territory,
    print_table,
    progress,
    user_errors,
    workspace,
)
from proxisante.errors import InputError

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


@territory_app.command("show")
@user_errors
def show(
    selector: Annotated[str, typer.Argument(help="Commune code or territory selector")],
) -> None:
    """Show a commune or a territory: attachments, population, official APL."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import CARD_APL_YEARS, CommuneCard, read_commune_card
    from proxisante.workspace.search import commune_named

    # a commune code, or a commune's exact name: read without pandas (fast start)
    card = read_commune_card(selector) or read_commune_card(commune_named(selector) or "")
    if card is not None:
        console.print(f"[bold]{card.label}[/]  ({_counted('commune', 1)})")
        console.print(_card_grid(card))
        return
    with progress("Lecture du territoire et de l'APL officielle…"):
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.workspace import territory_apl_table, under_served_population

        terr = find_territory(selector)
        table = territory_apl_table(terr.codes, years=tuple(sorted(CARD_APL_YEARS)))
    console.print(f"[bold]{terr.label}[/]  ({_counted(terr.kind, len(terr))})")
    if len(terr) == 1:
        apl = {y: table.iloc[0][f"apl_{y}"] for y in CARD_APL_YEARS}
        console.print(_card_grid(CommuneCard.from_row(terr.communes.iloc[0].to_dict(), apl)))
    else:
        for year in CARD_APL_YEARS:
            s = under_served_population(table, year)
            console.print(
                f"APL {year} : {fr.fmt_int(s['under_served'])} habitants sur "
                f"{fr.fmt_int(s['population'])} ({fr.fmt_pct(s['share'])}) vivent dans "
                f"{fr.fmt_int(s['communes_under_served'])} commune(s) d'APL < 2,5 ; "
                f"APL moyenne {fr.fmt_dec(s['mean_apl'], 2)} (population {s['population_year']})"
            )


def _counted(kind: str, communes: int) -> str:
    """``commune`` for one commune, else ``887 communes, département``."""
    if kind == "commune" and communes == 1:
        return "commune"
    plural = "s" if communes > 1 else ""
    return f"{fr.fmt_int(communes)} commune{plural}, {KIND_FR.get(kind, kind)}"


def _card_grid(card) -> Table:
    """The commune card as a two-column grid (« — » where a value is not known)."""

    def named(name: str | None, code: str | None) -> str:
        return "—" if name is None and code is None else f"{name or '—'} ({code or '—'})"

    population = fr.fmt_int(card.population)
    if card.population_source:
        population += f" ({card.population_source})"
    where = ("—" if card.lat is None or card.lon is None
             else f"lat. {fr.fmt_dec(card.lat, 5)} ; long. {fr.fmt_dec(card.lon, 5)}")  # fmt: skip
    area = "—" if card.area_km2 is None else f"{fr.fmt_dec(card.area_km2, 2)} km²"
    grid = Table(show_header=False, box=None)
    rows = [
        ("Code INSEE", card.code_insee),
        ("Population", population),
        ("Coordonnées (WGS84)", where),
        ("Superficie", area),
        ("EPCI", named(card.epci_nom, card.epci_siren)),
        ("Département", named(card.departement_nom, card.departement)),
        ("Région", named(card.region_nom, card.region)),
        ("Circonscription", card.circonscription or "—"),
    ]
    rows += [(f"APL médecins généralistes {y}",
              "— (non publiée par la DREES pour cette commune)" if v is None
              else fr.fmt_dec(v, 3)) for y, v in card.apl.items()]  # fmt: skip
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
    with progress("Recherche des territoires, opérateurs et sites…"):
        hits = workspace().search(text, limit=limit)
    out = Table("sélecteur", "nom", "type", "exact")
    for h in hits:
        out.add_row(h.selector if len(h.selector) <= 40 else h.selector[:37] + "…", h.label,
                    KIND_FR.get(h.kind, h.kind), "oui" if h.exact else "")  # fmt: skip
    console.print(out)
    console.print(f"{len(hits)} résultat(s)" + (f" (les {limit} premiers)" if len(hits) >= limit
                                                 else ""))  # fmt: skip


@user_errors
def apl(
    territory: TerritoryOption,
    year: Annotated[int, typer.Option(help="APL millésime (2022 or 2023)")] = 2023,
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output")] = False,
    out: Annotated[Path | None, typer.Option(help="Write the table to this CSV file")] = None,
    csv_format: CsvFormatOption = CsvFormat.fr,
    profession: Annotated[str, typer.Option(help="gp | nurse | physio | midwife | dentist")] = "gp",
    supply: Annotated[
        Path | None,
        typer.Option(
            help="CSV commune, fte[, profession]: the profession's supply, replacing the "
            "BPE 2021 estimate (not for GPs)"
        ),
    ] = None,
    official: Annotated[
        Path | None,
        typer.Option(
            help="CSV commune, apl[, profession]: an official APL of the profession (e.g. "
            "DREES), replacing the estimate (not for GPs, whose official APL is bundled)"
        ),
    ] = None,
) -> None:
    """APL of every commune of a territory, worst first.

    GPs (default): the official DREES APL. Under-served: APL < 2.5 consultations/yr per
    standardised inhabitant. Columns zoning_class (APL of GPs under 65, the zoning rule:
    priority < 2.5 « type ZIP », complementary_pool 2.5-4 « vivier ZAC », above) and
    access_class (same thresholds on the APL of every GP: under_served, vigilance, above).

    Nurses, physiotherapists, midwives, dentists: no official APL is bundled; it is
    estimated (« estimé ») by the DREES method of the profession from the INSEE BPE 2021
    libéral headcount (+ known salaried staff of the offer), in FTE per 100,000
    standardised inhabitants (per 100,000 women for midwives); --supply replaces the
    estimate's supply.
    """
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.professions import get_profession

    code = get_profession(profession, with_apl=True).code
    if code != "gp":
        profession_apl_output(territory, code, year=year, csv=csv, out=out, supply=supply,
                              csv_format=csv_format, official=official)  # fmt: skip
        return
    if supply is not None or official is not None:
        msg = ("--supply and --official apply to the other professions; the APL of GPs is the "
               "official one (bundled)")  # fmt: skip
        raise InputError(msg)
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import commune_label, none_if_missing, read_commune_apl
    from proxisante.workspace.search import commune_named

    if out is not None:  # a bad target is refused before the table is built
        check_output(out)
    # one commune by its code or exact name: read without pandas (fast start)
    row = read_commune_apl(territory, year) or read_commune_apl(
        commune_named(territory) or "", year
    )
    if row is not None:
        rows, label = [row], commune_label(str(row["nom"]), str(row["code_insee"]))
        text = _csv(rows, csv_format) if csv or out is not None else ""
    else:
        with progress("Lecture du territoire et de l'APL officielle…"):
            frame, label = _apl_frame(territory, year)
        rows = [{k: none_if_missing(v) for k, v in r.items()} for r in frame.to_dict("records")]
        text = _csv(frame.to_dict("records"), csv_format) if csv or out is not None else ""
    if csv or out is not None:
        _emit_csv(text, len(rows), out=out, csv=csv)
        return
    _print_apl_table(rows, label, year)


def _emit_csv(text: str, n_rows: int, *, out: Path | None, csv: bool) -> None:
    """Write an APL table's CSV to ``out`` and/or standard output (``--csv``)."""
    if out is not None:
        write_output(out, text, option="--out")
        console.print(f"{fr.fmt_int(n_rows)} lignes écrites dans {out}")
    if csv:
        typer.echo(text, nl=False)


def _print_apl_table(rows: list[dict], label: str, year: int) -> None:
    """The official APL table of GPs, worst first, and its under-served counts."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import UNDER_SERVED_APL, ZONING_APL_FR, ZONING_SHORT_FR

    t = Table(title=f"{label} — APL aux médecins généralistes {year} (DREES)")
    for col in ("code", "commune", f"population {year - 2}", "APL", "APL <65 ans", "sous-dotée",
                "zonage"):  # fmt: skip
        t.add_column(col, justify="right" if col not in ("commune",) else "left")
    for r in rows:
        flag = "—" if r["under_served"] is None else "[red]oui[/]" if r["under_served"] else "non"
        t.add_row(str(r["code_insee"]), str(r["nom"]), fr.fmt_int(r["pop_totale"]),
                  fr.fmt_dec(r["apl"], 3), fr.fmt_dec(r["apl_under65"], 3), flag,
                  ZONING_SHORT_FR[str(r["zoning_class"])])  # fmt: skip
    print_table(t)
    n_under = sum(bool(r["under_served"]) for r in rows)
    n_zip = sum(r["zoning_class"] == "priority" for r in rows)
    console.print(f"{fr.fmt_int(n_under)} commune(s) sur {fr.fmt_int(len(rows))} sous "
                  f"{fr.fmt_dec(UNDER_SERVED_APL, 1)} (APL de tous les généralistes, {year}) ; "
                  f"{fr.fmt_int(n_zip)} sous {fr.fmt_dec(UNDER_SERVED_APL, 1)} selon l'"
                  f"{ZONING_APL_FR}.")  # fmt: skip


#: Columns of ``apl --profession`` tables (CSV).
PROFESSION_APL_COLUMNS = [
    "code_insee", "nom", "population", "profession", "apl", "unit", "status", "supply_fte",
    "demand",
]  # fmt: skip


def profession_apl_output(territory: str, code: str, *, year: int, csv: bool, out: Path | None,
                          supply: Path | None, csv_format: str = "fr",
                          official: Path | None = None) -> None:  # fmt: skip
    """``apl --profession`` for a profession other than GPs (estimated APL)."""
    if out is not None:
        check_output(out)
    with progress("Calcul de l'APL (offre BPE 2021, temps de trajet, population)…"):
        res = workspace().profession_apl(territory, code, year=year, supply_file=supply,
                                         official_file=official)  # fmt: skip
    frame = res.table.assign(profession=code, unit=res.unit_fr, status=res.status)
    frame = frame[PROFESSION_APL_COLUMNS]
    if csv or out is not None:
        rows = (
            frame
            if csv_format != "fr"
            else frame.assign(
                profession=res.profession.label_fr,
                apl=frame["apl"].round(1),
                supply_fte=frame["supply_fte"].round(1),
                demand=frame["demand"].round(0).astype("Int64"),
            )
        )  # a person's spreadsheet: the profession in words, rounded values
        _emit_csv(_csv(rows.to_dict("records"), csv_format), len(frame), out=out, csv=csv)
        return
    p, unit = res.profession, res.profession.apl.unit_short_fr
    t = Table(title=f"{res.territory.label} — APL {p.plural_fr} ({res.status}, {unit})")
    for col in ("code", "commune", "population", f"APL ({res.status})", "offre (ETP)"):
        t.add_column(col, justify="left" if col == "commune" else "right")
    for r in frame.head(40).itertuples():
        t.add_row(r.code_insee, r.nom, fr.fmt_int(r.population), fr.fmt_dec(r.apl, 1),
                  fr.fmt_dec(r.supply_fte, 1))  # fmt: skip
    console.print(t)
    if len(frame) > 40:
        console.print(f"(les 40 premières des {fr.fmt_int(len(frame))} communes ; --csv ou --out "
                      "pour toutes)")  # fmt: skip
    ref = res.reference
    console.print(
        f"Moyenne du territoire : {fr.fmt_dec(res.territory_mean, 1)} ; {res.national_label} : "
        f"{fr.fmt_dec(res.national_mean, 1)} {res.unit_fr} ({res.status})"
        + (
            ""
            if ref is None
            else f" ; référence publiée {ref.year} : {fr.fmt_dec(ref.value, 0)} ({ref.source})"
        )
        + "."
    )
    for note in res.notes:
        console.print(f"[dim]{note}[/]")


def _apl_frame(territory: str, year: int):
    """The APL table of any territory (pandas), worst first, and the territory's label."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import access_classes, territory_apl_table, zoning_classes

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
    frame["zoning_class"] = zoning_classes(frame["apl_under65"])
    frame["access_class"] = access_classes(frame["apl"])
    frame.insert(0, "year", year)
    return frame, terr.label


#: French headers of the APL tables in the French CSV dialect (the international one keeps
#: the data's names, for scripts).
_FR_HEADERS = {
    "year": "annee", "code_insee": "code_commune", "nom": "commune",
    "population": "population_municipale", "population_year": "annee_population",
    "apl": "apl", "apl_under65": "apl_medecins_moins_65_ans", "pop_totale": "population_drees",
    "pop_standardisee": "population_standardisee", "under_served": "sous_dotee_apl_moins_2_5",
    "zoning_class": "classe_zonage", "access_class": "classe_acces", "unit": "unite",
    "status": "statut", "supply_fte": "offre_etp", "demand": "demande",
}  # fmt: skip


def _csv(rows: list[dict], csv_format: str) -> str:
    """Rows as CSV (:func:`proxisante._csv.csv_text`; ``""`` where missing); in the French
    dialect, French headers, « oui »/« non » and the zoning classes in words."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante._csv import csv_text

    columns = list(rows[0])
    values = [list(r.values()) for r in rows]
    if csv_format == "fr":
        # deferred: loaded when the command runs, not at CLI start-up
        from proxisante.workspace import ACCESS_LABELS_FR, ZONING_LABELS_FR

        words = {"zoning_class": ZONING_LABELS_FR, "access_class": ACCESS_LABELS_FR}
        labels = [words.get(c, {}) for c in columns]
        values = [[_fr_cell(v, labels[i]) for i, v in enumerate(row)] for row in values]
        columns = [_FR_HEADERS.get(c, c) for c in columns]
    return csv_text(columns, values, csv_format=csv_format)


def _fr_cell(value: object, labels: dict[str, str]) -> object:
    """« oui »/« non » for a flag, the French label of a class code, else the value."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return labels.get(value, value) if isinstance(value, str) else value


def register(app: typer.Typer) -> None:
    """Attach the territory commands to the main app."""
    app.add_typer(territory_app, name="territory")
    app.command("apl")(apl)
