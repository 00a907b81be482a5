"""One commune's card: attachments, population, location and official APL, for the CLI.

:func:`read_commune_card` reads the bundled commune and APL tables with pyarrow only (no
pandas), so that ``proxisante territory show 62523`` starts fast; :meth:`CommuneCard.from_row`
builds the same card from a row of :func:`~proxisante.territory.load_communes` and the
APL of :func:`~proxisante.territory.territory_apl_table`, for territories found otherwise
(a name, an EPCI of one commune). Both read the same bundled files.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from proxisante import _bundled
from proxisante._bundled import read_bundled_table
from proxisante.territory.communes import COMMUNE_COLUMNS, PLM_ARRONDISSEMENTS, commune_label
from proxisante.territory.official_apl import UNDER_SERVED_APL
from proxisante.territory.zoning import access_class, zoning_class

__all__ = [
    "CARDS_FILE",
    "CARD_APL_YEARS",
    "CommuneCard",
    "build_commune_cards",
    "none_if_missing",
    "read_commune_apl",
    "read_commune_card",
    "write_commune_cards",
]

#: APL millésimes shown on a card, newest first.
CARD_APL_YEARS = (2023, 2022)
_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_TEXT = ("population_source", "epci_siren", "epci_nom", "departement", "departement_nom",
         "region", "region_nom", "circonscription")  # fmt: skip


def none_if_missing(x: object) -> object:
    """``x``, or None for every kind of missing value (None, NaN, pandas NA)."""
    if x is None:
        return None
    try:
        if x != x:  # NaN
            return None
    except TypeError:  # pandas NA: its comparisons are ambiguous
        return None
    return x


def _number(x: object) -> float | None:
    v = none_if_missing(x)
    return None if v is None else float(v)  # type: ignore[arg-type]


def _text(x: object) -> str | None:
    v = none_if_missing(x)
    return None if v is None or str(v) == "" else str(v)


@dataclass(frozen=True)
class CommuneCard:
    """A commune's attachments and official APL; None where a value is not known.

    Attributes are the columns of :data:`~proxisante.territory.COMMUNE_COLUMNS` (``nom`` is
    ``name``) and ``apl``: the official DREES APL to GPs of each year of
    :data:`CARD_APL_YEARS` (None where not published, e.g. Mayotte).
    """

    code_insee: str
    name: str
    population: int | None
    population_source: str | None
    lat: float | None
    lon: float | None
    area_km2: float | None
    epci_siren: str | None
    epci_nom: str | None
    departement: str | None
    departement_nom: str | None
    region: str | None
    region_nom: str | None
    circonscription: str | None
    apl: dict[int, float | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The commune's label, as the territory selection gives it."""
        return commune_label(self.name, self.code_insee)

    @classmethod
    def from_row(cls, row: Mapping[str, object], apl: Mapping[int, object]) -> CommuneCard:
        """The card of one commune row (pandas or pyarrow values; NaN/NA become None)."""
        population = _number(row["population"])
        return cls(
            code_insee=str(row["code_insee"]),
            name=str(row["nom"]),
            population=None if population is None else round(population),
            lat=_number(row["lat"]),
            lon=_number(row["lon"]),
            area_km2=_number(row["area_km2"]),
            apl={int(y): _number(v) for y, v in apl.items()},
            **{k: _text(row[k]) for k in _TEXT},
        )


#: One line per commune (its row and its official APL rows), for the commune card and the
#: APL table of one commune: read in milliseconds without pyarrow, numpy or pandas. Built
#: by :func:`build_commune_cards` (``scripts/build_default_data.py`` writes it).
CARDS_FILE = "commune_cards.txt.gz"
_CARDS_SOURCES = ("communes.parquet", "apl_generalistes.parquet")
_CARDS_VERSION = 1
_APL_COLUMNS = ["year", "apl_generalistes", "apl_generalistes_moins65", "pop_totale",
                "pop_standardisee"]  # fmt: skip

_CommuneData = tuple[dict[str, object], list[dict[str, object]], set[int]]


def build_commune_cards() -> bytes:
    """The content of :data:`CARDS_FILE` (gzipped text, reproducible bytes), from the bundled
    commune and APL tables: a JSON header (columns, APL years, SHA-256 of the two tables),
    then ``CODE<tab>[commune row, [APL rows]]`` per commune, sorted by code."""
    communes = read_bundled_table("communes.parquet", expected=COMMUNE_COLUMNS)
    official = read_bundled_table("apl_generalistes.parquet", columns=["code_insee", *_APL_COLUMNS])
    apl: dict[str, list[list[object]]] = {}
    for r in official.to_pylist():
        apl.setdefault(str(r["code_insee"]), []).append([r[c] for c in _APL_COLUMNS])
    columns = communes.column_names
    rows = sorted(communes.to_pylist(), key=lambda r: str(r["code_insee"]))
    # text repeated from commune to commune (EPCI, département…) is stored once, in the header
    text = [c for c in columns if c not in ("code_insee", "nom")
            and all(isinstance(r[c], str) for r in rows if r[c] is not None)]  # fmt: skip
    shared = {c: sorted({r[c] for r in rows if r[c] is not None}) for c in text}
    position = {c: {v: i for i, v in enumerate(values)} for c, values in shared.items()}
    header = {"version": _CARDS_VERSION, "sources": _bundled.bundled_sha256(_CARDS_SOURCES),
              "communes": columns, "shared": shared, "apl": _APL_COLUMNS,
              "years": sorted(set(official.column("year").to_pylist()))}  # fmt: skip
    lines = [json.dumps(header, sort_keys=True, ensure_ascii=False)]
    for r in rows:
        row = [position[c].get(r[c]) if c in position else r[c] for c in columns]
        code = str(r["code_insee"])
        line = json.dumps([row, apl.get(code, [])], ensure_ascii=False, separators=(",", ":"))
        lines.append(f"{code}\t{line}")
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)


