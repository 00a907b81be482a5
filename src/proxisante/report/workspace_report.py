"""The French territory report as every front end shows it, from a workspace's figures.

The CLI ``report`` command and the web territory page render the same report: one assembly
here, so that both show the same figures for the same territory (same world for the
« Et si… » closures: :meth:`proxisante.workspace.Workspace.briefing`). Every figure is
computed by the workspace; this module only orders the sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proxisante.report.briefing_section import briefing_sections
from proxisante.report.model_quality_section import model_quality_section
from proxisante.report.needs_section import needs_section
from proxisante.report.territory_report import TerritoryReport, build_territory_report

if TYPE_CHECKING:
    from proxisante.territory import Territory
    from proxisante.workspace import Workspace

__all__ = ["workspace_territory_report"]


def workspace_territory_report(
    ws: Workspace, territory: str | Territory, *, year: int = 2023, operator: str = "filieris"
) -> TerritoryReport:
    """The territory report of ``territory`` on the workspace's offer and model: the mayor's /
    MP's sections (lead summary, sites, « Et si… », network, zoning, sources), the APL map
    and table, the section « Personnes âgées, maladies chroniques et prévention » and the
    model quality note (when the workspace has a model of ``year``).

    ``operator``: the network whose sites « Et si… » closes.
    """
    t = ws.territory(territory)
    rep = build_territory_report(t, year=year, neighbours=ws.report_neighbours(t))
    rep.sections[:0] = briefing_sections(ws.briefing(t, year=year, operator=operator))
    rep.sections.append(needs_section(**ws.needs_report_inputs(t)))
    quality = ws.model_quality(t, year=year)
    if quality is not None:
        rep.sections.append(model_quality_section(quality))
    return rep
