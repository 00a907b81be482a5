"""The territory report: official GP access (DREES APL) of a territory, in French.

One self-contained HTML file (inline CSS, inline Leaflet, inline GeoJSON) that renders
offline. It renders what it is given: the territory, and the neighbours to compare with
(computed by the application layer). Other modules (scenarios, plan) append
:class:`ReportSection` objects to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from proxisante._fr import unbreakable_numbers_html
from proxisante._output import check_output, write_output
from proxisante.errors import InputError
from proxisante.report._jinja import environment
from proxisante.report.maps import (
    NO_DATA_COLOUR,
    communes_geojson,
    js_classes,
    leaflet_assets,
)
from proxisante.sources import MINING_BASIN_SOURCE
from proxisante.territory import (
    UNDER_SERVED_APL,
    Territory,
    available_apl_years,
    circonscription_deputy,
    load_commune_geometry,
    population_year_of_apl,
    territory_apl_table,
    under_served_population,
)
from proxisante.territory import zoning as zoning_rule
from proxisante.territory.mining_basins import mining_basin_contour

__all__ = [
    "ReportSection",
    "TerritoryReport",
    "build_territory_report",
    "render_html",
    "write_html",
]


@dataclass
class ReportSection:
    """An extra report section: French title, HTML body (trusted, built by proxisante), sources."""

    title: str
    html: str
    sources: list[str] = field(default_factory=list)
    #: shown first, as the printable one-page summary (page 1 when printed)
    lead: bool = False
    #: HTML id of the section (for links and tests)
    anchor: str = ""


@dataclass
class TerritoryReport:
    """Everything the territory report shows (computed; rendering is separate)."""

    territory: Territory
    year: int
    previous_year: int
    summary: dict[str, float]
    summary_previous: dict[str, float]
    communes: pd.DataFrame
    neighbours: pd.DataFrame
    worst: pd.DataFrame
    geojson: str
    generated: date
    deputy: dict[str, str] | None = None
    sections: list[ReportSection] = field(default_factory=list)
    #: The report's title (default « Accès aux médecins généralistes — <territory> »); a
    #: scenario or plan report names its scenario or plan.
    title: str = ""
    #: counts by the zoning APL (GPs under 65) and by the APL of every GP, of ``year``
    #: (:func:`proxisante.territory.zoning.zoning_headline`)
    zoning: dict[str, float] = field(default_factory=dict)
    #: contour drawn over the map (GeoJSON text: a mining basin's perimeter), its legend
    #: label and its source
    outline: str | None = None
    outline_label: str = ""
    outline_source: str = ""


def _communes_with_zoning(territory: Territory, table: pd.DataFrame, year: int):
    """The territory's communes with their APL and zoning classes (worst APL first), and
    the zoning table (:func:`proxisante.territory.zoning.commune_zoning`)."""
    communes = territory.communes[
        ["code_insee", "nom", "population", "population_year", "epci_nom", "departement"]
    ].merge(table, on="code_insee", how="left", validate="one_to_one")
    zoning = zoning_rule.commune_zoning(territory.codes, year)
    communes = communes.merge(
        zoning[["code_insee", "zoning_class", "access_class", "zoning_class_bassin"]],
        on="code_insee", how="left", validate="one_to_one",
    )  # fmt: skip
    return communes.sort_values([f"apl_{year}", "nom"], na_position="last"), zoning


def build_territory_report(
    territory: Territory, *, year: int = 2023, previous_year: int | None = None,
    today: date | None = None, neighbours: pd.DataFrame | None = None,
) -> TerritoryReport:  # fmt: skip
    """Compute the territory report's content.

    Parameters
    ----------
    territory
        From :func:`proxisante.territory.select`.
    year
        APL millésime shown (default 2023, the latest bundled).
    previous_year
        Millésime to compare with (default: the one before ``year``).
    today
        Date printed on the report (default: today).
    neighbours
        Communes shown around the territory for comparison: ``code_insee, nom, population,
        minutes_estimees`` (e.g. :meth:`proxisante.workspace.Workspace.report_neighbours`);
        none by default.
    """
    years = available_apl_years()
    if previous_year is None:
        earlier = [y for y in years if y < year]
        if not earlier:
            msg = f"no APL year before {year} to compare with; available years: {years}"
            raise InputError(msg)
        previous_year = earlier[-1]
    table = territory_apl_table(territory.codes, years=(previous_year, year))
    communes, zoning = _communes_with_zoning(territory, table, year)
    summary = under_served_population(table, year)
    summary_prev = under_served_population(table, previous_year)
    worst = communes[communes[f"apl_{year}"].notna()].head(5)

    near = neighbours
    neighbours = pd.DataFrame()
    if near is not None:
        ntable = territory_apl_table(near["code_insee"], years=(previous_year, year))
        neighbours = (
            near[["code_insee", "nom", "population", "minutes_estimees"]]
            .merge(ntable, on="code_insee", how="left", validate="one_to_one")
            .sort_values("minutes_estimees")
        )

    shown = pd.concat(
        [communes.assign(dans_territoire=True), neighbours.assign(dans_territoire=False)],
        ignore_index=True,
    )
    props = shown[["code_insee", "nom", f"apl_{year}", f"apl_{previous_year}",
                   f"pop_totale_{year}", "dans_territoire"]].rename(columns={
        f"apl_{year}": "apl", f"apl_{previous_year}": "apl_prev",
        f"pop_totale_{year}": "population"})  # fmt: skip
    geometry = load_commune_geometry(props["code_insee"])
    geojson = communes_geojson(geometry, props)
    deputy = circonscription_deputy(territory.key) if territory.kind == "circo" else None
    outline = {}
    if territory.kind == "bassin":
        src = MINING_BASIN_SOURCE
        outline = {"outline": mining_basin_contour(territory.key),
                   "outline_label": "contour du bassin minier",
                   "outline_source": f"{src.what} : {src.publisher}, {src.url} "
                                     f"({src.date})."}  # fmt: skip
    return TerritoryReport(
        territory=territory,
        year=year,
        previous_year=previous_year,
        summary=summary,
        summary_previous=summary_prev,
        communes=communes.reset_index(drop=True),
        neighbours=neighbours.reset_index(drop=True),
        worst=worst.reset_index(drop=True),
        geojson=geojson,
        generated=today or date.today(),
        deputy=deputy,
        zoning=zoning_rule.zoning_headline(zoning),
        **outline,
    )


def render_html(report: TerritoryReport) -> str:
    """Render the report as one self-contained French HTML page."""
    y, p = report.year, report.previous_year
    template = environment().get_template("territory.html.j2")
    html = template.render(
        r=report,
        t=report.territory,
        y=y,
        p=p,
        pop_year=population_year_of_apl(y),
        pop_year_prev=population_year_of_apl(p),
        threshold=UNDER_SERVED_APL,
        leaflet=leaflet_assets(),
        js_classes=js_classes(),
        no_data=NO_DATA_COLOUR,
        change=report.summary["under_served"] - report.summary_previous["under_served"],
        zoning_labels=zoning_rule.ZONING_LABELS_FR,
        access_labels=zoning_rule.ACCESS_LABELS_FR,
        zoning_rule_fr=zoning_rule.ZONING_RULE_FR,
        zoning_area_fr=zoning_rule.AREA_NOTE_FR,
    )
    return unbreakable_numbers_html(html)  # « 16 258 » never wraps inside the number


def write_html(report: TerritoryReport, path: str | Path, *, option: str = "--out") -> Path:
    """Render and write the report; the file is written whole or not at all
    (:func:`proxisante._output.write_output`: a regular file or a new name only)."""
    check_output(path, option=option)  # before rendering
    return write_output(path, render_html(report), option=option)
