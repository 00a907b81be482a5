"""Find a territory, a site or an operator by name or code — one search for the CLI and the web.

Territories are found by the one name resolver of the package,
:mod:`proxisante.territory.search` (the same that reads territory selectors: exact names
first, then the forgiving matches: « le cateau », « st etienne », « lens lievin »). This
module adds the health offer: operators of that name (« Filieris »: the communes of its
open sites) and sites whose name contains the text. :func:`resolve` turns a text into one
territory in this order: a selector; a territory named exactly so; an operator named so;
a territory the text means (forgiving match); else the closest names.

Operators and sites (the offer, a pandas table) are searched only when given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from proxisante._fr import PlaceName
from proxisante.territory.search import (
    RANK_OPERATOR,
    RANK_SITE,
    SEARCH_INDEX_FILE,
    SearchHit,
    build_search_index,
    commune_named,
    is_selector,
    named,
    ranked,
    search_communes,
    search_key,
    territory_hits,
    territory_of_hit,
)
from proxisante.territory.search import resolve as resolve_territory

if TYPE_CHECKING:
    import pandas as pd

    from proxisante.territory import Territory

__all__ = [
    "SEARCH_INDEX_FILE",
    "SearchHit",
    "build_search_index",
    "commune_named",
    "operator_summary",
    "resolve",
    "search",
    "search_communes",
    "search_key",
    "searchable_sites",
]


def searchable_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """The open and planned sites with their name and operator in search form
    (``name_key``, ``operator_key``): compute once per offer and pass to :func:`search`."""
    open_sites = sites[sites["status"] != "closed"]
    return open_sites.assign(
        name_key=open_sites["name"].fillna("").map(search_key),
        operator_key=open_sites["operator"].fillna("").map(search_key),
    )


def operator_summary(operator: str, sites: pd.DataFrame) -> str:
    """« 23 sites ouverts et 2 en projet dans 21 communes »: an operator's sites as counted
    everywhere (search, territory labels), open and planned apart — the criticality ranking
    and the network tables count the open ones."""
    n_open = int((sites["status"] == "open").sum())
    n_planned = int((sites["status"] == "planned").sum())
    communes = sites["commune"].dropna().nunique()
    planned = f" et {n_planned} en projet" if n_planned else ""
    return f"{n_open} sites ouverts{planned} dans {communes} communes"


def _offer_hits(key: str, sites: pd.DataFrame | None) -> list[SearchHit]:
    """Operators named ``key`` (the communes of their open and planned sites) and sites
    containing it."""
    if sites is None or sites.empty:
        return []
    open_sites = sites if "name_key" in sites.columns else searchable_sites(sites)
    out: list[SearchHit] = []
    operators = open_sites["operator"].fillna("")
    op_keys = open_sites["operator_key"]
    for op in sorted(set(operators[op_keys == key]) - {""}):
        mine = open_sites[operators == op]
        codes = sorted(set(mine["commune"].dropna()))
        label = f"{op.capitalize()} — réseau : {operator_summary(op, mine)}"
        out.append(SearchHit(",".join(codes), label, "operator", True, RANK_OPERATOR))
    names = open_sites["name_key"]
    if len(key) >= 3:
        for r in open_sites[names.str.contains(key, regex=False)].head(20).itertuples():
            label = f"{r.name} — site ({r.commune})"
            out.append(SearchHit(str(r.commune), label, "site", False, RANK_SITE))
    return out


def search(text: str, *, sites: pd.DataFrame | None = None, limit: int = 20) -> list[SearchHit]:
    """Territories, operators and sites matching ``text``, best first.

    Parameters
    ----------
    text
        What the user typed (a name, a code or a selector).
    sites
        The offer's sites (``site_id, name, operator, commune, status``, or
        :func:`searchable_sites` of them) to search operators and sites in; territories only
        when None.
    limit
        Largest number of hits returned.

    Returns
    -------
    list of SearchHit
        Empty for a text without at least two letters or digits.
    """
    key = search_key(text[:200])
    if len(key.replace(" ", "")) < 2:
        return []
    return ranked(territory_hits(text, limit=limit) + _offer_hits(key, sites), limit)


def resolve(
    text: str, *, sites: pd.DataFrame | Callable[[], pd.DataFrame] | None = None
) -> Territory:
    """The one territory ``text`` names (see the module for the order).

    ``sites`` (or a function returning them, called only when no territory matches
    exactly): the offer's sites, to find operators by name.

    Raises
    ------
    AmbiguousNameError
        Several matches of the same rank (e.g. « Saint-Denis »); lists them.
    UnknownCodeError, InputError
        Nothing matches: the selector's own error, with the closest names.
    """
    if sites is None or is_selector(text):
        return resolve_territory(text)
    text = text[:200]
    hit = named(text, forgiving=False) if search_key(text) else None
    if hit is not None:
        return territory_of_hit(hit)
    if len(search_key(text).replace(" ", "")) >= 2:
        table = sites() if callable(sites) else sites
        ops = [h for h in _offer_hits(search_key(text), table) if h.kind == "operator"]
        if ops:
            return _operator_territory(ops[0])
    return resolve_territory(text)  # what the text means (forgiving), or the closest names


def _operator_territory(hit: SearchHit) -> Territory:
    # deferred: the commune tables (pandas) only past the name index (fast start)
    from proxisante.territory import select

    operator, _, summary = hit.label.partition(" — réseau : ")
    return dataclasses.replace(select(hit.selector), label=f"{operator} : {summary}",
                               place=PlaceName(f"réseau {operator} ({summary})", 2))  # fmt: skip
