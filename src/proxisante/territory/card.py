"""One commune's card: attachments, population, location and official APL, for the CLI.

:func:`read_commune_card` reads the bundled commune and APL tables with pyarrow only (no
pandas), so that ``proxisante territory show 62523`` starts fast; :meth:`CommuneCard.from_row`
builds the same card from a row of :func:`~proxisante.territory.load_communes` and the
APL of :func:`~proxisante.territory.territory_apl_table`, for territories found otherwise
(a name, an EPCI of one commune). Both read the same bundled files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from proxisante._bundled import read_bundled_table
from proxisante.territory.communes import COMMUNE_COLUMNS, PLM_ARRONDISSEMENTS, commune_label

__all__ = [
    "CARD_APL_YEARS",
    "CommuneCard",
    "none_if_missing",
    "read_commune_apl",
    "read_commune_card",
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


def _commune_row(selector: str) -> dict[str, object] | None:
    """The bundled row of the commune whose INSEE code is ``selector``, read with pyarrow;
    None when ``selector`` is not one commune code of the table or stands for
    arrondissements (Paris, Lyon, Marseille)."""
    code = selector.strip().upper()
    if not _CODE.match(code) or code in PLM_ARRONDISSEMENTS:
        return None
    communes = read_bundled_table("communes.parquet", expected=COMMUNE_COLUMNS)
    codes = communes.column("code_insee").to_pylist()
    try:
        i = codes.index(code)
    except ValueError:
        return None
    return communes.slice(i, 1).to_pylist()[0]


def _official_apl_rows(code: str) -> tuple[list[dict[str, object]], set[int]]:
    """The bundled official APL rows of commune ``code`` (one per year) and every bundled
    year, read with pyarrow."""
    official = read_bundled_table(
        "apl_generalistes.parquet",
        columns=["code_insee", "year", "apl_generalistes", "apl_generalistes_moins65",
                 "pop_totale", "pop_standardisee"],
    )  # fmt: skip
    codes = official.column("code_insee").to_pylist()
    rows = [official.slice(k, 1).to_pylist()[0] for k, c in enumerate(codes) if c == code]
    return rows, set(official.column("year").to_pylist())


def read_commune_card(selector: str) -> CommuneCard | None:
    """The card of the commune whose INSEE code is ``selector``, read without pandas.

    Returns None when ``selector`` is not exactly one commune code of the bundled table
    (a name, several codes, an unknown code, or Paris/Lyon/Marseille, which stand for their
    arrondissements): the caller then selects the territory the general way, which also
    gives the errors and suggestions.
    """
    row = _commune_row(selector)
    if row is None:
        return None
    apl: dict[int, object] = dict.fromkeys(CARD_APL_YEARS)
    for r in _official_apl_rows(str(row["code_insee"]))[0]:
        if r["year"] in apl:
            apl[r["year"]] = r["apl_generalistes"]
    return CommuneCard.from_row(row, apl)


def read_commune_apl(selector: str, year: int) -> dict[str, object] | None:
    """The row of ``proxisante apl`` for the commune whose INSEE code is ``selector``, read
    without pandas: ``year, code_insee, nom, population, population_year, apl, apl_under65,
    pop_totale, pop_standardisee, under_served`` (None where not known).

    The same values as :func:`~proxisante.territory.territory_apl_table` joined to the
    commune table. None when ``selector`` is not one commune code (as
    :func:`read_commune_card`) or ``year`` is not bundled: the caller then works the general
    way, which gives the errors.
    """
    from proxisante.territory.official_apl import UNDER_SERVED_APL

    row = _commune_row(selector)
    if row is None:
        return None
    rows, years = _official_apl_rows(str(row["code_insee"]))
    if year not in years:
        return None
    mine = [r for r in rows if r["year"] == year]
    apl = mine[0] if mine else {}
    value = _number(apl.get("apl_generalistes"))
    return {
        "year": year,
        "code_insee": row["code_insee"],
        "nom": row["nom"],
        "population": none_if_missing(row["population"]),
        "population_year": none_if_missing(row["population_year"]),
        "apl": value,
        "apl_under65": _number(apl.get("apl_generalistes_moins65")),
        "pop_totale": none_if_missing(apl.get("pop_totale")),
        "pop_standardisee": _number(apl.get("pop_standardisee")),
        "under_served": None if value is None else value < UNDER_SERVED_APL,
    }
