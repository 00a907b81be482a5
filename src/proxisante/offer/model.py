"""The offer's data model: typed, documented columns of sites, staff, BPE counts and the
population by age band imported next to them.

One :class:`Column` list per table is the single definition of each column's name, pandas
dtype, DuckDB type and meaning. DataFrames at the package's edges go through
:func:`conform` (exact columns, in order, with these dtypes), and the store's tables
(:mod:`proxisante.store` migrations) are checked against the same lists by the tests, so a
column added here without a migration, or the reverse, fails the test suite.

FINESS category codes are those of the nomenclature ``TRE_R66-CategorieEtablissement``
(ANS, Nomenclatures des objets de santé), e.g. 124 Centre de santé, 354 Service de soins
infirmiers à domicile (SSIAD), 460 Service d'aide et d'accompagnement à domicile (SAAD),
500 Établissement d'hébergement pour personnes âgées dépendantes (EHPAD), 109 Établissement
de santé privé autorisé en SSR (now SMR), 362 Établissement de soins longue durée,
101/106/355 centres hospitaliers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from proxisante.errors import InputError
from proxisante.professions import PROFESSION_CODES

__all__ = [
    "BPE_SCHEMA",
    "CATEGORIES",
    "CATEGORY_OF_FINESS_CODE",
    "CENTRE_GP_FTE_PER_PERSON",
    "CONSULTATIONS_PER_FTE",
    "EMPLOYMENTS",
    "ENTRIES",
    "POP_AGE_SCHEMA",
    "PROFESSIONS",
    "SITE_SCHEMA",
    "STAFF_SCHEMA",
    "STATUSES",
    "Column",
    "conform",
    "describe",
]

#: proxisante site categories (``maison_de_sante``: maison de santé pluriprofessionnelle;
#: ``cpts``: communauté professionnelle territoriale de santé, a coordination body, not a
#: place of care; ``elderly_residential``: establishments housing the elderly of the INSEE BPE
#: equipment D401 — EHPAD, résidences autonomie… — when only their number is known).
CATEGORIES = (
    "centre_de_sante", "maison_de_sante", "cpts", "ssiad", "saad", "ehpad",
    "elderly_residential", "smr", "usld", "hospital", "accueil_de_jour", "other",
)  # fmt: skip
#: Values of the sites' ``entry`` column: a real site (one establishment with its own
#: identity), or a commune-level entry standing for ``establishments`` establishments whose
#: number only is known (INSEE BPE, « estimé » : address and places unknown).
ENTRIES = ("site", "commune_count")
#: proxisante professions (staff): the codes of the profession registry.
PROFESSIONS = PROFESSION_CODES
#: Site statuses.
STATUSES = ("open", "closed", "planned")
#: Employment modes of staff.
EMPLOYMENTS = ("salaried", "liberal", "other")
#: One full-time-equivalent GP ≈ 5,400 consultations a year (DREES, APL workbook, sheet
#: "Paramètres"): converts GP FTE into yearly activity when the activity is not known.
CONSULTATIONS_PER_FTE = 5400.0

#: Full-time equivalents counted per salaried GP of a centre de santé when a source gives
#: only a headcount. An assumption (« hypothèse »), not a sourced figure: no public study of
#: the average working time of centre de santé GPs was found (DREES, IRDES and CNAM pages
#: searched), so one person counts as one FTE unless the user overrides it
#: (``--centre-gp-fte-per-person``); every output using the conversion says so.
CENTRE_GP_FTE_PER_PERSON = 1.0

#: FINESS category code (``categetab``, nomenclature TRE_R66) → proxisante category.
#: Codes not listed map to ``other`` and keep their code and label.
CATEGORY_OF_FINESS_CODE: dict[str, str] = {
    "124": "centre_de_sante",  # Centre de Santé
    "603": "maison_de_sante",  # Maison de santé (L.6223-3)
    "604": "cpts",  # Communautés professionnelles territoriales de santé (CPTS)
    "202": "elderly_residential",  # Résidences autonomie
    "354": "ssiad",  # Service de Soins Infirmiers A Domicile
    "460": "saad",  # Service d'aide et d'accompagnement à domicile
    "500": "ehpad",  # Etablissement d'hébergement pour personnes âgées dépendantes
    "207": "accueil_de_jour",  # Centre de jour pour personnes âgées
    "109": "smr",  # Etablissement de santé privé autorisé en SSR
    "362": "usld",  # Etablissement de soins longue durée
    "101": "hospital",  # Centre Hospitalier Régional (C.H.R.)
    "106": "hospital",  # Centre hospitalier, ex Hôpital local
    "355": "hospital",  # Centre Hospitalier (C.H.)
    "365": "hospital",  # Etablissement de soins pluridisciplinaire
    "128": "hospital",  # Etablissement de soins chirurgicaux
    "129": "hospital",  # Etablissement de soins médicaux
    "122": "hospital",  # Etablissement de soins obstétriques et chirurgico-gynécologiques
    "131": "hospital",  # Centre de lutte contre le cancer
    "292": "hospital",  # Centre hospitalier spécialisé lutte maladies mentales
}


@dataclass(frozen=True)
class Column:
    """One column: name, pandas dtype, DuckDB type, meaning (with unit)."""

    name: str
    dtype: str
    sql: str
    doc: str


SITE_SCHEMA: tuple[Column, ...] = (
    Column("site_id", "str", "VARCHAR",
           "unique id: FINESS établissement number (9 characters) or a 'filieris-…' slug"),
    Column("finess_et", "str", "VARCHAR", "FINESS établissement (ET) number, when known"),
    Column("finess_ej", "str", "VARCHAR", "FINESS entité juridique (EJ) number, when known"),
    Column("name", "str", "VARCHAR", "site name"),
    Column("category", "str", "VARCHAR", "proxisante category, one of CATEGORIES"),
    Column("category_code", "str", "VARCHAR",
           "FINESS category code (categetab, nomenclature TRE_R66), when known"),
    Column("category_label", "str", "VARCHAR",
           "category as written by the source (FINESS label or page wording)"),
    Column("operator", "str", "VARCHAR",
           "operator key ('filieris' for CANSSM-Filieris; '' when not known)"),
    Column("legal_status", "str", "VARCHAR", "public / private / CANSSM…, as given"),
    Column("address", "str", "VARCHAR", "address as given by the source"),
    Column("commune", "str", "VARCHAR", "INSEE code of the commune the site is in"),
    Column("lat", "float64", "DOUBLE", "latitude, WGS84 degrees"),
    Column("lon", "float64", "DOUBLE", "longitude, WGS84 degrees"),
    Column("location_source", "str", "VARCHAR",
           "finess (FINESS geocoding) | commune_point (the commune's point: flagged "
           "approximate) | none"),
    Column("status", "str", "VARCHAR", "open | closed | planned"),
    Column("capacity_places", "Int32", "INTEGER", "authorised places (SSIAD, EHPAD), when known"),
    Column("source", "str", "VARCHAR", "where the row comes from (file name or page URL)"),
    Column("source_date", "str", "VARCHAR", "date of the source (ISO), when known"),
    Column("import_id", "Int32", "INTEGER", "store import that wrote the row (empty: bundled)"),
    Column("entry", "str", "VARCHAR",
           "site (a real establishment) | commune_count (a commune-level entry: number of "
           "establishments known from INSEE BPE, address and places unknown; empty: site)"),
    Column("establishments", "Int32", "INTEGER",
           "establishments the row stands for: 1 for a site, the BPE count for a "
           "commune_count entry (empty: 1)"),
)  # fmt: skip

STAFF_SCHEMA: tuple[Column, ...] = (
    Column("site_id", "str", "VARCHAR",
           "site the staff works at, or 'commune:<INSEE>' for practice outside any FINESS site"),
    Column("commune", "str", "VARCHAR", "INSEE code of the practice commune"),
    Column("profession", "str", "VARCHAR", "one of PROFESSIONS"),
    Column("headcount", "Int32", "INTEGER", "number of people"),
    Column("fte", "Float64", "DOUBLE", "full-time equivalents, when known (≥ 0 in total)"),
    Column("activity_consultations", "Float64", "DOUBLE",
           "yearly consultations and visits (GPs), when known"),
    Column("birth_year", "Int16", "INTEGER", "birth year (retirement analysis), when known"),
    Column("age_band", "str", "VARCHAR", "age band such as '60-64', when only that is known"),
    Column("employment", "str", "VARCHAR", "salaried | liberal | other"),
    Column("source", "str", "VARCHAR", "source of the row (file name, page URL, 'offer edit')"),
    Column("source_quote", "str", "VARCHAR", "what the source says, when quoted"),
    Column("import_id", "Int32", "INTEGER", "store import that wrote the row (empty: bundled)"),
)  # fmt: skip

BPE_SCHEMA: tuple[Column, ...] = (
    Column("commune", "str", "VARCHAR", "INSEE commune code (BPE DEPCOM)"),
    Column("profession", "str", "VARCHAR", "one of PROFESSIONS"),
    Column("count", "float64", "DOUBLE", "number of professionals (BPE equipment count)"),
    Column("import_id", "Int32", "INTEGER", "store import that wrote the row"),
)  # fmt: skip


POP_AGE_SCHEMA: tuple[Column, ...] = (
    Column("code_insee", "str", "VARCHAR", "INSEE commune code (POP1B CODGEO)"),
    Column("band", "str", "VARCHAR", "DREES five-year age band ('0-4' … '85-89', '90+')"),
    Column("population", "float64", "DOUBLE", "inhabitants in the band (census-weighted)"),
    Column("import_id", "Int32", "INTEGER", "store import that wrote the row"),
)  # fmt: skip


def describe(schema: tuple[Column, ...]) -> dict[str, str]:
    """``{column: meaning}`` of a schema (for documentation and help texts)."""
    return {c.name: c.doc for c in schema}


def conform(df: pd.DataFrame, schema: tuple[Column, ...], *, what: str) -> pd.DataFrame:
    """``df`` with exactly the schema's columns, in order, cast to their dtypes.

    Missing columns are added empty; extra columns are dropped.

    Parameters
    ----------
    df
        The frame (left unchanged).
    schema
        :data:`SITE_SCHEMA`, :data:`STAFF_SCHEMA` or :data:`BPE_SCHEMA`.
    what
        Name used in error messages ("sites", "staff"…).

    Raises
    ------
    InputError
        A column's values cannot be cast to its dtype.
    """
    out = {}
    n = len(df)
    for col in schema:
        if col.name in df.columns and df[col.name].dtype == col.dtype:
            # already of its dtype (e.g. text read as "str"): no conversion, no object copy
            out[col.name] = df[col.name].reset_index(drop=True)
            continue
        if col.name in df.columns:
            values = pd.Series(df[col.name].to_numpy(dtype=object))
        else:
            values = pd.Series([None] * n, dtype=object)
        try:
            if col.dtype == "str":  # missing stays missing (not the text 'None')
                out[col.name] = values.astype("str").mask(values.isna())
            else:
                out[col.name] = pd.to_numeric(values, errors="raise").astype(col.dtype)
        except (TypeError, ValueError) as exc:
            msg = f"{what}: column '{col.name}' cannot be read as {col.dtype} ({exc})"
            raise InputError(msg) from None
    return pd.DataFrame(out, index=pd.RangeIndex(n))
