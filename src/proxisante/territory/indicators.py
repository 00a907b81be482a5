"""Published territorial indicators: per bassin de vie 2022 and per département.

Sources (open data, Licence Ouverte / Etalab 2.0), bundled by
``scripts/build_default_data.py`` (``proxisante/data/PROVENANCE.md``):

- INSEE *Statistiques locales*, indicators per bassin de vie 2022 (population structure
  2022, poverty and living standard 2021, deaths 2024, housing 2022);
- CartoSanté (ARS / ATLASANTE), health-offer indicators per bassin de vie 2022 (densities of
  libéral professionals 2024, APL to GPs 2023 at bassin-de-vie level, ALD share 2024);
- INSEE *Statistiques locales*, indicators per département (BPE 2024 counts of
  professionals and equipment, life expectancy 2024, poverty 2021, estimates 2025).

A bassin de vie 2022 is identified by the INSEE code of its central commune (62498 Lens).
No commune → bassin de vie 2022 table is bundled: :func:`~proxisante.territory.load_membership`
gives the bassin de vie 2012 only (an approximation).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from proxisante._bundled import read_bundled_parquet

__all__ = [
    "BASSIN_VIE_COLUMNS",
    "DEPARTEMENT_COLUMNS",
    "load_bassin_vie_indicators",
    "load_departement_indicators",
]

_INSEE_BV = "INSEE Statistiques locales, bassins de vie 2022"
_CARTOSANTE = "CartoSanté (ARS/ATLASANTE), bassins de vie 2022"
_INSEE_DEP = "INSEE Statistiques locales, départements"

#: Columns of :func:`load_bassin_vie_indicators`: meaning, unit, source and year.
BASSIN_VIE_COLUMNS: dict[str, str] = {
    "bassin_vie_2022": "bassin de vie 2022 code = INSEE code of its central commune (str)",
    "name": "bassin de vie name (str)",
    "deaths_2024": f"deaths of residents in 2024, count (Int64); {_INSEE_BV}",
    "share_75_plus_2022_pct": f"share of the population aged 75 or over in 2022, %; {_INSEE_BV}",
    "poverty_rate_2021_pct": f"poverty rate 2021 (60 % of the median), %; {_INSEE_BV}",
    "median_living_standard_2021_eur": f"median living standard 2021, EUR/yr; {_INSEE_BV}",
    "share_low_diploma_2022_pct": (
        f"share with no or a low diploma among the non-student population aged 15+, 2022, %; "
        f"{_INSEE_BV}"
    ),
    "share_blue_collar_jobs_2022_pct": f"blue-collar jobs at place of work 2022, %; {_INSEE_BV}",
    "share_single_parent_families_2022_pct": f"single-parent families 2022, %; {_INSEE_BV}",
    "share_under_15_2022_pct": f"share of the population aged under 15 in 2022, %; {_INSEE_BV}",
    "mean_household_size_2022_persons": f"mean household size 2022, persons; {_INSEE_BV}",
    "share_tenants_2022_pct": f"tenants among main residences 2022, %; {_INSEE_BV}",
    "share_social_housing_tenants_2022_pct": f"HLM tenants, % of main residences 2022; {_INSEE_BV}",
    "share_severely_overcrowded_2022_pct": (
        f"main residences in severe overcrowding 2022, %; {_INSEE_BV}"
    ),
    "share_main_residences_2022_pct": f"main residences among dwellings 2022, %; {_INSEE_BV}",
    "share_flats_2022_pct": f"flats among dwellings 2022, %; {_INSEE_BV}",
    "share_houses_2022_pct": f"houses among dwellings 2022, %; {_INSEE_BV}",
    "population_density_2022_per_km2": f"population density 2022, inhabitants/km²; {_INSEE_BV}",
    "share_ophthalmology_patients_2024_pct": (
        f"share of the population who saw an ophthalmologist (beneficiaries) 2024, %; {_CARTOSANTE}"
    ),
    "apl_gp_bassin_vie_2023": (
        "APL to GPs 2023 at bassin-de-vie level, consultations/yr per standardised inhabitant "
        f"(DREES method, one decimal); {_CARTOSANTE}"
    ),
    "speech_therapist_density_liberal_2024_per_100k": (
        "libéral speech therapists 2024 per 100,000 inhabitants (the export does not state the "
        "denominator; median 26 can only be per 100,000: France has about 2.7 speech therapists "
        f"per 10,000 inhabitants); {_CARTOSANTE}"
    ),
    "gp_density_liberal_2024_per_10k": f"libéral GPs 2024 per 10,000 inhabitants; {_CARTOSANTE}",
    "nurse_density_liberal_2024_per_10k": (
        f"libéral nurses 2024 per 10,000 inhabitants; {_CARTOSANTE}"
    ),
    "midwife_density_liberal_2024_per_10k": (
        f"libéral midwives 2024 per 10,000 (denominator as published, not stated in the export); "
        f"{_CARTOSANTE}"
    ),
    "share_ald_2024_pct": (
        f"share of the population covered for a long-term illness (ALD) 2024, %; {_CARTOSANTE}"
    ),
    "pharmacy_density_2024_per_10k": f"pharmacies 2024 per 10,000 inhabitants; {_CARTOSANTE}",
}

#: Columns of :func:`load_departement_indicators`: meaning, unit, source and year.
DEPARTEMENT_COLUMNS: dict[str, str] = {
    "departement": "département code ('01'..'95', '2A', '2B', '971'..'976') (str)",
    "name": "département name (str)",
    "gp_count_2024": f"general practitioners (BPE), count 2024 (int64); {_INSEE_DEP}",
    "poverty_rate_2021_pct": f"poverty rate 2021, %; {_INSEE_DEP}",
    "swimming_pool_count_2024": f"swimming pools, count 2024; {_INSEE_DEP}",
    "sports_hall_count_2024": f"multi-sport halls, count 2024; {_INSEE_DEP}",
    "emergency_department_count_2024": f"emergency departments, count 2024; {_INSEE_DEP}",
    "nurse_count_2024": f"nurses (BPE), count 2024; {_INSEE_DEP}",
    "pharmacy_count_2024": f"pharmacies, count 2024; {_INSEE_DEP}",
    "dentist_count_2024": f"dentists, count 2024; {_INSEE_DEP}",
    "life_expectancy_women_2024_years": f"life expectancy at birth, women, 2024, yr; {_INSEE_DEP}",
    "life_expectancy_men_2024_years": f"life expectancy at birth, men, 2024, yr; {_INSEE_DEP}",
    "median_living_standard_2021_eur": f"median living standard 2021, EUR/yr; {_INSEE_DEP}",
    "population_density_2022_per_km2": f"population density 2022, inhabitants/km²; {_INSEE_DEP}",
    "crude_mortality_rate_2024_per_1000": f"crude death rate 2024, per 1,000; {_INSEE_DEP}",
    "standardised_mortality_rate_0_64_2024_per_1000": (
        f"age-standardised death rate of people aged 0-64, 2024, per 1,000; {_INSEE_DEP}"
    ),
    "share_master_or_more_2022_pct": f"share with Bac+5 or more, aged 15+, 2022, %; {_INSEE_DEP}",
    "share_low_diploma_2022_pct": f"no or a low diploma, aged 15+, 2022, %; {_INSEE_DEP}",
    "share_bac_plus_2_2022_pct": f"share with a Bac+2, aged 15+, 2022, %; {_INSEE_DEP}",
    "share_cap_bep_2022_pct": f"share whose highest diploma is a CAP/BEP, 2022, %; {_INSEE_DEP}",
    "share_commute_bike_2022_pct": f"employed people cycling to work 2022, %; {_INSEE_DEP}",
    "share_commute_car_2022_pct": f"employed people driving to work 2022, %; {_INSEE_DEP}",
    "share_commute_public_transport_2022_pct": (
        f"employed people taking public transport to work 2022, %; {_INSEE_DEP}"
    ),
    "population_estimate_2025": f"population estimate 1 January 2025, inhabitants; {_INSEE_DEP}",
}


def _checked(name: str, columns: dict[str, str]) -> pd.DataFrame:
    return read_bundled_parquet(name, expected=columns)


@cache
def _bassins() -> pd.DataFrame:
    return _checked("bassin_vie_indicators.parquet", BASSIN_VIE_COLUMNS)


@cache
def _departements() -> pd.DataFrame:
    return _checked("departement_indicators.parquet", DEPARTEMENT_COLUMNS)


def load_bassin_vie_indicators() -> pd.DataFrame:
    """Return one row per bassin de vie 2022 (1,709 rows; columns in :data:`BASSIN_VIE_COLUMNS`).

    INSEE social indicators (1,707 bassins de vie) outer-joined on the bassin code with the
    CartoSanté health-offer indicators (1,709: also 977ZZ and 978ZZ, Saint-Barthélemy and
    Saint-Martin). Values the sources withhold (statistical secrecy, not available) are NaN.
    Column names carry the unit and the year (``_pct`` percent, ``_per_10k`` per 10,000
    inhabitants, ``_eur`` euros).

    References
    ----------
    INSEE, Statistiques locales, indicateurs par bassin de vie 2022; CartoSanté, indicateurs
    d'offre de soins par bassin de vie 2022. Licence Ouverte / Etalab 2.0.

    Examples
    --------
    >>> bv = load_bassin_vie_indicators().set_index("bassin_vie_2022")
    >>> float(bv.loc["62498", "poverty_rate_2021_pct"])
    23.3
    """
    return _bassins().copy()


def load_departement_indicators() -> pd.DataFrame:
    """Return one row per département (101 rows; columns in :data:`DEPARTEMENT_COLUMNS`).

    Counts of professionals are BPE 2024 counts published by INSEE (libéral and salaried
    practices recorded in the BPE), not FTE. Values INSEE withholds are NaN.

    References
    ----------
    INSEE, Statistiques locales, indicateurs départementaux (BPE 2024, état civil 2024,
    Filosofi 2021, recensement 2022, estimations de population 2025). Licence Ouverte /
    Etalab 2.0.

    Examples
    --------
    >>> dep = load_departement_indicators().set_index("departement")
    >>> int(dep.loc["62", "gp_count_2024"]), float(dep.loc["62", "life_expectancy_men_2024_years"])
    (1204, 77.2)
    """
    return _departements().copy()
