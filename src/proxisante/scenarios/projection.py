"""Population projection files → a ``population_projection`` scenario edit.

Accepted layout (CSV, ``;`` or ``,`` separated, UTF-8 or Windows-1252, header line), one
row per (code, year)::

    code;annee;population
    62523;2030;5102
    62498;2030;31870

- ``code`` (also ``CODGEO``, ``code_insee``, ``DEP``): a 5-character INSEE commune code, or
  a département code (``62``, ``2A``, ``974``) — one level per file;
- ``annee`` (also ``year``, ``AN``): projection year; optional when the file holds one year;
- ``population`` (also ``POP``, ``pop``): projected inhabitants (``,`` or ``.`` decimals).

This is the shape of the INSEE population projections by département (Omphale model,
"Projections de population 2018-2070", central scenario) once the wanted year is kept, and of
any commune-level projection a planner or an ARS provides. Evaluation multiplies each
commune's population (standardised and 75+) by projected ÷ current population of its
commune or département: the age structure is assumed unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from proxisante._textfiles import read_text_table
from proxisante.errors import DataFileError
from proxisante.scenarios.model import PopulationProjection
from proxisante.territory import load_communes

__all__ = ["read_population_projection"]

_CODE = ("code", "codgeo", "code_insee", "dep", "departement")
_YEAR = ("annee", "année", "year", "an")
_POP = ("population", "pop", "projected_population")


def _column(columns: list[str], accepted: tuple[str, ...]) -> str | None:
    lower = {c.strip().lower(): c for c in columns}
    return next((lower[a] for a in accepted if a in lower), None)


def _rows_of_year(path: Path, raw: pd.DataFrame, year_col: str | None,
                  year: int | None) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """The rows of the projection year (the file's only year when ``year`` is None)."""
    if year_col is not None:
        years = pd.to_numeric(raw[year_col], errors="coerce")
        bad = years.isna() | (years % 1 != 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataFileError(str(path), f"value '{raw[year_col].iloc[i]}' is not a year",
                                line=int(raw["_line"].iloc[i]), field=year_col)  # fmt: skip
        found = sorted(int(y) for y in years.unique())
        if year is None:
            if len(found) > 1:
                msg = f"the file holds years {found}; choose one (--population-year)"
                raise DataFileError(str(path), msg, field=year_col)
            year = found[0]
        elif year not in found:
            raise DataFileError(str(path), f"year {year} not in the file (years {found})",
                                field=year_col)  # fmt: skip
        raw = raw[years.to_numpy() == year]
    elif year is None:
        msg = "the file has no year column; give the projection year (--population-year)"
        raise DataFileError(str(path), msg)
    assert year is not None
    return raw, year


def read_population_projection(
    path: str | Path, *, year: int | None = None
) -> PopulationProjection:
    """Read a projection file into a validated :class:`PopulationProjection` edit.

    Parameters
    ----------
    path
        The CSV file (layout in the module docstring).
    year
        Year to keep when the file holds several.

    Raises
    ------
    DataFileError
        Unreadable file, missing column, several years without ``year``, a year not in
        the file, a bad or unknown code, a population ≤ 0, a code listed twice for the year,
        or commune and département codes mixed — naming the line and field.
    """
    path = Path(path)
    raw = read_text_table(path, sep=None, engine="python", what="a delimited text file")
    cols = list(raw.columns)
    code_col, year_col, pop_col = _column(cols, _CODE), _column(cols, _YEAR), _column(cols, _POP)
    if code_col is None or pop_col is None:
        msg = (f"missing column(s): found {cols[:6]}; expected code;annee;population "
               "(code: INSEE commune or département code)")  # fmt: skip
        raise DataFileError(str(path), msg, line=1)
    if raw.empty:
        raise DataFileError(str(path), "no data row")
    raw["_line"] = np.arange(len(raw)) + 2
    raw, year = _rows_of_year(path, raw, year_col, year)
    codes = raw[code_col].str.strip().str.upper()
    communes = load_communes()
    commune_codes = set(communes["code_insee"])
    dep_codes = set(communes["departement"].dropna())
    level: Literal["commune", "departement"] = (
        "commune" if codes.str.len().max() == 5 else "departement"
    )
    known = commune_codes if level == "commune" else dep_codes
    unknown = ~codes.isin(known)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        what = "INSEE commune code" if level == "commune" else "département code"
        msg = (f"'{codes.iloc[i]}' is not a known {what} (one level per file: communes or "
               "départements)")  # fmt: skip
        raise DataFileError(str(path), msg, line=int(raw["_line"].iloc[i]), field=code_col)
    dup = codes.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataFileError(str(path), f"code '{codes.iloc[i]}' is listed twice for {year}",
                            line=int(raw["_line"].iloc[i]), field=code_col)  # fmt: skip
    pop = pd.to_numeric(raw[pop_col].str.replace(",", ".", regex=False).str.replace(" ", ""),
                        errors="coerce")  # fmt: skip
    bad = pop.isna() | (pop <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(str(path), f"value '{raw[pop_col].iloc[i]}' is not a population > 0",
                            line=int(raw["_line"].iloc[i]), field=pop_col)  # fmt: skip
    return PopulationProjection(
        year=year, level=level, source=path.name,
        populations=dict(zip(codes, pop.astype(float), strict=True)),
    )  # fmt: skip
