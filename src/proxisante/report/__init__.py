"""French reports (HTML, xlsx) for mayors, MPs and network directors. No computation here."""

from proxisante.report.territory_report import (
    ReportSection,
    TerritoryReport,
    build_territory_report,
    render_html,
    write_html,
)

__all__ = [
    "ReportSection",
    "TerritoryReport",
    "build_territory_report",
    "render_html",
    "write_html",
]
