"""Territory search by name or code, shared by the CLI and the web app.

:func:`search_territories` (the web's search box): communes whose normalised name starts
with the text (shortest names first) or whose INSEE code is the text, then EPCI whose name
contains it, then the constituency of that code. :func:`search_communes`: every commune
whose normalised name contains the text. Names are compared after
:func:`proxisante.territory.normalise_name` (case, accents, hyphens ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from proxisante.errors import InputError
from proxisante.territory import load_communes, normalise_name

__all__ = ["SearchHit", "search_communes", "search_territories"]


@dataclass(frozen=True)
class SearchHit:
    """A territory found by a search: its selector, a label for people, and its kind."""

    selector: str
    label: str
    kind: str


@cache
def _index() -> tuple[pd.DataFrame, pd.DataFrame]:
    c = load_communes()
    c["norm"] = c["nom"].map(normalise_name)
    epci = c.drop_duplicates("epci_siren").dropna(subset=["epci_nom"]).copy()
    epci["norm"] = epci["epci_nom"].map(normalise_name)
    return c, epci


@lru_cache(maxsize=1024)
def search_territories(text: str, limit: int = 10) -> tuple[SearchHit, ...]:
    """Communes, EPCI and constituencies matching ``text`` (at most ``limit``; none for
    fewer than 2 letters or digits)."""
    target = normalise_name(text)
    if len(target) < 2:
        return ()
    c, epci = _index()
    hits = c[c["norm"].str.startswith(target) | (c["code_insee"] == text.strip())]
    hits = hits.iloc[hits["norm"].str.len().argsort()]
    out = [
        SearchHit(selector=r.code_insee, label=f"{r.nom} ({r.departement})", kind="commune")
        for r in hits.head(limit).itertuples()
    ]
    e = epci[epci["norm"].str.contains(target, regex=False)]
    out += [
        SearchHit(selector=f"epci:{r.epci_siren}", label=r.epci_nom, kind="epci")
        for r in e.head(5).itertuples()
    ]
    circ = c[c["circonscription"] == text.strip()].head(1)
    out += [
        SearchHit(selector=f"circo:{r.circonscription}",
                  label=f"circonscription {r.circonscription}", kind="circo")
        for r in circ.itertuples()
    ]  # fmt: skip
    return tuple(out[:limit])


def search_communes(text: str) -> pd.DataFrame:
    """Communes whose normalised name contains ``text`` (rows of :func:`load_communes`).

    Raises
    ------
    InputError
        ``text`` has no letter or digit.
    """
    target = normalise_name(text)
    if not target:
        msg = f"search text '{text}' has no letters or digits"
        raise InputError(msg)
    c, _ = _index()
    return c[c["norm"].str.contains(target, regex=False)].drop(columns="norm")
