"""Find a territory by name or code — the one name resolver of the CLI selectors, the
territory selection (:func:`proxisante.territory.select`) and the web search.

Names are compared in search form (:func:`search_key`: case, accents, hyphens and
apostrophes ignored, « St »/« Ste » read as « Saint »/« Sainte »). Order of the results
(:func:`territory_hits`):

1. an explicit selector (``62523``, ``dep:12``, ``circo:12-02``, ``circo 12-02``,
   ``bassin:npdc``) or a constituency written out (« 2e circonscription de l'Aveyron »);
2. communes whose name is exactly the text (a name given without its article, « havre »,
   finds « Le Havre » when no commune is named so);
3. EPCI (« CA », « CC », « CU » spelled out or not), départements, régions and mining
   basins of exactly that name, then former communes of that name (their commune now);
4. then partial matches: communes whose name starts with the text (shortest first), EPCI
   whose name contains its words, départements and régions whose name contains it.

:func:`resolve` turns a text into one territory: an exact match that is unique wins; several
exact matches of the same rank raise :class:`~proxisante.errors.AmbiguousNameError` listing
them. Without an exact match the resolver forgives (:func:`close_hits`): the one commune
whose name, with or without its article, starts with the text's words (« le cateau », «
cateau cambresis » → Le Cateau-Cambrésis), the one EPCI, département, région or basin whose
name holds all of the text's words in any order (« lens lievin » → the CA de Lens-Liévin);
several such places are listed as ambiguous, none gives the closest names.
:mod:`proxisante.workspace.search` adds the health offer's operators and sites to the same
hits.

Names are looked up in a name index shipped in the package data (:data:`SEARCH_INDEX_FILE`:
every name already in :func:`search_key` form, built by :func:`build_search_index` when the
bundled data are built), read with the standard library only: a search costs milliseconds
and the CLI needs no pandas to find a commune by name. The index records the SHA-256 of the
tables it was built from; when they differ it is not used and is built again in memory.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from proxisante import _bundled
from proxisante.errors import AmbiguousNameError, InputError, UnknownCodeError
from proxisante.territory.communes import PLM_ARRONDISSEMENTS, load_communes, load_former_communes
from proxisante.territory.mining_basins import MINING_BASINS
from proxisante.territory.names import normalise_name

if TYPE_CHECKING:
    from proxisante.territory.selection import Territory

__all__ = [
    "RANK_EXACT",
    "RANK_EXPLICIT",
    "RANK_OPERATOR",
    "RANK_OTHER_EXACT",
    "RANK_PARTIAL",
    "RANK_SITE",
    "SEARCH_INDEX_FILE",
    "SearchHit",
    "build_search_index",
    "close_hits",
    "commune_named",
    "is_selector",
    "named",
    "ranked",
    "resolve",
    "search_communes",
    "search_key",
    "territory_hits",
    "write_search_index",
]

_ARTICLES = ("l", "le", "la", "les")
_SAINT = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_EPCI_ABBREVIATIONS = {
    "ca": "communaute d agglomeration",
    "cc": "communaute de communes",
    "cu": "communaute urbaine",
}
#: Further short forms people type, read when words are compared in any order.
_WORD_ABBREVIATIONS = {"agglo": "agglomeration", "comcom": "communaute communes"}
#: Words left out when the words of a text are compared in any order (« lens lievin » and «
#: CA de Lens - Liévin »).
_STOPWORDS = frozenset({"de", "d", "du", "des", "la", "le", "les", "l", "et", "en", "sur",
                        "sous", "aux", "au", "a"})  # fmt: skip
_EXPLICIT = re.compile(
    r"^\s*(commune|com|epci|dep|departement|département|reg|region|région|circo|"
    r"circonscription|bassin|name|nom)\s*[: ]\s*(.+)$",
    re.IGNORECASE,
)
_CODES = re.compile(r"^\s*(\d{5}|2[AB]\d{3})(\s*,\s*(\d{5}|2[AB]\d{3}))*\s*$", re.IGNORECASE)
_CIRCO_CODE = re.compile(r"^([0-9]{1,3}|2[ab]|97\d)[ -]?(\d{1,2})$")
_CIRCO_WORDS = re.compile(
    r"^(\d{1,2}) ?(?:e|er|ere|re|eme|ieme)? circ(?:o|onscription)s? (?:de |du |des |d )?"
    r"(?:la |l |le |les )?(.+)$"
)
#: Ranks: lower comes first.
RANK_EXPLICIT, RANK_EXACT, RANK_OTHER_EXACT, RANK_OPERATOR, RANK_PARTIAL, RANK_SITE = range(6)

#: The name index shipped in the package data (``proxisante/data``): names in search form,
#: built by :func:`build_search_index` (``scripts/build_default_data.py`` writes it).
SEARCH_INDEX_FILE = "search_index.json.gz"
#: Bundled files the index is built from; the index records their SHA-256.
_INDEX_SOURCES = ("communes.parquet", "former_communes.csv")
_INDEX_VERSION = 1
#: Most places listed when a forgiving match is ambiguous.
_MOST_LISTED = 15


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
        ``commune``, ``epci``, ``dep``, ``reg``, ``circo``, ``bassin``, ``operator`` or
        ``site``.
    exact
        Whether the name (or code) matched exactly.
    """

    selector: str
    label: str
    kind: str
    exact: bool = False
    rank: int = dataclasses.field(default=RANK_PARTIAL, compare=False, repr=False)


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


