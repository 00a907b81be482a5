"""The official DREES APL to general practitioners (published file, bundled for 2022 and 2023).

Source: DREES, *L'accessibilité potentielle localisée (APL) aux médecins généralistes*,
workbook ``apl_generalistes.xlsx`` (sheets "APL 2022", "APL 2023", "Paramètres"), open data,
Licence Ouverte / Etalab 2.0. Method: Barlet, Coldefy, Collin, Lucas-Gabrielli (2012),
DREES Études et Résultats n°795.

The bundled table is restated on the bundled commune geography: communes of the DREES
files that have merged since are aggregated into the current commune, APL averaged with
``pop_standardisee`` weights (the DREES rule for aggregating APL), populations summed
(column ``n_communes_drees`` > 1 flags them).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from proxisante._bundled import read_bundled_parquet
from proxisante.errors import UnavailableYearError
from proxisante.professions import PROFESSIONS

if TYPE_CHECKING:
    # deferred: `territory show` and `apl` run without pandas (tests/test_cli_startup.py)
    import pandas as pd


def _gp_thresholds() -> tuple[float, float]:
    gp = PROFESSIONS["gp"]
    assert gp.underserved_below is not None and gp.vigilance_below is not None
    return gp.underserved_below, gp.vigilance_below


_GP_THRESHOLDS = _gp_thresholds()

__all__ = [
    "APL_COLUMNS",
    "APL_SOURCE",
    "UNDER_SERVED_APL",
    "VIGILANCE_APL",
    "available_apl_years",
    "load_official_apl",
    "population_year_of_apl",
    "territory_apl_table",
    "under_served_population",
]

UNDER_SERVED_APL: float = _GP_THRESHOLDS[0]
"""APL below which a commune is called under-served, in consultations/yr/standardised
inhabitant: the threshold used in public debate and by ARS zoning of under-served areas
(zonage médecins, ZIP/ZAC, decided by each ARS with further criteria); the GPs' threshold
of the profession registry (:data:`proxisante.professions.PROFESSIONS`)."""

VIGILANCE_APL: float = _GP_THRESHOLDS[1]
"""APL below which a commune is in the "vigilance" band (same sources)."""

APL_SOURCE = "DREES, APL aux médecins généralistes {year} (population {pop_year}, SNIIR-AM {year})"

#: Columns of :func:`load_official_apl`.
APL_COLUMNS: dict[str, str] = {
    "code_insee": "INSEE commune code (bundled geography)",
    "year": "APL millésime",
    "apl_generalistes": "APL to GPs, consultations/yr per standardised inhabitant",
    "apl_generalistes_moins65": "same, GPs aged under 65 only",
    "pop_standardisee": "population standardised by GP-consumption age weights",
    "pop_totale": "total population (INSEE, year = millésime - 2)",
    "n_communes_drees": "number of DREES commune rows aggregated into this commune",
    "commune_drees": "name in the DREES file",
    "in_current_geography": "False for 4 codes of the 2022 file in no offline source (no map)",
}


@cache
def _apl() -> pd.DataFrame:
    return read_bundled_parquet("apl_generalistes.parquet")


def available_apl_years() -> list[int]:
    """Years of the official APL that are bundled."""
    return sorted(int(y) for y in _apl()["year"].unique())


def load_official_apl(year: int) -> pd.DataFrame:
    """Return the official DREES APL to GPs of ``year`` (columns in :data:`APL_COLUMNS`).

    Raises
    ------
    UnavailableYearError
        If ``year`` is not bundled (2022 and 2023 are).

    Examples
    --------
    >>> apl = load_official_apl(2023)
    >>> float(apl.loc[apl.code_insee == "62523", "apl_generalistes"].iloc[0])
    6.558
    """
    years = available_apl_years()
    if year not in years:
        raise UnavailableYearError("DREES APL to GPs", year, years)
    df = _apl()
    return df[df["year"] == year].reset_index(drop=True).copy()


def population_year_of_apl(year: int) -> int:
    """Census year of the populations used by the APL of ``year`` (millésime − 2)."""
    return year - 2


def territory_apl_table(codes, *, years: tuple[int, ...] = (2022, 2023)) -> pd.DataFrame:
    """Official APL of each commune of a territory, for several years side by side.

    Parameters
    ----------
    codes
        INSEE codes of the communes (e.g. ``Territory.codes``).
    years
        APL millésimes to include (each must be bundled).

    Returns
    -------
    pandas.DataFrame
        One row per commune code, columns ``code_insee`` and, for each year ``Y``:
        ``apl_Y``, ``apl_moins65_Y``, ``pop_totale_Y`` (population of year Y − 2),
        ``pop_standardisee_Y`` and ``sous_dote_Y`` (APL < :data:`UNDER_SERVED_APL`; NA when
        the commune has no published APL, e.g. Mayotte).
    """
    # deferred: `territory show` and `apl` run without pandas (tests/test_cli_startup.py)
    import pandas as pd

    out = pd.DataFrame({"code_insee": pd.Series(list(codes), dtype=str)})
    for year in years:
        apl = load_official_apl(year)
        part = apl[
            [
                "code_insee",
                "apl_generalistes",
                "apl_generalistes_moins65",
                "pop_totale",
                "pop_standardisee",
            ]
        ].rename(
            columns={
                "apl_generalistes": f"apl_{year}",
                "apl_generalistes_moins65": f"apl_moins65_{year}",
                "pop_totale": f"pop_totale_{year}",
                "pop_standardisee": f"pop_standardisee_{year}",
            }
        )
        out = out.merge(part, on="code_insee", how="left", validate="one_to_one")
        under = out[f"apl_{year}"] < UNDER_SERVED_APL
        out[f"sous_dote_{year}"] = under.astype("boolean").where(out[f"apl_{year}"].notna())
    return out


def under_served_population(table: pd.DataFrame, year: int) -> dict[str, float]:
    """Population living in under-served communes (APL < 2.5) in ``year``.

    Populations are the DREES file's ``pop_totale`` of that millésime (INSEE population of
    ``year − 2``), so indicator and population are consistent.

    Returns
    -------
    dict
        ``population`` (total with a published APL), ``under_served`` (inhabitants in
        communes with APL < 2.5), ``share`` (0–1), ``communes_under_served``,
        ``communes_with_apl``, ``mean_apl`` (weighted by standardised population, the DREES
        aggregation rule), ``population_year``.
    """
    apl = table[f"apl_{year}"]
    pop = table[f"pop_totale_{year}"]
    std = table[f"pop_standardisee_{year}"]
    has = apl.notna()
    under = has & (apl < UNDER_SERVED_APL)
    total = float(pop[has].sum())
    under_pop = float(pop[under].sum())
    std_sum = float(std[has].sum())
    return {
        "population": total,
        "under_served": under_pop,
        "share": under_pop / total if total > 0 else 0.0,
        "communes_under_served": int(under.sum()),
        "communes_with_apl": int(has.sum()),
        "mean_apl": float((apl[has] * std[has]).sum() / std_sum) if std_sum > 0 else float("nan"),
        "population_year": population_year_of_apl(year),
    }
