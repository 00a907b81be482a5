"""Find a territory, a site or an operator by name or code — one search for the CLI and the web.

Order of the results (:func:`search`):

1. an explicit selector (``62523``, ``dep:12``, ``circo:12-02``, ``circo 12-02``) or a
   constituency written out (« 2e circonscription de l'Aveyron »);
2. communes whose name is exactly the text (case, accents, hyphens, apostrophes ignored,
   « St »/« Ste » read as « Saint »/« Sainte »; a name given without its article,
   « havre », finds « Le Havre » when no commune is named so);
3. EPCI, départements and régions of exactly that name;
4. operators of that name (« Filieris »: the communes of its sites) and sites whose name
   contains the text;
5. then partial matches: communes whose name starts with the text (shortest first), EPCI,
   départements and régions whose name contains it.

:func:`resolve` turns a text into one territory: an exact match that is unique wins; several
exact matches of the same rank raise :class:`~proxisante.errors.AmbiguousNameError` listing
them (the CLI prints the list and exits 2; the web shows the list).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from proxisante.errors import AmbiguousNameError, InputError
from proxisante.territory import (
    Territory,
    load_communes,
    load_former_communes,
    normalise_name,
    select,
)

__all__ = ["SearchHit", "resolve", "search", "search_communes", "search_key", "searchable_sites"]

_ARTICLES = ("l", "le", "la", "les")
_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_EPCI_ABBREVIATIONS = {
    "ca": "communaute d agglomeration",
    "cc": "communaute de communes",
    "cu": "communaute urbaine",
}
_EXPLICIT = re.compile(
    r"^\s*(commune|com|epci|dep|departement|département|reg|region|région|circo|"
    r"circonscription|name|nom)\s*[: ]\s*(.+)$",
    re.IGNORECASE,
)
_CODES = re.compile(r"^\s*(\d{5}|2[AB]\d{3})(\s*,\s*(\d{5}|2[AB]\d{3}))*\s*$", re.IGNORECASE)
_CIRCO_CODE = re.compile(r"^([0-9]{1,3}|2[ab]|97\d)[ -]?(\d{1,2})$")
_CIRCO_WORDS = re.compile(
    r"^(\d{1,2}) ?(?:e|er|ere|re|eme|ieme)? circ(?:o|onscription)s? (?:de |du |des |d )?"
    r"(?:la |l |le |les )?(.+)$"
)
#: Ranks: lower comes first.
_RANK_EXPLICIT, _RANK_EXACT, _RANK_OTHER_EXACT, _RANK_OPERATOR, _RANK_PARTIAL, _RANK_SITE = range(6)


@dataclass(frozen=True)
class SearchHit:
    """One search result.

    Attributes
    ----------
    selector
        The territory selector to open (for a site: its commune; for an operator: the
        communes of its sites).
    label
        French label for people, e.g. ``"La Bassée (59) — commune"``.
    kind
        ``commune``, ``epci``, ``dep``, ``reg``, ``circo``, ``operator`` or ``site``.
    exact
        Whether the name (or code) matched exactly.
    """

    selector: str
    label: str
    kind: str
    exact: bool = False
    rank: int = dataclasses.field(default=_RANK_PARTIAL, compare=False, repr=False)


def search_key(text: str) -> str:
    """The form names are compared in: :func:`~proxisante.territory.normalise_name` with
    « St »/« Ste » spelled out.

    >>> search_key("St-Étienne-du-Rouvray")
    'saint etienne du rouvray'
    """
    return " ".join(_SAINT.get(w, w) for w in normalise_name(text).split())


def _without_article(key: str) -> str:
    first, _, rest = key.partition(" ")
    return rest if first in _ARTICLES and rest else key


def _keys(names: pd.Series) -> pd.Series:
    """:func:`search_key` of many names at once (same result, vectorised)."""
    k = names.fillna("").str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    k = k.str.lower().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()
    for short, full in _SAINT.items():
        k = k.str.replace(rf"\b{short}\b", full, regex=True)
    return k


def _bare(keys: pd.Series) -> pd.Series:
    """:func:`_without_article` of many keys at once."""
    return keys.str.replace(r"^(?:l|le|la|les) (?=\S)", "", regex=True)


@cache
def _areas() -> dict[str, pd.DataFrame]:
    """EPCI, départements, régions and constituencies with their names in search form."""
    c = load_communes()
    epci = c.dropna(subset=["epci_nom"]).drop_duplicates("epci_siren")[["epci_siren", "epci_nom"]]
    epci = epci.assign(key=_keys(epci["epci_nom"]))
    epci["long"] = epci["key"].map(
        lambda k: " ".join(_EPCI_ABBREVIATIONS.get(w, w) for w in k.split())
    )
    dep = c.drop_duplicates("departement")[["departement", "departement_nom"]]
    dep = dep.assign(key=_keys(dep["departement_nom"]))
    dep["bare"] = _bare(dep["key"])
    reg = c.drop_duplicates("region")[["region", "region_nom"]]
    reg = reg.assign(key=_keys(reg["region_nom"]))
    circo = c.dropna(subset=["circonscription"]).drop_duplicates("circonscription")
    circo = circo[["circonscription", "departement", "departement_nom"]]
    return {"epci": epci, "dep": dep, "reg": reg, "circo": circo}


@cache
def _communes() -> pd.DataFrame:
    """Communes (no municipal arrondissement) with their names in search form."""
    c = load_communes()
    c = c[c["type"] != "ARM"] if "type" in c.columns else c
    communes = c[["code_insee", "nom", "departement", "population"]].copy()
    communes["key"] = _keys(communes["nom"])
    communes["bare"] = _bare(communes["key"])
    return communes


@cache
def _former() -> pd.DataFrame:
    """Former communes whose current commune is in the table, names in search form."""
    f = load_former_communes()
    names = load_communes().set_index("code_insee")["nom"]
    f = f[f["code_insee"].isin(names.index)]
    return f.assign(key=_keys(f["nom_former"]), nom=f["code_insee"].map(names))


def _former_hits(key: str) -> list[SearchHit]:
    """A former commune of that name: its current commune (« Pierrefitte-sur-Seine » →
    93066 Saint-Denis, which it merged into)."""
    f = _former()
    return [SearchHit(r.code_insee, f"{r.nom} ({r.code_insee}) — commune qui inclut "
                      f"l'ancienne commune {r.nom_former} ({r.code_former})", "commune", True,
                      _RANK_OTHER_EXACT)
            for r in f[f["key"] == key].itertuples()]  # fmt: skip


def _circo_label(code: str, dep_name: str) -> str:
    num = int(code.split("-")[1])
    return f"{dep_name} – {'1re' if num == 1 else f'{num}e'} circonscription ({code})"


def _explicit(text: str) -> list[SearchHit]:
    """Hits for a selector or a constituency written out (empty when the text is a name)."""
    if _CODES.match(text):
        try:
            t = select(text)
        except InputError:
            return []
        return [SearchHit(t.key, t.label, "commune", True, _RANK_EXPLICIT)]
    m = _EXPLICIT.match(text)
    key = search_key(text)
    if m and search_key(m.group(1)) in ("circo", "circonscription"):
        key = "circo " + search_key(m.group(2))
    elif m:
        try:
            t = select(f"{m.group(1)}:{m.group(2).strip()}")
        except InputError:
            return []
        return [SearchHit(_selector_of(t), t.label, t.kind, True, _RANK_EXPLICIT)]
    idx = _areas()  # names in search form: only for texts that are not selectors
    circo = idx["circo"]
    found = re.match(r"^circ(?:o|onscription) (\S+) (\d{1,2})$", key)
    if found and _CIRCO_CODE.match(f"{found.group(1)}-{found.group(2)}"):
        code = f"{found.group(1).upper().zfill(2)}-{int(found.group(2)):02d}"
        row = circo[circo["circonscription"] == code]
        if len(row):
            label = _circo_label(code, row["departement_nom"].iloc[0])
            return [SearchHit(f"circo:{code}", label, "circo", True, _RANK_EXPLICIT)]
        return []
    words = _CIRCO_WORDS.match(key)
    if words:
        num, dep_words = int(words.group(1)), _without_article(words.group(2))
        deps = idx["dep"][(idx["dep"]["bare"] == dep_words) | (idx["dep"]["key"] == dep_words)]
        for dep in deps.itertuples():
            code = f"{dep.departement}-{num:02d}"
            if (circo["circonscription"] == code).any():
                label = _circo_label(code, dep.departement_nom)
                return [SearchHit(f"circo:{code}", label, "circo", True, _RANK_EXPLICIT)]
    return []


def _selector_of(t: Territory) -> str:
    return t.key if t.kind == "commune" else f"{t.kind}:{t.key}"


def _commune_hit(r, *, exact: bool, rank: int) -> SearchHit:
    return SearchHit(r.code_insee, f"{r.nom} ({r.departement}) — commune", "commune", exact, rank)


def searchable_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """The open sites with their name and operator in search form (``name_key``,
    ``operator_key``): compute once per offer and pass to :func:`search`."""
    open_sites = sites[sites["status"] != "closed"]
    return open_sites.assign(
        name_key=open_sites["name"].fillna("").map(search_key),
        operator_key=open_sites["operator"].fillna("").map(search_key),
    )


def _offer_hits(key: str, sites: pd.DataFrame | None) -> list[SearchHit]:
    """Operators named ``key`` (the communes of their open sites) and sites containing it."""
    if sites is None or sites.empty:
        return []
    open_sites = sites if "name_key" in sites.columns else searchable_sites(sites)
    out: list[SearchHit] = []
    operators = open_sites["operator"].fillna("")
    op_keys = open_sites["operator_key"]
    for op in sorted(set(operators[op_keys == key]) - {""}):
        mine = open_sites[operators == op]
        codes = sorted(set(mine["commune"].dropna()))
        label = f"{op.capitalize()} — réseau : {len(mine)} sites dans {len(codes)} communes"
        out.append(SearchHit(",".join(codes), label, "operator", True, _RANK_OPERATOR))
    names = open_sites["name_key"]
    if len(key) >= 3:
        for r in open_sites[names.str.contains(key, regex=False)].head(20).itertuples():
            label = f"{r.name} — site ({r.commune})"
            out.append(SearchHit(str(r.commune), label, "site", False, _RANK_SITE))
    return out


def search(text: str, *, sites: pd.DataFrame | None = None, limit: int = 20) -> list[SearchHit]:
    """Territories, operators and sites matching ``text``, best first (see the module).

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
    text = text[:200]
    key = search_key(text)
    if len(key.replace(" ", "")) < 2:
        return []
    hits = _explicit(text)
    idx, c = _areas(), _communes()
    exact = c[c["key"] == key]
    if exact.empty and _without_article(key) == key:
        exact = c[c["bare"] == key]
    exact = exact.sort_values("population", ascending=False)
    hits += [_commune_hit(r, exact=True, rank=_RANK_EXACT) for r in exact.itertuples()]
    if exact.empty:
        hits += _former_hits(key)
    e, d, g = idx["epci"], idx["dep"], idx["reg"]
    long = " ".join(_EPCI_ABBREVIATIONS.get(w, w) for w in key.split())
    hits += [SearchHit(f"epci:{r.epci_siren}", f"{r.epci_nom} — EPCI", "epci", True,
                       _RANK_OTHER_EXACT)
             for r in e[(e["key"] == key) | (e["long"] == long)].itertuples()]  # fmt: skip
    hits += [SearchHit(f"dep:{r.departement}", f"{r.departement_nom} ({r.departement}) — "
                       "département", "dep", True, _RANK_OTHER_EXACT)
             for r in d[(d["key"] == key) | (d["bare"] == key)].itertuples()]  # fmt: skip
    hits += [SearchHit(f"reg:{r.region}", f"{r.region_nom} — région", "reg", True,
                       _RANK_OTHER_EXACT)
             for r in g[g["key"] == key].itertuples()]  # fmt: skip
    hits += _offer_hits(key, sites)
    starts = c[c["key"].str.startswith(key) | c["bare"].str.startswith(key)]
    starts = starts.iloc[starts["key"].str.len().argsort(kind="stable")].head(limit)
    hits += [_commune_hit(r, exact=False, rank=_RANK_PARTIAL) for r in starts.itertuples()]
    hits += [SearchHit(f"epci:{r.epci_siren}", f"{r.epci_nom} — EPCI", "epci")
             for r in e[e["key"].str.contains(key, regex=False)].head(5).itertuples()]  # fmt: skip
    hits += [SearchHit(f"dep:{r.departement}", f"{r.departement_nom} ({r.departement}) — "
                       "département", "dep")
             for r in d[d["key"].str.contains(key, regex=False)].itertuples()]  # fmt: skip
    hits += [SearchHit(f"reg:{r.region}", f"{r.region_nom} — région", "reg")
             for r in g[g["key"].str.contains(key, regex=False)].itertuples()]  # fmt: skip
    seen: set[tuple[str, str]] = set()
    out: list[SearchHit] = []
    for h in sorted(hits, key=lambda h: h.rank):
        if (h.kind, h.selector) not in seen:
            seen.add((h.kind, h.selector))
            out.append(h)
    return out[:limit]