def _words(key: str) -> frozenset[str]:
    """The words of a name in search form, abbreviations spelled out, small words left out."""
    words = " ".join(_WORD_ABBREVIATIONS.get(w, w) for w in _long_epci(key).split())
    return frozenset(w for w in words.split() if w not in _STOPWORDS)


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
    """The name index of :func:`territory_hits`, built from the bundled commune tables.

    Communes (no municipal arrondissement), EPCI, départements, régions, constituencies and
    former communes (those whose current commune is in the table), each with its name in
    :func:`search_key` form, in the order of the bundled tables (the order results of
    equal rank come in). Plain lists, written to :data:`SEARCH_INDEX_FILE` as gzipped JSON
    by ``scripts/build_default_data.py``, with the SHA-256 of its sources so that a stale
    index is never used.
    """
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
    it does not match the bundled tables, one built from them; article-less keys, the words
    of the EPCI names and the mining basins added."""
    index = _read_search_index() or build_search_index()
    for table in ("communes", "dep"):
        index[table]["bare"] = [_without_article(k) for k in index[table]["key"]]
    basins = list(MINING_BASINS.values())
    index["bassin"] = {
        "code": [b.key for b in basins],
        "name": [b.label for b in basins],
        "keys": [{search_key(n) for n in (b.name, *b.aliases)} for b in basins],
        "words": [_words(search_key(b.name)) for b in basins],
    }
    return index


@cache
def _epci_words() -> list[frozenset[str]]:
    """The words of each EPCI name (:func:`_words`), for the matches in any order."""
    return [_words(k) for k in _index()["epci"]["key"]]


def _where(values: list[str], key: str) -> list[int]:
    return [i for i, v in enumerate(values) if v == key]


def _former_hits(key: str) -> list[SearchHit]:
    """A former commune of that name: its current commune (« Pierrefitte-sur-Seine » →
    93066 Saint-Denis, which it merged into)."""
    f = _index()["former"]
    return [SearchHit(f["code"][i], f"{f['name'][i]} ({f['code'][i]}) — commune qui inclut "
                      f"l'ancienne commune {f['name_former'][i]} ({f['code_former'][i]})",
                      "commune", True, RANK_OTHER_EXACT)
            for i in _where(f["key"], key)]  # fmt: skip


def _circo_label(code: str, dep_name: str) -> str:
    num = int(code.split("-")[1])
    return f"{dep_name} – {'1re' if num == 1 else f'{num}e'} circonscription ({code})"


def _explicit(text: str) -> list[SearchHit]:
    """Hits for a selector or a constituency written out (empty when the text is a name)."""
    if _CODES.match(text):
        from proxisante.territory.selection import select  # pandas: only for codes

        try:
            t = select(text)
        except InputError:
            return []
        return [SearchHit(t.key, t.label, "commune", True, RANK_EXPLICIT)]
    m = _EXPLICIT.match(text)
    key = search_key(text)
    if m and search_key(m.group(1)) in ("circo", "circonscription"):
        key = "circo " + search_key(m.group(2))
    elif m and (":" in text or search_key(m.group(1)) != "bassin"):
        # deferred: selection loads pandas, `territory show` runs without it
        from proxisante.territory.selection import select

        try:
            t = select(f"{m.group(1)}:{m.group(2).strip()}")
        except InputError:
            return []
        return [SearchHit(_selector_of(t), t.label, t.kind, True, RANK_EXPLICIT)]
    idx = _index()  # names in search form: only for texts that are not selectors
    circo = dict(zip(idx["circo"]["code"], idx["circo"]["departement_nom"], strict=True))
    found = re.match(r"^circ(?:o|onscription) (\S+) (\d{1,2})$", key)
    if found and _CIRCO_CODE.match(f"{found.group(1)}-{found.group(2)}"):
        code = f"{found.group(1).upper().zfill(2)}-{int(found.group(2)):02d}"
        if code in circo:
            label = _circo_label(code, circo[code])
            return [SearchHit(f"circo:{code}", label, "circo", True, RANK_EXPLICIT)]
        return []
    words = _CIRCO_WORDS.match(key)
    if words:
        num, dep_words = int(words.group(1)), _without_article(words.group(2))
        d = idx["dep"]
        for i in range(len(d["code"])):
            code = f"{d['code'][i]}-{num:02d}"
            if dep_words in (d["bare"][i], d["key"][i]) and code in circo:
                label = _circo_label(code, d["name"][i])
                return [SearchHit(f"circo:{code}", label, "circo", True, RANK_EXPLICIT)]
    return []


def _selector_of(t: Territory) -> str:
    return t.key if t.kind == "commune" else f"{t.kind}:{t.key}"


def _commune_hit(i: int, *, exact: bool, rank: int) -> SearchHit:
    c = _index()["communes"]
    label = f"{c['name'][i]} ({c['departement'][i]}) — commune"
    return SearchHit(c["code"][i], label, "commune", exact, rank)


#: How a hit of each kind of area is labelled (its index entry's name and code).
_AREA_LABELS = {
    "epci": "{name} — EPCI",
    "dep": "{name} ({code}) — département",
    "reg": "{name} — région",
    "bassin": "{name} — bassin minier",
}


def _area_hit(kind: str, i: int, *, exact: bool, rank: int = RANK_PARTIAL) -> SearchHit:
    """The hit of entry ``i`` of the index's ``kind`` table (EPCI, département, région,
    mining basin)."""
    t = _index()[kind]
    label = _AREA_LABELS[kind].format(name=t["name"][i], code=t["code"][i])
    return SearchHit(f"{kind}:{t['code'][i]}", label, kind, exact, rank)


def _by_population(indices: list[int]) -> list[int]:
    """Commune indices, most populous first (unknown populations last)."""
    population = _index()["communes"]["population"]
    return sorted(indices, key=lambda i: (population[i] is None, -(population[i] or 0)))


def _exact_hits(key: str) -> list[SearchHit]:
    idx = _index()
    c, e, d, g, b = idx["communes"], idx["epci"], idx["dep"], idx["reg"], idx["bassin"]
    exact = _where(c["key"], key)
    if not exact and _without_article(key) == key:
        exact = _where(c["bare"], key)
    hits = [_commune_hit(i, exact=True, rank=RANK_EXACT) for i in _by_population(exact)]
    if not exact:
        hits += _former_hits(key)
    long = _long_epci(key)
    hits += [_area_hit("epci", i, exact=True, rank=RANK_OTHER_EXACT)
             for i, (k, k_long) in enumerate(zip(e["key"], e["long"], strict=True))
             if key == k or long == k_long]  # fmt: skip
    hits += [_area_hit("dep", i, exact=True, rank=RANK_OTHER_EXACT)
             for i in range(len(d["key"])) if key in (d["key"][i], d["bare"][i])]  # fmt: skip
    hits += [_area_hit("reg", i, exact=True, rank=RANK_OTHER_EXACT) for i in _where(g["key"], key)]
    hits += [_area_hit("bassin", i, exact=True, rank=RANK_OTHER_EXACT)
             for i, keys in enumerate(b["keys"]) if key in keys]  # fmt: skip
    return hits


def _partial_hits(key: str, limit: int) -> list[SearchHit]:
    idx = _index()
    c, e, d, g, b = idx["communes"], idx["epci"], idx["dep"], idx["reg"], idx["bassin"]
    starts = [i for i, (k, bare) in enumerate(zip(c["key"], c["bare"], strict=True))
              if k.startswith(key) or bare.startswith(key)]  # fmt: skip
    starts.sort(key=lambda i: len(c["key"][i]))
    hits = [_commune_hit(i, exact=False, rank=RANK_PARTIAL) for i in starts[:limit]]
    words = _words(key)
    hits += [_area_hit("epci", i, exact=False)
             for i in [i for i, (k, w) in enumerate(zip(e["key"], _epci_words(), strict=True))
                       if key in k or (words and words <= w)][:5]]  # fmt: skip
    hits += [_area_hit("dep", i, exact=False) for i, k in enumerate(d["key"]) if key in k]
    hits += [_area_hit("reg", i, exact=False) for i, k in enumerate(g["key"]) if key in k]
    hits += [_area_hit("bassin", i, exact=False)
             for i, w in enumerate(b["words"]) if words and words <= w]  # fmt: skip
    return hits


def ranked(hits: list[SearchHit], limit: int) -> list[SearchHit]:
    """``hits`` best first (by rank, stable), each place once, at most ``limit``."""
    seen: set[tuple[str, str]] = set()
    out: list[SearchHit] = []
    for h in sorted(hits, key=lambda h: h.rank):
        if (h.kind, h.selector) not in seen:
            seen.add((h.kind, h.selector))
            out.append(h)
    return out[:limit]


def territory_hits(text: str, *, limit: int = 20) -> list[SearchHit]:
    """Territories matching ``text`` (see the module for the order), not yet ranked: pass
    them, with any others, to :func:`ranked`. Empty for a text without at least two letters
    or digits."""
    text = text[:200]
    key = search_key(text)
    if len(key.replace(" ", "")) < 2:
        return []
    return _explicit(text) + _exact_hits(key) + _partial_hits(key, limit)


def close_hits(text: str) -> list[SearchHit]:
    """The places a text means when no name is exactly it (the forgiving matches):

    - communes whose name, with or without its article, starts with the text's words (the
      text's article left out too): « le cateau », « cateau », « cateau cambresis »;
    - EPCI, départements, régions and mining basins whose name holds every word of the text
      (abbreviations spelled out, small words left out), in any order: « lens lievin »,
      « lievin lens », « agglo lens lievin », « bassin minier nord ».

    Most populous communes first, then the other kinds."""
    key = search_key(text[:200])
    if len(key.replace(" ", "")) < 2 or key in _ARTICLES:
        return []
    idx = _index()
    c, d, g, b = idx["communes"], idx["dep"], idx["reg"], idx["bassin"]
    heads = {key + " ", _without_article(key) + " "}
    found = [i for i, (k, bare) in enumerate(zip(c["key"], c["bare"], strict=True))
             if any(f"{k} ".startswith(h) or f"{bare} ".startswith(h)
                    for h in heads)]  # fmt: skip
    hits = [_commune_hit(i, exact=False, rank=RANK_PARTIAL) for i in _by_population(found)]
    words = _words(key)
    if not words:
        return hits
    hits += [_area_hit("epci", i, exact=False) for i, w in enumerate(_epci_words()) if words <= w]
    hits += [_area_hit("dep", i, exact=False) for i, k in enumerate(d["key"]) if words <= _words(k)]
    hits += [_area_hit("reg", i, exact=False) for i, k in enumerate(g["key"]) if words <= _words(k)]
    hits += [_area_hit("bassin", i, exact=False) for i, w in enumerate(b["words"]) if words <= w]
    return hits


def _one(text: str, hits: list[SearchHit]) -> SearchHit:
    """The one place of ``hits`` (several: :class:`AmbiguousNameError` listing them)."""
    best = ranked(hits, limit=len(hits))
    if len(best) > 1:
        raise AmbiguousNameError(text, [f"{h.selector}  {h.label}" for h in best[:_MOST_LISTED]],
                                 more=len(best) - _MOST_LISTED)  # fmt: skip
    return best[0]


def named(text: str, *, forgiving: bool = True) -> SearchHit | None:
    """The one territory ``text`` names: its one exact match, else (``forgiving``) its one
    :func:`close_hits` match; None when nothing matches.

    Raises
    ------
    AmbiguousNameError
        Several matches of the best rank (e.g. « Saint-Denis »), or several close matches.
    """
    key = search_key(text[:200])
    if len(key.replace(" ", "")) < 2:
        return None
    hits = ranked(_explicit(text[:200]) + _exact_hits(key), limit=50)
    if hits:
        return _one(text, [h for h in hits if h.rank == hits[0].rank])
    if not forgiving:
        return None
    close = close_hits(text)
    return _one(text, close) if close else None


@cache
def _suggestion_pool() -> tuple[list[str], dict[str, str]]:
    """Commune and EPCI names in search form, sorted, and the name each stands for."""
    idx = _index()
    by_key = dict(zip(idx["communes"]["key"], idx["communes"]["name"], strict=True))
    by_key |= dict(zip(idx["epci"]["key"], idx["epci"]["name"], strict=True))
    return sorted(by_key), by_key


def unknown_name_error(text: str) -> UnknownCodeError:
    """The error of a name that matches nothing, with the closest commune and EPCI names
    (:func:`proxisante.territory.selection.closest_sorted`, bounded work)."""
    # deferred: selection loads pandas, `territory show` runs without it
    from proxisante.territory.selection import closest_sorted

    pool, by_key = _suggestion_pool()
    suggestions = [by_key[s] for s in closest_sorted(search_key(text), pool, bounded=True)]
    return UnknownCodeError("commune or EPCI name", text[:200], suggestions)


def is_selector(text: str) -> bool:
    """Whether ``text`` is written as a selector (codes, or a ``kind:value`` prefix): it is
    then read as such, never searched among names, operators and sites."""
    return bool(_CODES.match(text) or (_EXPLICIT.match(text[:200]) and ":" in text))


def resolve(text: str) -> Territory:
    """The one territory ``text`` names: a selector, or a name (see the module).

    Raises
    ------
    AmbiguousNameError
        Several places match equally well; lists them.
    UnknownCodeError, InputError
        Nothing matches: the selector's own error, or the closest names.
    """
    # deferred: selection loads pandas, `territory show` runs without it
    from proxisante.territory.selection import select

    prefixed = _EXPLICIT.match(text[:200])
    if _CODES.match(text) or (
        prefixed and ":" in text and search_key(prefixed.group(1)) not in ("name", "nom")
    ):
        return select(text)  # a selector, however long (codes): read as such, its own errors
    text = text[:200]
    explicit = _explicit(text)
    if explicit:
        return select(explicit[0].selector)
    if prefixed and ":" in text:
        text = prefixed.group(2)
    elif ":" in text:
        return select(text)  # an unknown kind of selector: its own error
    if not search_key(text):
        msg = f"name search '{text}' has no letters or digits"
        raise InputError(msg)
    hit = named(text)
    if hit is None:
        raise unknown_name_error(text)
    return territory_of_hit(hit)


def territory_of_hit(hit: SearchHit) -> Territory:
    """The territory a territory hit opens (a former commune's name keeps its sentence)."""
    # deferred: selection loads pandas, `territory show` runs without it
    from proxisante.territory.selection import select

    territory = select(hit.selector)
    if hit.kind == "commune" and hit.rank == RANK_OTHER_EXACT:  # a former commune's name
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
        hit = named(text, forgiving=False)
    except AmbiguousNameError:
        return None
    if hit is None or hit.kind != "commune" or hit.rank != RANK_EXACT:
        return None
    return None if hit.selector in PLM_ARRONDISSEMENTS else hit.selector


def search_communes(text: str):
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
    c = _index()["communes"]
    hits = [i for i, k in enumerate(c["key"]) if key in k]
    hits.sort(key=lambda i: c["key"][i] != key)
    allc = load_communes().set_index("code_insee")
    return allc.loc[[c["code"][i] for i in hits]].reset_index()
