"""Communes, their attachments (EPCI, département, région, constituency) and territory selection.

Knows nothing of the health offer or travel times. Names load on first use (the CLI's
commune card reads its tables without pandas).
"""

from typing import TYPE_CHECKING

from proxisante._lazy import lazy_exports

if TYPE_CHECKING:
    from proxisante.territory.age_bands import (
        AGE_BANDS,
        age_weights,
        population_aged,
        read_insee_pop_by_age,
        standardised_population,
    )
    from proxisante.territory.bpe2021 import (
        BPE2021_COLUMNS,
        BPE2021_KINDS,
        BPE2021_SOURCE,
        bpe2021_counts,
        load_bpe2021_counts,
    )
    from proxisante.territory.card import CARD_APL_YEARS, CommuneCard, read_commune_card
    from proxisante.territory.communes import (
        COMMUNE_COLUMNS,
        FORMER_COMMUNE_COLUMNS,
        load_circonscriptions,
        load_commune_geometry,
        load_communes,
        load_departement_geometry,
        load_former_communes,
    )
    from proxisante.territory.indicators import (
        BASSIN_VIE_COLUMNS,
        DEPARTEMENT_COLUMNS,
        load_bassin_vie_indicators,
        load_departement_indicators,
    )
    from proxisante.territory.membership import MEMBERSHIP_COLUMNS, load_membership
    from proxisante.territory.names import normalise_name
    from proxisante.territory.official_apl import (
        UNDER_SERVED_APL,
        VIGILANCE_APL,
        available_apl_years,
        load_official_apl,
        population_year_of_apl,
        territory_apl_table,
        under_served_population,
    )
    from proxisante.territory.selection import (
        Territory,
        check_commune_codes,
        circonscription_deputy,
        select,
    )

__all__ = [
    "AGE_BANDS",
    "BASSIN_VIE_COLUMNS",
    "BPE2021_COLUMNS",
    "BPE2021_KINDS",
    "BPE2021_SOURCE",
    "CARD_APL_YEARS",
    "COMMUNE_COLUMNS",
    "DEPARTEMENT_COLUMNS",
    "FORMER_COMMUNE_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "UNDER_SERVED_APL",
    "VIGILANCE_APL",
    "CommuneCard",
    "Territory",
    "age_weights",
    "available_apl_years",
    "bpe2021_counts",
    "check_commune_codes",
    "circonscription_deputy",
    "load_bassin_vie_indicators",
    "load_bpe2021_counts",
    "load_circonscriptions",
    "load_commune_geometry",
    "load_communes",
    "load_departement_geometry",
    "load_departement_indicators",
    "load_former_communes",
    "load_membership",
    "load_official_apl",
    "normalise_name",
    "population_aged",
    "population_year_of_apl",
    "read_commune_card",
    "read_insee_pop_by_age",
    "select",
    "standardised_population",
    "territory_apl_table",
    "under_served_population",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AGE_BANDS": "proxisante.territory.age_bands",
        "BASSIN_VIE_COLUMNS": "proxisante.territory.indicators",
        "BPE2021_COLUMNS": "proxisante.territory.bpe2021",
        "BPE2021_KINDS": "proxisante.territory.bpe2021",
        "BPE2021_SOURCE": "proxisante.territory.bpe2021",
        "bpe2021_counts": "proxisante.territory.bpe2021",
        "load_bpe2021_counts": "proxisante.territory.bpe2021",
        "CARD_APL_YEARS": "proxisante.territory.card",
        "COMMUNE_COLUMNS": "proxisante.territory.communes",
        "CommuneCard": "proxisante.territory.card",
        "DEPARTEMENT_COLUMNS": "proxisante.territory.indicators",
        "FORMER_COMMUNE_COLUMNS": "proxisante.territory.communes",
        "MEMBERSHIP_COLUMNS": "proxisante.territory.membership",
        "Territory": "proxisante.territory.selection",
        "UNDER_SERVED_APL": "proxisante.territory.official_apl",
        "VIGILANCE_APL": "proxisante.territory.official_apl",
        "age_weights": "proxisante.territory.age_bands",
        "available_apl_years": "proxisante.territory.official_apl",
        "check_commune_codes": "proxisante.territory.selection",
        "circonscription_deputy": "proxisante.territory.selection",
        "load_bassin_vie_indicators": "proxisante.territory.indicators",
        "load_circonscriptions": "proxisante.territory.communes",
        "load_commune_geometry": "proxisante.territory.communes",
        "load_communes": "proxisante.territory.communes",
        "load_departement_geometry": "proxisante.territory.communes",
        "load_departement_indicators": "proxisante.territory.indicators",
        "load_former_communes": "proxisante.territory.communes",
        "load_membership": "proxisante.territory.membership",
        "load_official_apl": "proxisante.territory.official_apl",
        "normalise_name": "proxisante.territory.names",
        "population_aged": "proxisante.territory.age_bands",
        "population_year_of_apl": "proxisante.territory.official_apl",
        "read_commune_card": "proxisante.territory.card",
        "read_insee_pop_by_age": "proxisante.territory.age_bands",
        "select": "proxisante.territory.selection",
        "standardised_population": "proxisante.territory.age_bands",
        "territory_apl_table": "proxisante.territory.official_apl",
        "under_served_population": "proxisante.territory.official_apl",
    },
)
