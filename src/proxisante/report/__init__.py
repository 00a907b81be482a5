"""French reports (HTML, xlsx) for mayors, MPs and network directors.

Rendering only: every figure is computed by the packages below and handed over (the
territory, its neighbours, a scenario's result, a plan, site names); nothing is recomputed
or reloaded here (:func:`territory_report`, the one assembly, only orders what a workspace
computed).
"""

from proxisante.report.maps import APL_CLASSES, RESIDUAL_CLASSES, communes_geojson, js_classes
from proxisante.report.model_quality_section import MODEL_QUALITY_TITLE, model_quality_section
from proxisante.report.needs_section import NEEDS_TITLE, needs_section
from proxisante.report.plan_section import (
    VERSUS_NOTE_FR,
    plan_lead_section,
    plan_section,
    versus_chart,
)
from proxisante.report.scenario_section import scenario_lead_section, scenario_section
from proxisante.report.territory_report import (
    ReportSection,
    TerritoryReport,
    build_territory_report,
    render_html,
    write_html,
)
from proxisante.report.workspace_report import territory_report

__all__ = [
    "APL_CLASSES",
    "MODEL_QUALITY_TITLE",
    "NEEDS_TITLE",
    "RESIDUAL_CLASSES",
    "VERSUS_NOTE_FR",
    "ReportSection",
    "TerritoryReport",
    "build_territory_report",
    "communes_geojson",
    "js_classes",
    "model_quality_section",
    "needs_section",
    "plan_lead_section",
    "plan_section",
    "render_html",
    "scenario_lead_section",
    "scenario_section",
    "territory_report",
    "versus_chart",
    "write_html",
]