def resolve(
    text: str, *, sites: pd.DataFrame | Callable[[], pd.DataFrame] | None = None
) -> Territory:
    """The one territory ``text`` names (see the module for the order).

    ``sites`` (or a function returning them, called only when no territory matches
    exactly): the offer's sites, to find operators by name.

    Raises
    ------
    AmbiguousNameError
        Several exact matches of the same rank (e.g. « Saint-Denis »); lists them.
    UnknownCodeError, InputError
        Nothing matches exactly: the selector's own error, with the closest names.
    """
    explicit = _explicit(text[:200])
    if explicit:
        territory = select(explicit[0].selector)
        return territory
    prefixed = _EXPLICIT.match(text[:200])
    if prefixed and ":" in text and search_key(prefixed.group(1)) not in ("name", "nom"):
        # an explicit selector (dep:99) that names nothing: its own error, without searching
        # names, operators and sites first (which loads the offer)
        return select(text)
    hits = [h for h in search(text, limit=50) if h.exact]
    if not hits and sites is not None:
        table = sites() if callable(sites) else sites
        hits = [h for h in search(text, sites=table, limit=50) if h.exact]
    if not hits:
        return select(text)
    best = [h for h in hits if h.rank == hits[0].rank and h.kind != "site"]
    if len(best) > 1:
        raise AmbiguousNameError(text, [f"{h.selector}  {h.label}" for h in best[:15]],
                                 more=len(best) - 15)  # fmt: skip
    hit = best[0]
    territory = select(hit.selector)
    if hit.kind == "operator":
        territory = dataclasses.replace(territory, label=hit.label.replace(" — réseau :", " :"))
    elif hit.kind == "commune" and hit.rank == _RANK_OTHER_EXACT:  # a former commune's name
        territory = dataclasses.replace(territory, label=hit.label.replace(" — commune", ","))
    return territory


def search_communes(text: str) -> pd.DataFrame:
    """Communes whose name contains ``text`` (rows of :func:`load_communes`), exact names first.

    Raises
    ------
    InputError
        ``text`` has no letter or digit.
    """
    key = search_key(text)
    if not key:
        msg = f"search text '{text}' has no letters or digits"
        raise InputError(msg)
    c = _communes()
    hits = c[c["key"].str.contains(key, regex=False)]
    order = (hits["key"] != key).to_numpy().argsort(kind="stable")
    codes = hits["code_insee"].to_numpy()[order]
    allc = load_communes().set_index("code_insee")
    return allc.loc[codes].reset_index()
