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

Names are looked up in a name index shipped in the package data (:data:`SEARCH_INDEX_FILE`:
every name already in :func:`search_key` form, built by :func:`build_search_index` when the
bundled data are built), read with the standard library only: a search costs milliseconds
and the CLI needs no pandas to find a commune by name. The index records the SHA-256 of the
tables it was built from; when they differ it is not used and is built again in memory.
Operators and sites (the offer, a pandas table) are searched only when given.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from proxisante import _bundled
from proxisante._fr import PlaceName
from proxisante.errors import AmbiguousNameError, InputError
from proxisante.territory.communes import PLM_ARRONDISSEMENTS
from proxisante.territory.names import normalise_name

if TYPE_CHECKING:
    import pandas as pd

    from proxisante.territory import Territory

__all__ = [
    "SEARCH_INDEX_FILE",
    "SearchHit",
    "build_search_index",
    "commune_named",
    "resolve",
    "search",
    "search_communes",
    "search_key",
    "searchable_sites",
]

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

#: The name index shipped in the package data (``proxisante/data``): names in search form,
#: built by :func:`build_search_index` (``scripts/build_default_data.py`` writes it).
SEARCH_INDEX_FILE = "search_index.json.gz"
#: Bundled files the index is built from; the index records their SHA-256.
_INDEX_SOURCES = ("communes.parquet", "former_communes.csv")
_INDEX_VERSION = 1


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


def _long_epci(key: str) -> str:
    """An EPCI name in search form with « CA », « CC », « CU » spelled out."""
    return " ".join(_EPCI_ABBREVIATIONS.get(w, w) for w in key.split())


def _column(values: Sequence[Any]) -> list[Any]:
    """Plain Python values, None for every missing value (NaN, pandas NA)."""
    out = []
    for v in values:
        try:
            missing = v is None or bool(v != v)
        except TypeError:  # pandas NA: its comparisons are ambiguous
            missing = True
        out.append(None if missing else v.item() if hasattr(v, "item") else v)
    return out


def build_search_index() -> dict[str, Any]:
    """The name index of :func:`search`, built from the bundled commune tables.

    Communes (no municipal arrondissement), EPCI, départements, régions, constituencies and
    former communes (those whose current commune is in the table), each with its name in
    :func:`search_key` form, in the order of the bundled tables (the order results of
    equal rank come in). Plain lists, written to :data:`SEARCH_INDEX_FILE` as gzipped JSON
    by ``scripts/build_default_data.py``, with the SHA-256 of its sources so that a stale
    index is never used.
    """
    # deferred: the commune tables (pandas) only past the name index (fast start)
    from proxisante.territory import load_communes, load_former_communes

    c = load_communes()
    com = c[c["type"] != "ARM"]
    epci = c.dropna(subset=["epci_nom"]).drop_duplicates("epci_siren")
    dep = c.drop_duplicates("departement")
    reg = c.drop_duplicates("region")
    circo = c.dropna(subset=["circonscription"]).drop_duplicates("circonscription")
    former = load_former_communes()
    former = former[former["code_insee"].isin(c["code_insee"])]
    current_names = dict(zip(c["code_insee"], c["nom"], strict=True))

    def keys(names) -> list[str]:
        return [search_key(n or "") for n in _column(names)]

    epci_keys = keys(epci["epci_nom"])
    return {
        "version": _INDEX_VERSION,
        "sources": _bundled.bundled_sha256(_INDEX_SOURCES),
        "communes": {
            "code": _column(com["code_insee"]),
            "name": _column(com["nom"]),
            "departement": _column(com["departement"]),
            "population": _column(com["population"]),
            "key": keys(com["nom"]),
        },
        "epci": {
            "code": _column(epci["epci_siren"]),
            "name": _column(epci["epci_nom"]),
            "key": epci_keys,
            "long": [_long_epci(k) for k in epci_keys],
        },
        "dep": {
            "code": _column(dep["departement"]),
            "name": _column(dep["departement_nom"]),
            "key": keys(dep["departement_nom"]),
        },
        "reg": {
            "code": _column(reg["region"]),
            "name": _column(reg["region_nom"]),
            "key": keys(reg["region_nom"]),
        },
        "circo": {
            "code": _column(circo["circonscription"]),
            "departement_nom": _column(circo["departement_nom"]),
        },
        "former": {
            "code": _column(former["code_insee"]),
            "name": [current_names[code] for code in former["code_insee"]],
            "code_former": _column(former["code_former"]),
            "name_former": _column(former["nom_former"]),
            "key": keys(former["nom_former"]),
        },
    }


def write_search_index(index: dict[str, Any] | None = None) -> None:
    """Write :func:`build_search_index` to the package data (reproducible bytes)."""
    index = build_search_index() if index is None else index
    text = json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    _bundled.bundled_path(SEARCH_INDEX_FILE).write_bytes(gzip.compress(text.encode(), mtime=0))


