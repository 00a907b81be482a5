"""The French territory report as every front end shows it, from a workspace's figures.

One assembly, :func:`territory_report`, for the CLI (``report``, ``scenario run --report``,
``plan cog --html``), the web territory page and ``make demo``: the same territory gives the
same figures everywhere (same world for the « Et si… » closures:
:meth:`proxisante.workspace.Workspace.briefing`). Every figure is computed by the workspace
(or handed over: a scenario's result, a plan); this module only orders the sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proxisante.report.briefing_section import briefing_sections
from proxisante.report.model_quality_section import model_quality_section
from proxisante.report.needs_section import needs_section
from proxisante.report.plan_section import plan_lead_section, plan_section
from proxisante.report.scenario_section import scenario_lead_section, scenario_section
from proxisante.report.territory_report import TerritoryReport, build_territory_report

if TYPE_CHECKING:
    import pandas as pd

    from proxisante.workspace import Territory, Workspace

__all__ = ["territory_report"]


def territory_report(
    ws: Workspace, territory: str | Territory, *, scenario=None, home_care=None, plan=None,
    plan_scenarios: pd.DataFrame | None = None, year: int = 2023, operator: str = "filieris",
) -> TerritoryReport:  # fmt: skip
    """The territory report of ``territory`` on the workspace's offer and model.

    Without ``scenario`` or ``plan``: the mayor's / MP's sections (lead summary, sites,
    « Et si… », network, zoning, sources; ``operator``: the network whose sites « Et si… »
    closes), the APL map and table, the section « Personnes âgées, maladies chroniques et
    prévention » and the model quality note (when the workspace has a model of ``year``).

    ``scenario``: a :class:`~proxisante.scenarios.ScenarioResult` — titled by the scenario,
    opening on its first page (:func:`~proxisante.report.scenario_section.scenario_lead_section`:
    what changes, who loses, how many fall under 2.5), then the APL map and table of its
    baseline year, its section, the needs section with ``home_care`` (its
    :class:`~proxisante.needs.HomeCareChange` over the territory) and the model quality note.

    ``plan``: a :class:`~proxisante.plan.CogPlan` — titled by the plan, opening on its first
    page (:func:`~proxisante.report.plan_section.plan_lead_section`: per year hires, net
    cost, under the threshold with the plan and sans COG), the APL map and table, the plan's
    section
    (with ``plan_scenarios``, its budget scenarios) and the needs section.
    """
    t = ws.territory(territory)
    if scenario is not None:
        year = scenario.scenario.baseline_year
    rep = build_territory_report(t, year=year, neighbours=ws.report_neighbours(t))
    if scenario is not None:  # the question first: the scenario, then today and the map
        names = ws.site_names(scenario.scenario)
        rep.title = f"Scénario « {scenario.scenario.name} » — {t.label}"
        rep.sections.append(scenario_lead_section(scenario, t, site_names=names))
        rep.sections.append(scenario_section(scenario, t, site_names=names,
                                             site_sources=ws.site_sources()))  # fmt: skip
    elif plan is not None:  # the plan first, then today and the map
        years = plan.summary["année"]
        rep.title = f"Plan {years.iloc[0]}-{years.iloc[-1]} — {t.label}"
        rep.sections.append(plan_lead_section(plan, t.place))
        rep.sections.append(plan_section(plan, t.label, scenarios=plan_scenarios))
    else:
        rep.sections[:0] = briefing_sections(ws.briefing(t, year=year, operator=operator))
    rep.sections.append(needs_section(ws.needs_report_inputs(t), change=home_care))
    quality = None if plan is not None else ws.model_quality(t, year=year)
    if quality is not None:
        rep.sections.append(model_quality_section(quality))
    return rep
