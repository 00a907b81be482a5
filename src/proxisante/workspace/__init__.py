"""The application layer: what the CLI and the web app are thin adapters over.

:class:`Workspace` owns the store-backed offer and populations, the evaluation baseline,
territories, scenarios and plans evaluated on that offer, and the inputs of the reports;
:mod:`~proxisante.workspace.search` finds territories, operators and sites by name or code;
:mod:`~proxisante.workspace.export` writes tables (CSV, xlsx, GeoPackage, Parquet). Names
load on first use, so that ``proxisante territory show`` needs only the territory data.
"""

from typing import TYPE_CHECKING

from proxisante._lazy import lazy_exports

# the search is light (territory data only) and shares its name with its module: eager
from proxisante.workspace.search import (
    SearchHit,
    resolve,
    search,
    search_communes,
    search_key,
    searchable_sites,
)

if TYPE_CHECKING:
    from proxisante.workspace.export import (
        CSV_FORMATS,
        TABLE_FORMATS,
        csv_bytes,
        table_bytes,
        table_format,
        write_table,
    )
    from proxisante.workspace.workspace import (
        NEIGHBOUR_MINUTES,
        SMALL_TERRITORY,
        Workspace,
        neighbours_within,
        territory_of,
    )

__all__ = [
    "CSV_FORMATS",
    "NEIGHBOUR_MINUTES",
    "SMALL_TERRITORY",
    "TABLE_FORMATS",
    "SearchHit",
    "Workspace",
    "csv_bytes",
    "neighbours_within",
    "resolve",
    "search",
    "search_communes",
    "search_key",
    "searchable_sites",
    "table_bytes",
    "table_format",
    "territory_of",
    "write_table",
]

_EXPORT, _WORKSPACE = "proxisante.workspace.export", "proxisante.workspace.workspace"
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CSV_FORMATS": _EXPORT,
        "TABLE_FORMATS": _EXPORT,
        "csv_bytes": _EXPORT,
        "table_bytes": _EXPORT,
        "table_format": _EXPORT,
        "write_table": _EXPORT,
        "NEIGHBOUR_MINUTES": _WORKSPACE,
        "SMALL_TERRITORY": _WORKSPACE,
        "Workspace": _WORKSPACE,
        "neighbours_within": _WORKSPACE,
        "territory_of": _WORKSPACE,
    },
)
