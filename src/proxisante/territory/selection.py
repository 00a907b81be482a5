"""Select a territory: commune code(s), EPCI, département, région, constituency or a name.

Selector grammar (case-insensitive prefixes)::

    62523                   one commune (INSEE code); "62523,62498" several
    commune:62523           same, explicit
    epci:246200364          every commune of an EPCI (SIREN)
    dep:62                  a département (also ``departement:``)
    reg:32                  a région (also ``region:``)
    circo:62-03             a legislative constituency (also ``circonscription:``)
    bassin:npdc             a mining basin (:mod:`proxisante.territory.mining_basins`)
    name:loison sous lens   a territory found by name (:mod:`proxisante.territory.search`:
                            accents, case, hyphens, articles and « St » forgiven); a
                            selector that is not a code is searched as a name too

Paris, Lyon and Marseille are represented by their municipal arrondissements (as in the
DREES APL file): selecting ``75056`` gives its 20 arrondissements, and area selections
never count both the commune and its arrondissements.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante._fr import (
    PlaceName,
    circonscription_place,
    commune_place,
    departement_place,
    epci_place,
    ordinal,
    region_place,
)
from proxisante.errors import EmptySelectionError, InputError, UnknownCodeError, UnknownCommuneError
from proxisante.territory.communes import (
    PLM_ARRONDISSEMENTS,
    commune_label,
    load_circonscriptions,
    load_communes,
    load_former_communes,
)
from proxisante.territory.membership import load_membership
from proxisante.territory.mining_basins import mining_basin, mining_basin_codes
from proxisante.territory.names import normalise_name
from proxisante.territory.search import resolve

__all__ = ["SOME_TERRITORY", "Territory", "check_commune_codes", "normalise_name", "select"]

KINDS = ("commune", "epci", "dep", "reg", "circo", "bassin", "name")
_ALIASES = {
    "commune": "commune",
    "communes": "commune",
    "com": "commune",
    "epci": "epci",
    "dep": "dep",
    "departement": "dep",
    "département": "dep",
    "reg": "reg",
    "region": "reg",
    "région": "reg",
    "circo": "circo",
    "circonscription": "circo",
    "bassin": "bassin",
    "bassin-minier": "bassin",
    "bassin_minier": "bassin",
    "name": "name",
    "nom": "name",
}
#: The name of a territory without a name of its own (« du territoire », « dans le territoire »).
SOME_TERRITORY = PlaceName("territoire", 2)
_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)


@dataclass(frozen=True)
class Territory:
    """A set of communes with a French label.

    Attributes
    ----------
    kind
        One of ``commune``, ``epci``, ``dep``, ``reg``, ``circo``, ``bassin`` (a name
        resolves to one of them).
    key
        The code that was selected (comma-joined commune codes for several communes).
    label
        French label for reports, e.g. ``"Aveyron – 2e circonscription (12-02)"``.
    communes
        Rows of :func:`~proxisante.territory.load_communes` in the territory (sorted by code).
    place
        Its name as written in a French sentence, with article and preposition
        (:class:`proxisante._fr.PlaceName`: ``place.of`` « de l'Aveyron », ``place.at``
        « dans la 2e circonscription de l'Aveyron »).
    """

    kind: str
    key: str
    label: str
    communes: pd.DataFrame = field(repr=False)
    place: PlaceName = field(default=SOME_TERRITORY, repr=False, compare=False)

    @property
    def codes(self) -> np.ndarray:
        """INSEE codes of the communes, as a numpy array of str."""
        return self.communes["code_insee"].to_numpy(dtype=str)

    @property
    def population(self) -> int:
        """Municipal population of the territory (inhabitants; unknown populations count 0)."""
        return int(self.communes["population"].fillna(0).sum())

    def __len__(self) -> int:
        return len(self.communes)


def _without_plm_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Drop the COM rows of Paris/Lyon/Marseille when their arrondissements are present."""
    return df[~df["code_insee"].isin(list(PLM_ARRONDISSEMENTS))]


#: Most names an unknown name is compared with by spelling (:func:`_digit_distance`) to
#: suggest the closest ones, and most names screened before by the characters they share
#: (:meth:`difflib.SequenceMatcher.quick_ratio`, an upper bound of the spelling ratio): a
#: name costs the same bounded work whatever it is (the web's read routes are public).
MAX_SUGGESTION_CANDIDATES = 200
MAX_SUGGESTION_SCREENED = 6000
_AFTER_ALL = chr(0x10FFFF)


def _closest(
    value: str, candidates: Iterable[str], n: int = 5, *, bounded: bool = False
) -> list[str]:
    """Closest candidates: same leading characters first (same département), then by spelling.

    Only the first 16 characters of ``value`` are compared (codes are shorter; a huge value
    must cost no more than a normal one). ``bounded``: see :func:`_closest_sorted`."""
    return closest_sorted(value, sorted(set(candidates)), n, bounded=bounded)


def closest_sorted(value: str, pool: list[str], n: int = 5, *, bounded: bool = False) -> list[str]:
    """:func:`_closest` among ``pool``, sorted and without duplicates.

    The candidates sharing the first three (else two, else one) characters of ``value`` are
    ranked by :func:`_digit_distance`; without any shared first character,
    :func:`difflib.get_close_matches` ranks them all. ``bounded`` (names): at most
    :data:`MAX_SUGGESTION_CANDIDATES` candidates are ranked, those sharing the most
    characters with ``value`` (:func:`_screened`)."""
    whole, value = value, value[:16]
    for k in (3, 2, 1):
        if len(value) < k + 1:
            continue
        same = [c for c in _starting_with(pool, value[:k]) if c != whole]
        if same:
            if bounded:
                same = _screened(same, value)
            return sorted(same, key=lambda c: (_digit_distance(c, value), c))[:n]
    return difflib.get_close_matches(value, _screened(pool, value) if bounded else pool, n=n,
                                     cutoff=0.5)  # fmt: skip


def _starting_with(pool: list[str], prefix: str) -> list[str]:
    """The strings of sorted ``pool`` that start with ``prefix`` (a binary search)."""
    return pool[bisect.bisect_left(pool, prefix) : bisect.bisect_left(pool, prefix + _AFTER_ALL)]


def _screened(candidates: list[str], value: str) -> list[str]:
    """At most :data:`MAX_SUGGESTION_CANDIDATES` of ``candidates``: those whose spelling
    ratio with ``value`` can be highest (:meth:`difflib.SequenceMatcher.quick_ratio`), among
    at most :data:`MAX_SUGGESTION_SCREENED` (the closest in length)."""
    if len(candidates) <= MAX_SUGGESTION_CANDIDATES:
        return candidates
    if len(candidates) > MAX_SUGGESTION_SCREENED:
        candidates = _closest_in_length(candidates, len(value), MAX_SUGGESTION_SCREENED)
    matcher = difflib.SequenceMatcher(None, b=value)

    def shared(c: str) -> tuple[float, str]:
        matcher.set_seq1(c)
        return -matcher.quick_ratio(), c

    return heapq.nsmallest(MAX_SUGGESTION_CANDIDATES, candidates, key=shared)


def _closest_in_length(candidates: list[str], length: int, most: int) -> list[str]:
    """The ``most`` candidates whose length is closest to ``length`` (ties: first in order)."""
    gaps = [abs(len(c) - length) for c in candidates]
    counts = Counter(gaps)
    total, widest = 0, 0
    for widest in sorted(counts):
        total += counts[widest]
        if total >= most:
            break
    inner = [c for c, g in zip(candidates, gaps, strict=True) if g < widest]
    edge = [c for c, g in zip(candidates, gaps, strict=True) if g == widest]
    return inner + edge[: most - len(inner)]


def _digit_distance(a: str, b: str) -> float:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    if da and db:
        return abs(int(da) - int(db))
    return 1.0 - difflib.SequenceMatcher(None, a, b).ratio()


def check_commune_codes(codes: Iterable[str], *, communes: pd.DataFrame | None = None) -> None:
    """Raise :class:`UnknownCommuneError` for the first code not in the commune table.

    The message suggests the closest existing codes (and their names).
    """
    table = load_communes() if communes is None else communes
    wanted = [str(code).strip().upper() for code in codes]
    present = table["code_insee"].isin(wanted)  # vectorised: no set of every code per call
    if int(present.sum()) == len(set(wanted)):
        return
    known = set(table["code_insee"])
    for code in codes:
        c = str(code).strip().upper()
        if c not in known:
            names = table.set_index("code_insee")["nom"]
            held = []  # a former commune: the commune it merged into comes first
            former = load_former_communes().set_index("code_former")
            if c in former.index and former.at[c, "code_insee"] in known:
                cur = former.at[c, "code_insee"]
                held = [f"{cur} {names[cur]} (holds the former commune {c} "
                        f"{former.at[c, 'nom_former']})"]  # fmt: skip
            suggestions = [s for s in _closest(c, known) if not held or s != cur]
            raise UnknownCommuneError(str(code), held + [f"{s} {names[s]}" for s in suggestions])


def _parse(selector: str) -> tuple[str, str]:
    text = selector.strip()
    if not text:
        msg = (
            "empty territory selector; expected e.g. 62523, epci:246200364, dep:62, reg:32, "
            "circo:12-02 or name:…"
        )
        raise InputError(msg)
    if ":" in text:
        prefix, _, value = text.partition(":")
        kind = _ALIASES.get(prefix.strip().lower())
        if kind is None:
            msg = f"unknown territory kind '{prefix}' in '{selector}'; accepted: " + ", ".join(
                f"{k}:" for k in KINDS
            )
            raise InputError(msg)
        value = value.strip()
        if not value:
            msg = f"territory selector '{selector}' has no value after '{prefix}:'"
            raise InputError(msg)
        return kind, value
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if parts and all(_COMMUNE_CODE.match(p) for p in parts):
        return "commune", ",".join(parts)
    return "name", text


def _select_communes(table: pd.DataFrame, value: str) -> Territory:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    check_commune_codes(codes, communes=table)
    wanted: list[str] = []
    for c in codes:
        prefix = PLM_ARRONDISSEMENTS.get(c)
        if prefix:
            arm = table[(table["type"] == "ARM") & table["code_insee"].str.startswith(prefix)]
            wanted.extend(arm["code_insee"])
        else:
            wanted.append(c)
    rows = table[table["code_insee"].isin(wanted)].sort_values("code_insee")
    first = table[table["code_insee"] == codes[0]].iloc[0]
    if len(codes) == 1:
        label = commune_label(first["nom"], codes[0])
        place = commune_place(str(first["nom"]))
    else:
        label = f"{len(codes)} communes ({first['nom']}, …)"
        place = PlaceName(label, 4)
    return Territory("commune", ",".join(codes), label, rows.reset_index(drop=True), place)


def _select_area(table: pd.DataFrame, kind: str, value: str) -> Territory:
    column = {
        "epci": "epci_siren",
        "dep": "departement",
        "reg": "region",
        "circo": "circonscription",
    }[kind]
    key = value.upper() if kind in ("dep", "circo") else value
    if kind == "dep" and re.fullmatch(r"\d", key):
        key = "0" + key
    if kind == "circo" and re.fullmatch(r"[0-9AB]{1,3}-\d{1,2}", key):
        dep, _, num = key.partition("-")
        key = f"{dep.zfill(2)}-{num.zfill(2)}"
    rows = _without_plm_duplicates(table[table[column].astype(str) == key])
    if rows.empty:
        known = sorted(set(table[column].dropna().astype(str)))
        labels = {
            "epci": "EPCI SIREN",
            "dep": "département code",
            "reg": "région code",
            "circo": "constituency code (DD-NN)",
        }
        raise UnknownCodeError(labels[kind], value, _closest(key, known))
    rows = rows.sort_values("code_insee").reset_index(drop=True)
    first = rows.iloc[0]
    if kind == "epci":
        label = f"{first['epci_nom']} (EPCI {key})"
        place = epci_place(str(first["epci_nom"]), _epci_nature(key))
    elif kind == "dep":
        label = f"{first['departement_nom']} ({key})"
        place = departement_place(key, str(first["departement_nom"]))
    elif kind == "reg":
        label = f"{first['region_nom']} (région {key})"
        place = region_place(key, str(first["region_nom"]))
    else:
        dep, _, num = key.partition("-")
        label = f"{first['departement_nom']} – {ordinal(int(num))} circonscription ({key})"
        departement = departement_place(str(first["departement"]), str(first["departement_nom"]))
        place = circonscription_place(int(num), departement)
    return Territory(kind, key, label, rows, place)


def _epci_nature(siren: str) -> str | None:
    """The INSEE nature (CC, CA, CU, ME) of EPCI ``siren`` (COG 2022 membership), or None."""
    m = load_membership()
    hits = m.loc[m["epci_siren"] == siren, "epci_nature"]
    return str(hits.iloc[0]) if len(hits) else None


def _select_bassin(table: pd.DataFrame, value: str) -> Territory:
    basin = mining_basin(value)
    codes = list(mining_basin_codes(basin.key))
    rows = table[table["code_insee"].isin(codes)].sort_values("code_insee").reset_index(drop=True)
    return Territory("bassin", basin.key, basin.label, rows, PlaceName(basin.name, 2))


def select(selector: str) -> Territory:
    """Select a territory from a selector string (grammar in the module docstring).

    Raises
    ------
    InputError
        Malformed selector, or a name matching several communes.
    UnknownCodeError
        Unknown code or name; the message lists the closest matches.
    EmptySelectionError
        The selection holds no commune.

    Examples
    --------
    >>> select("loison sous lens").codes.tolist()
    ['62523']
    >>> len(select("circo:12-02"))
    96
    """
    table = load_communes()
    kind, value = _parse(selector)
    if kind == "commune":
        territory = _select_communes(table, value)
    elif kind == "name":
        territory = resolve(value)
    elif kind == "bassin":
        territory = _select_bassin(table, value)
    else:
        territory = _select_area(table, kind, value)
    if len(territory) == 0:
        msg = f"territory '{selector}' holds no commune"
        raise EmptySelectionError(msg)
    return territory


def circonscription_deputy(code: str) -> dict[str, str] | None:
    """The deputy of constituency ``code`` as published in the bundled table, or None."""
    circ = load_circonscriptions()
    rows = circ[circ["code"] == code]
    if rows.empty:
        return None
    return {k: ("" if pd.isna(v) else str(v)) for k, v in rows.iloc[0].items()}