def _read_search_index() -> dict[str, Any] | None:
    """The shipped index, or None when it is missing, unreadable or not built from the
    bundled tables as they are now."""
    try:
        index = json.loads(gzip.decompress(_bundled.bundled_path(SEARCH_INDEX_FILE).read_bytes()))
    except (OSError, EOFError, ValueError):
        return None
    if index.get("version") != _INDEX_VERSION or index.get("sources") != _bundled.bundled_sha256(
        _INDEX_SOURCES
    ):
        return None
    return index


@cache
def _index() -> dict[str, Any]:
    """The name index: the shipped one (read in a few milliseconds, without pandas) or, when
    it does not match the bundled tables, one built from them; article-less keys added."""
    index = _read_search_index() or build_search_index()
    for table in ("communes", "dep"):
        index[table]["bare"] = [_without_article(k) for k in index[table]["key"]]
    return index


def _where(values: list[str], key: str) -> list[int]:
    return [i for i, v in enumerate(values) if v == key]


def _former_hits(key: str) -> list[SearchHit]:
    """A former commune of that name: its current commune (« Pierrefitte-sur-Seine » →
    93066 Saint-Denis, which it merged into)."""
    f = _index()["former"]
    return [SearchHit(f["code"][i], f"{f['name'][i]} ({f['code'][i]}) — commune qui inclut "
                      f"l'ancienne commune {f['name_former'][i]} ({f['code_former'][i]})",
                      "commune", True, _RANK_OTHER_EXACT)
            for i in _where(f["key"], key)]  # fmt: skip


def _circo_label(code: str, dep_name: str) -> str:
    num = int(code.split("-")[1])
    return f"{dep_name} – {'1re' if num == 1 else f'{num}e'} circonscription ({code})"


def _explicit(text: str) -> list[SearchHit]:
    """Hits for a selector or a constituency written out (empty when the text is a name)."""
    if _CODES.match(text):
        from proxisante.territory import select  # pandas: only for codes and selectors

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
        # deferred: the commune tables (pandas) only past the name index (fast start)
        from proxisante.territory import select

        try:
            t = select(f"{m.group(1)}:{m.group(2).strip()}")
        except InputError:
            return []
        return [SearchHit(_selector_of(t), t.label, t.kind, True, _RANK_EXPLICIT)]
    idx = _index()  # names in search form: only for texts that are not selectors
    circo = dict(zip(idx["circo"]["code"], idx["circo"]["departement_nom"], strict=True))
    found = re.match(r"^circ(?:o|onscription) (\S+) (\d{1,2})$", key)
    if found and _CIRCO_CODE.match(f"{found.group(1)}-{found.group(2)}"):
        code = f"{found.group(1).upper().zfill(2)}-{int(found.group(2)):02d}"
        if code in circo:
            label = _circo_label(code, circo[code])
            return [SearchHit(f"circo:{code}", label, "circo", True, _RANK_EXPLICIT)]
        return []
    words = _CIRCO_WORDS.match(key)
    if words:
        num, dep_words = int(words.group(1)), _without_article(words.group(2))
        d = idx["dep"]
        for i in range(len(d["code"])):
            code = f"{d['code'][i]}-{num:02d}"
            if dep_words in (d["bare"][i], d["key"][i]) and code in circo:
                label = _circo_label(code, d["name"][i])
                return [SearchHit(f"circo:{code}", label, "circo", True, _RANK_EXPLICIT)]
    return []


def _selector_of(t: Territory) -> str:
    return t.key if t.kind == "commune" else f"{t.kind}:{t.key}"


def _commune_hit(i: int, *, exact: bool, rank: int) -> SearchHit:
    c = _index()["communes"]
    label = f"{c['name'][i]} ({c['departement'][i]}) — commune"
    return SearchHit(c["code"][i], label, "commune", exact, rank)


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
    idx = _index()
    c, e, d, g = idx["communes"], idx["epci"], idx["dep"], idx["reg"]
    exact = _where(c["key"], key)
    if not exact and _without_article(key) == key:
        exact = _where(c["bare"], key)
    population = c["population"]  # most populous first, unknown populations last
    exact.sort(key=lambda i: (population[i] is None, -(population[i] or 0)))
    hits += [_commune_hit(i, exact=True, rank=_RANK_EXACT) for i in exact]
    if not exact:
        hits += _former_hits(key)
    long = _long_epci(key)
    hits += [SearchHit(f"epci:{e['code'][i]}", f"{e['name'][i]} — EPCI", "epci", True,
                       _RANK_OTHER_EXACT)
             for i, (k, k_long) in enumerate(zip(e["key"], e["long"], strict=True))
             if key == k or long == k_long]  # fmt: skip
    hits += [SearchHit(f"dep:{d['code'][i]}", f"{d['name'][i]} ({d['code'][i]}) — département",
                       "dep", True, _RANK_OTHER_EXACT)
             for i in range(len(d["key"])) if key in (d["key"][i], d["bare"][i])]  # fmt: skip
    hits += [SearchHit(f"reg:{g['code'][i]}", f"{g['name'][i]} — région", "reg", True,
                       _RANK_OTHER_EXACT)
             for i in _where(g["key"], key)]  # fmt: skip
    hits += _offer_hits(key, sites)
    starts = [i for i, (k, b) in enumerate(zip(c["key"], c["bare"], strict=True))
              if k.startswith(key) or b.startswith(key)]  # fmt: skip
    starts.sort(key=lambda i: len(c["key"][i]))
    hits += [_commune_hit(i, exact=False, rank=_RANK_PARTIAL) for i in starts[:limit]]
    hits += [SearchHit(f"epci:{e['code'][i]}", f"{e['name'][i]} — EPCI", "epci")
             for i in [i for i, k in enumerate(e["key"]) if key in k][:5]]  # fmt: skip
    hits += [SearchHit(f"dep:{d['code'][i]}", f"{d['name'][i]} ({d['code'][i]}) — département",
                       "dep")
             for i, k in enumerate(d["key"]) if key in k]  # fmt: skip
    hits += [SearchHit(f"reg:{g['code'][i]}", f"{g['name'][i]} — région", "reg")
             for i, k in enumerate(g["key"]) if key in k]  # fmt: skip
    seen: set[tuple[str, str]] = set()
    out: list[SearchHit] = []
    for h in sorted(hits, key=lambda h: h.rank):
        if (h.kind, h.selector) not in seen:
            seen.add((h.kind, h.selector))
            out.append(h)
    return out[:limit]


