"""The application layer: what the CLI and the web app are thin adapters over.

:class:`Workspace` owns the store-backed offer and populations, the evaluation baseline,
territories, scenarios and plans evaluated on that offer, and the inputs of the reports;
:mod:`~proxisante.workspace.search` finds territories by name or code;
:mod:`~proxisante.workspace.export` writes tables (CSV, xlsx, GeoPackage, Parquet).
"""

from proxisante.workspace.export import TABLE_FORMATS, table_bytes, table_format, write_table
from proxisante.workspace.search import SearchHit, resolve, search, search_communes, search_key
from proxisante.workspace.workspace import (
    NEIGHBOUR_MINUTES,
    SMALL_TERRITORY,
    Workspace,
    neighbours_within,
    territory_of,
)

__all__ = [
    "NEIGHBOUR_MINUTES",
    "SMALL_TERRITORY",
    "TABLE_FORMATS",
    "SearchHit",
    "Workspace",
    "neighbours_within",
    "resolve",
    "search",
    "search_communes",
    "search_key",
    "table_bytes",
    "table_format",
    "territory_of",
    "write_table",
]