def write_commune_cards() -> None:
    """Write :func:`build_commune_cards` to the package data."""
    _bundled.bundled_path(CARDS_FILE).write_bytes(build_commune_cards())


def _from_cards(code: str) -> _CommuneData | bool | None:
    """Commune ``code``'s row, APL rows and the bundled APL years from :data:`CARDS_FILE`;
    None for an unknown code; False when the file is missing, unreadable or not built from
    the bundled tables as they are now."""
    try:
        text = gzip.decompress(_bundled.bundled_path(CARDS_FILE).read_bytes())
        first, _, body = text.partition(b"\n")
        header = json.loads(first)
    except (OSError, EOFError, ValueError):
        return False
    if header.get("version") != _CARDS_VERSION or header.get("sources") != _bundled.bundled_sha256(
        _CARDS_SOURCES
    ):
        return False
    marker = code.encode() + b"\t"
    at = 0 if body.startswith(marker) else body.find(b"\n" + marker) + 1
    if at == 0 and not body.startswith(marker):
        return None  # not a commune code
    row, apl = json.loads(body[at + len(marker) : body.find(b"\n", at)])
    shared = header["shared"]
    values = {c: v if v is None or c not in shared else shared[c][v]
              for c, v in zip(header["communes"], row, strict=True)}  # fmt: skip
    apl_rows = [dict(zip(header["apl"], r, strict=True)) for r in apl]
    return values, apl_rows, set(header["years"])


def _commune_data(selector: str) -> _CommuneData | None:
    """The bundled row of the commune whose INSEE code is ``selector``, its official APL
    rows (one per year) and every bundled APL year, from :data:`CARDS_FILE` (or the tables
    with pyarrow when it is stale); None when ``selector`` is not one commune code of the
    table or stands for arrondissements (Paris, Lyon, Marseille)."""
    code = selector.strip().upper()
    if not _CODE.match(code) or code in PLM_ARRONDISSEMENTS:
        return None
    found = _from_cards(code)
    if found is not False:
        return found  # type: ignore[return-value]
    communes = read_bundled_table("communes.parquet", expected=COMMUNE_COLUMNS)
    codes = communes.column("code_insee").to_pylist()
    try:
        i = codes.index(code)
    except ValueError:
        return None
    official = read_bundled_table("apl_generalistes.parquet", columns=["code_insee", *_APL_COLUMNS])
    apl_codes = official.column("code_insee").to_pylist()
    apl = [official.slice(k, 1).to_pylist()[0] for k, c in enumerate(apl_codes) if c == code]
    return communes.slice(i, 1).to_pylist()[0], apl, set(official.column("year").to_pylist())


def read_commune_card(selector: str) -> CommuneCard | None:
    """The card of the commune whose INSEE code is ``selector``, read without pandas.

    Returns None when ``selector`` is not exactly one commune code of the bundled table
    (a name, several codes, an unknown code, or Paris/Lyon/Marseille, which stand for their
    arrondissements): the caller then selects the territory the general way, which also
    gives the errors and suggestions.
    """
    data = _commune_data(selector)
    if data is None:
        return None
    row, rows, _ = data
    apl: dict[int, object] = dict.fromkeys(CARD_APL_YEARS)
    for r in rows:
        if r["year"] in apl:
            apl[r["year"]] = r["apl_generalistes"]
    return CommuneCard.from_row(row, apl)


def read_commune_apl(selector: str, year: int) -> dict[str, object] | None:
    """The row of ``proxisante apl`` for the commune whose INSEE code is ``selector``, read
    without pandas: ``year, code_insee, nom, population, population_year, apl, apl_under65,
    pop_totale, pop_standardisee, under_served, zoning_class, access_class`` (None where not
    known; the classes of :mod:`proxisante.territory.zoning`).

    The same values as :func:`~proxisante.territory.territory_apl_table` joined to the
    commune table. None when ``selector`` is not one commune code (as
    :func:`read_commune_card`) or ``year`` is not bundled: the caller then works the general
    way, which gives the errors.
    """
    data = _commune_data(selector)
    if data is None:
        return None
    row, rows, years = data
    if year not in years:
        return None
    mine = [r for r in rows if r["year"] == year]
    apl = mine[0] if mine else {}
    value = _number(apl.get("apl_generalistes"))
    under65 = _number(apl.get("apl_generalistes_moins65"))
    return {
        "year": year,
        "code_insee": row["code_insee"],
        "nom": row["nom"],
        "population": none_if_missing(row["population"]),
        "population_year": none_if_missing(row["population_year"]),
        "apl": value,
        "apl_under65": under65,
        "pop_totale": none_if_missing(apl.get("pop_totale")),
        "pop_standardisee": _number(apl.get("pop_standardisee")),
        "under_served": None if value is None else value < UNDER_SERVED_APL,
        "zoning_class": zoning_class(under65),
        "access_class": access_class(value),
    }