def _named(text: str, sites: pd.DataFrame | Callable[[], pd.DataFrame] | None) -> SearchHit | None:
    """The one exact hit of a name (operators and sites searched only when no territory
    matches), None when nothing matches exactly.

    Raises
    ------
    AmbiguousNameError
        Several exact matches of the same rank.
    """
    hits = [h for h in search(text, limit=50) if h.exact]
    if not hits and sites is not None:
        table = sites() if callable(sites) else sites
        hits = [h for h in search(text, sites=table, limit=50) if h.exact]
    if not hits:
        return None
    best = [h for h in hits if h.rank == hits[0].rank and h.kind != "site"]
    if len(best) > 1:
        raise AmbiguousNameError(text, [f"{h.selector}  {h.label}" for h in best[:15]],
                                 more=len(best) - 15)  # fmt: skip
    return best[0]


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
    # deferred: the commune tables (pandas) only past the name index (fast start)
    from proxisante.territory import select

    explicit = _explicit(text[:200])
    if explicit:
        territory = select(explicit[0].selector)
        return territory
    prefixed = _EXPLICIT.match(text[:200])
    if prefixed and ":" in text and search_key(prefixed.group(1)) not in ("name", "nom"):
        # an explicit selector (dep:99) that names nothing: its own error, without searching
        # names, operators and sites first (which loads the offer)
        return select(text)
    hit = _named(text, sites)
    if hit is None:
        return select(text)
    territory = select(hit.selector)
    if hit.kind == "operator":
        operator, _, sites = hit.label.partition(" — réseau : ")
        territory = dataclasses.replace(
            territory,
            label=f"{operator} : {sites}",
            place=PlaceName(f"réseau {operator} ({sites})", 2),
        )
    elif hit.kind == "commune" and hit.rank == _RANK_OTHER_EXACT:  # a former commune's name
        territory = dataclasses.replace(territory, label=hit.label.replace(" — commune", ","))
    return territory


def commune_named(text: str) -> str | None:
    """The INSEE code of the one commune named exactly ``text``, found without pandas.

    None when :func:`resolve` would give something else than that commune with its usual
    label: a code or a selector, a constituency, a former commune's name, another kind of
    territory, several or no exact matches, Paris/Lyon/Marseille (their arrondissements),
    so that the caller resolves ``text`` the general way (with its errors). For the CLI's
    quick commune card.

    >>> commune_named("la bassee")
    '59051'
    """
    text = text[:200]
    if _CODES.match(text) or _EXPLICIT.match(text) or _explicit(text):
        return None
    try:
        hit = _named(text, None)
    except AmbiguousNameError:
        return None
    if hit is None or hit.kind != "commune" or hit.rank != _RANK_EXACT:
        return None
    return None if hit.selector in PLM_ARRONDISSEMENTS else hit.selector


def search_communes(text: str) -> pd.DataFrame:
    """Communes whose name contains ``text`` (rows of :func:`load_communes`), exact names first.

    Raises
    ------
    InputError
        ``text`` has no letter or digit.
    """
    # deferred: the commune tables (pandas) only past the name index (fast start)
    from proxisante.territory import load_communes

    key = search_key(text)
    if not key:
        msg = f"search text '{text}' has no letters or digits"
        raise InputError(msg)
    c = _index()["communes"]
    hits = [i for i, k in enumerate(c["key"]) if key in k]
    hits.sort(key=lambda i: c["key"][i] != key)
    allc = load_communes().set_index("code_insee")
    return allc.loc[[c["code"][i] for i in hits]].reset_index()
