"""Which zones a commune belongs to: INSEE table d'appartenance géographique, COG 2022.

Source: INSEE, *Table d'appartenance géographique des communes*, COG 2022 (zonages of
2020: zones d'emploi, unités urbaines, aires d'attraction des villes; bassins de vie 2012),
Licence Ouverte / Etalab 2.0. Bundled by ``scripts/build_default_data.py``
(``proxisante/data/PROVENANCE.md``).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from proxisante._bundled import read_bundled_parquet

__all__ = ["MEMBERSHIP_COLUMNS", "load_membership"]

#: Columns of :func:`load_membership`, with their meaning and type.
MEMBERSHIP_COLUMNS: dict[str, str] = {
    "code_insee": "INSEE commune code of the COG 2022 (str)",
    "name_cog2022": "commune name in the COG 2022 (str)",
    "departement": "département code (category)",
    "region": "INSEE région code (category)",
    "arrondissement": "arrondissement code (str)",
    "canton_ville": "canton-ville code (str)",
    "epci_siren": "SIREN of the EPCI on 1 January 2022 ('ZZZZZZZZZ': none) (str)",
    "epci_nature": "EPCI kind: CA, CC, CU, ME (métropole), ZZ (none) (category)",
    "employment_zone_2020": "zone d'emploi 2020 code, 4 characters (str)",
    "urban_unit_2020": "unité urbaine 2020 code, 5 characters; 'DD000' = rural commune (str)",
    "urban_unit_size_class_2017": (
        "TUU2017, size class of the urban unit (int8): 0 rural commune, 1 < 5,000 inhabitants, "
        "2 5,000-9,999, 3 10,000-19,999, 4 20,000-49,999, 5 50,000-99,999, "
        "6 100,000-199,999, 7 200,000-1,999,999, 8 Paris urban unit"
    ),
    "urban_unit_detailed_size_class_2017": "TDUU2017, detailed size class (int8; 0 rural)",
    "attraction_area_2020": "aire d'attraction des villes 2020 code, 3 characters; '000' none",
    "attraction_area_size_class_2017": (
        "TAAV2017, size class of the attraction area (int8): 0 outside, 1 < 50,000 "
        "inhabitants, 2 50,000-199,999, 3 200,000-499,999, 4 500,000 or more (excl. Paris), "
        "5 Paris"
    ),
    "attraction_area_detailed_size_class_2017": "TDAAV2017, detailed size class (int8; 0 outside)",
    "attraction_area_category_2020": (
        "CATEAAV2020 (int8): 11 centre commune of a pôle, 12 other commune of a pôle, "
        "13 secondary pôle commune, 20 commune of the couronne, 30 outside any attraction area"
    ),
    "bassin_vie_2012": (
        "bassin de vie 2012 code (str); NOT the bassins de vie 2022 of "
        ":func:`~proxisante.territory.load_bassin_vie_indicators` (approximation only)"
    ),
    "in_current_geography": "bool, the code is a commune of the bundled (current) geography",
    "code_insee_current": (
        "commune of the bundled geography holding this COG 2022 commune (str; the code itself "
        "when current, '' when a commune merged since could not be located offline)"
    ),
}


@cache
def _membership() -> pd.DataFrame:
    return read_bundled_parquet("commune_membership.parquet", expected=MEMBERSHIP_COLUMNS)


def load_membership() -> pd.DataFrame:
    """Return the zones of every commune of the COG 2022 (columns in :data:`MEMBERSHIP_COLUMNS`).

    One row per commune of the COG 2022 (34,955 rows). 92 of them merged into another commune
    since (``in_current_geography`` False); 86 of those are located in their current commune
    (``code_insee_current``: the commune nouvelle they are a commune déléguée or associée of,
    :func:`~proxisante.territory.load_former_communes`, else the commune holding their INSEE
    COG 2024 point), 6 cannot be located offline (``code_insee_current == ''``). Communes
    created after 2022 have no row of their own: join on ``code_insee_current`` to reach them
    through their former communes.

    Returns
    -------
    pandas.DataFrame
        A copy; codes are strings, size classes ``int8``.

    References
    ----------
    INSEE, Table d'appartenance géographique des communes au 1er janvier 2022; zonages en
    aires d'attraction des villes 2020, unités urbaines 2020, zones d'emploi 2020, bassins
    de vie 2012. Licence Ouverte / Etalab 2.0.

    Examples
    --------
    >>> m = load_membership().set_index("code_insee")
    >>> m.loc["62523", ["urban_unit_2020", "employment_zone_2020"]].tolist()
    ['00756', '3215']
    """
    return _membership().copy()
