"""Communes, their attachments (EPCI, département, région, constituency) and territory selection.

Knows nothing of the health offer or travel times.
"""

from proxisante.territory.age_bands import (
    AGE_BANDS,
    age_weights,
    population_aged,
    read_insee_pop_by_age,
    standardised_population,
)
from proxisante.territory.communes import (
    COMMUNE_COLUMNS,
    load_circonscriptions,
    load_commune_geometry,
    load_communes,
    load_departement_geometry,
)
from proxisante.territory.indicators import (
    BASSIN_VIE_COLUMNS,
    DEPARTEMENT_COLUMNS,
    load_bassin_vie_indicators,
    load_departement_indicators,
)
from proxisante.territory.membership import MEMBERSHIP_COLUMNS, load_membership
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
    normalise_name,
    select,
)

__all__ = [
    "AGE_BANDS",
    "BASSIN_VIE_COLUMNS",
    "COMMUNE_COLUMNS",
    "DEPARTEMENT_COLUMNS",
    "MEMBERSHIP_COLUMNS",
    "UNDER_SERVED_APL",
    "VIGILANCE_APL",
    "Territory",
    "age_weights",
    "available_apl_years",
    "check_commune_codes",
    "circonscription_deputy",
    "load_bassin_vie_indicators",
    "load_circonscriptions",
    "load_commune_geometry",
    "load_communes",
    "load_departement_geometry",
    "load_departement_indicators",
    "load_membership",
    "load_official_apl",
    "normalise_name",
    "population_aged",
    "population_year_of_apl",
    "read_insee_pop_by_age",
    "select",
    "standardised_population",
    "territory_apl_table",
    "under_served_population",
]
