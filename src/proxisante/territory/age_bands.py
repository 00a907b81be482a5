"""INSEE population by age per commune → 19 five-year bands → DREES standardised population.

Importer for the INSEE census detailed table **POP1B "Population par sexe et âge"**
(Recensement de la population, tableaux détaillés, file ``TD_POP1B_<year>.csv``), whose
official CSV layout is one row per (geography, sex, single year of age)::

    NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB
    COM;62523;Loison-sous-Lens;1;000;31.2
    ...

- ``;`` separator, header line, UTF-8 (Windows-1252 is accepted too);
- ``NIVGEO`` geography level (``COM``/``ARM``; optional, other levels are rejected);
- ``CODGEO`` INSEE commune code; ``LIBGEO`` its name;
- ``SEXE`` 1 = men, 2 = women;
- ``AGED100`` age in completed years, ``000`` … ``099``, and ``100`` for 100 or older;
- ``NB`` number of inhabitants (census-weighted, so possibly fractional; ``.`` or ``,``
  decimal separator).

The ages are grouped into the 19 bands of the DREES APL (0–4, 5–9, …, 85–89, 90+), and
:func:`standardised_population` applies the DREES age weights (sheet "Paramètres" of
``apl_generalistes.xlsx``: mean GP consumption of the band / national mean, DCIR 2020 for
the APL 2022 and DCIR 2021 for the APL 2023, Cnam) to give ``pop_standardisee``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from proxisante._bundled import bundled_path
from proxisante._rows import RowErrors, text_to_float
from proxisante._textfiles import check_fields, read_scanned_table, scan_text
from proxisante.errors import (
    DataFileError,
    InputError,
    UnavailableYearError,
    UnknownCommuneError,
    shorten,
)
from proxisante.territory.selection import check_commune_codes

__all__ = [
    "AGE_BANDS",
    "age_weights",
    "population_aged",
    "read_insee_pop_by_age",
    "standardised_population",
]

#: The 19 DREES age bands, as (label, first age, last age or None for the open band).
AGE_BANDS: list[tuple[str, int, int | None]] = [
    (f"{a}-{a + 4}", a, a + 4) for a in range(0, 90, 5)
] + [("90+", 90, None)]

_REQUIRED = ["CODGEO", "SEXE", "AGED100", "NB"]
#: Largest ``NB`` accepted on one line (one sex, one year of age, one commune).
MAX_INHABITANTS_PER_LINE = 1_000_000


@cache
def _weights_table() -> pd.DataFrame:
    path = bundled_path("apl_age_weights.csv")
    try:
        table = pd.read_csv(path)
    except (OSError, pd.errors.ParserError) as exc:
        msg = f"bundled DREES age weights are missing or corrupt ({type(exc).__name__})"
        raise DataFileError(str(path), msg) from None
    if len(table) != len(AGE_BANDS):
        msg = f"expected {len(AGE_BANDS)} age bands, found {len(table)}"
        raise DataFileError(str(path), msg)
    return table


def age_weights(year: int) -> np.ndarray:
    """DREES age weights of the APL ``year`` (2022 or 2023), one per band of :data:`AGE_BANDS`.

    >>> age_weights(2023)[:3].tolist()
    [1.12, 0.58, 0.51]
    """
    table = _weights_table()
    col = f"poids_{year}"
    if col not in table.columns:
        years = sorted(int(c.split("_")[1]) for c in table.columns if c.startswith("poids_"))
        raise UnavailableYearError("DREES APL age weights", year, years)
    return table[col].to_numpy(dtype=float)


def read_insee_pop_by_age(path: str | Path) -> pd.DataFrame:
    """Read an INSEE POP1B file and return the population of each commune by DREES age band.

    Parameters
    ----------
    path
        ``TD_POP1B_<year>.csv`` in the official layout described in the module docstring.

    Returns
    -------
    pandas.DataFrame
        Index ``code_insee``; one float column per band label of :data:`AGE_BANDS`
        (inhabitants), both sexes summed.

    Raises
    ------
    DataFileError
        Unreadable file, wrong separator, missing column, bad age, sex or count (the message
        names the line and field), or an unknown commune code.
    """
    path = Path(path)
    scan = scan_text(path, sep=";")
    raw = _read_pop1b(path, scan)
    if raw.empty:  # the importer refuses an empty import unless told to replace with it
        empty = pd.DataFrame(columns=[b[0] for b in AGE_BANDS], dtype=float)
        empty.attrs["rows_read"] = 0
        return empty.rename_axis("code_insee")
    line = scan.lines  # physical line numbers (header is line 1; blank lines skipped)
    codes, age, sex, nb = _checked_values(path, raw, line)
    # one integer per (commune, sex, age): duplicates and sums on int64, not on text
    code_id, code_values = pd.factorize(codes.to_numpy(dtype=object), sort=True)
    key = (code_id.astype(np.int64) * 2 + (sex == "2")) * 101 + age.astype(np.int64)
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(line[int(np.flatnonzero(key == key[i])[0])])
        _fail(path, raw, line, dup, "CODGEO",
              f"one line per (CODGEO, SEXE, AGED100): line {first:,} has the same")  # fmt: skip
    try:
        check_commune_codes(code_values)
    except UnknownCommuneError as exc:
        i = int(np.flatnonzero(code_values[code_id] == exc.value)[0])
        raise DataFileError(str(path), str(exc), line=int(line[i]), field="CODGEO") from None
    n_bands = len(AGE_BANDS)
    band = np.minimum(age.astype(int) // 5, n_bands - 1)
    sums = np.bincount(code_id * n_bands + band, weights=nb, minlength=code_values.size * n_bands)
    wide = pd.DataFrame(
        sums.reshape(code_values.size, n_bands),
        index=pd.Index(code_values, name="code_insee", dtype="str"),
        columns=pd.Index([b[0] for b in AGE_BANDS], name="band", dtype="str"),
    )
    wide.attrs["rows_read"] = int(scan.lines.size)
    return wide


def _read_pop1b(path: Path, scan) -> pd.DataFrame:
    """The POP1B rows as stripped text (header, columns and row count checked)."""
    columns = [c.strip().strip('"') for c in scan.header.split(";")]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        msg = (
            f"missing column(s) {missing}; found {[shorten(c, 20) for c in columns[:8]]}; "
            "expected the INSEE POP1B layout NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB (';'-separated)"
        )
        raise DataFileError(str(path), msg, line=1)
    if len(set(columns)) != len(columns):
        dup = sorted({c for c in columns if columns.count(c) > 1})[:5]
        raise DataFileError(str(path), f"column(s) {dup} appear twice in the header", line=1)
    check_fields(scan, len(columns), RowErrors(str(path)), sep=";")
    raw = read_scanned_table(scan, what="a ';'-separated CSV", sep=";", quoting=3)
    raw.columns = columns
    if len(raw) != scan.lines.size:  # every non-empty line is one row (no quoting)
        msg = f"{scan.lines.size:,} non-empty data line(s) but {len(raw):,} row(s) read"
        raise DataFileError(str(path), msg)
    if raw.empty:
        return raw
    return raw[[c for c in columns if c in ("NIVGEO", *_REQUIRED)]].apply(
        lambda col: col.str.strip().str.strip('"')
    )


def _fail(path: Path, raw: pd.DataFrame, line: np.ndarray, mask: np.ndarray, field: str,
          expected: str) -> None:  # fmt: skip
    """Refuse the first row of ``mask``, naming its line, field and the count of bad rows."""
    i = int(np.flatnonzero(mask)[0])
    msg = (
        f"value '{shorten(raw[field].iloc[i])}' is invalid; expected {expected} "
        f"({int(mask.sum())} bad row(s))"
    )
    raise DataFileError(str(path), msg, line=int(line[i]), field=field)


def _checked_values(path: Path, raw: pd.DataFrame, line: np.ndarray):
    """Commune codes, ages, sexes and counts of the rows, each field checked."""

    def fail(mask: np.ndarray, field: str, expected: str) -> None:
        _fail(path, raw, line, mask, field, expected)

    if "NIVGEO" in raw.columns:
        bad = ~raw["NIVGEO"].isin(["COM", "ARM"]).to_numpy()
        if bad.any():
            fail(bad, "NIVGEO", "COM or ARM (commune-level rows)")
    codes = raw["CODGEO"].str.upper()
    bad = ~codes.str.fullmatch(r"\d{5}|2[AB]\d{3}").to_numpy()
    if bad.any():
        fail(bad, "CODGEO", "an INSEE commune code (5 characters)")
    bad = ~raw["AGED100"].str.fullmatch(r"\d{1,3}").to_numpy()
    age = text_to_float(raw["AGED100"].where(~bad))
    bad |= ~np.isfinite(age) | (age > 100)
    if bad.any():
        fail(bad, "AGED100", "an age in completed years 000..100")
    sex = raw["SEXE"].to_numpy()
    bad = ~np.isin(sex, ["1", "2"])
    if bad.any():
        fail(bad, "SEXE", "1 (men) or 2 (women)")
    text = raw["NB"].str.replace(",", ".", regex=False)
    nb = text_to_float(text, max_chars=30)
    bad = ~np.isfinite(nb) | (nb < 0) | (nb > MAX_INHABITANTS_PER_LINE)
    if bad.any():
        fail(bad, "NB", f"a number of inhabitants between 0 and {MAX_INHABITANTS_PER_LINE:,}")
    return codes, age, sex, nb


def standardised_population(pop_by_band: pd.DataFrame, *, year: int) -> pd.Series:
    """DREES standardised population: Σ over the 19 bands of population × age weight.

    Parameters
    ----------
    pop_by_band
        One column per band label of :data:`AGE_BANDS` (inhabitants), as returned by
        :func:`read_insee_pop_by_age`.
    year
        APL millésime whose weights apply (2022 or 2023).

    Returns
    -------
    pandas.Series
        Standardised inhabitants, same index as ``pop_by_band``.
    """
    labels = [b[0] for b in AGE_BANDS]
    missing = [c for c in labels if c not in pop_by_band.columns]
    if missing:
        msg = f"pop_by_band lacks age band columns {missing}; expected {labels}"
        raise DataFileError("pop_by_band", msg)
    values = pop_by_band[labels].to_numpy(dtype=float)
    return pd.Series(values @ age_weights(year), index=pop_by_band.index, name="pop_standardisee")


def population_aged(pop_by_band: pd.DataFrame, *, min_age: int = 75) -> pd.Series:
    """Inhabitants aged ``min_age`` or more per commune, from five-year bands.

    ``min_age`` must start a band of :data:`AGE_BANDS` (0, 5, …, 90): ages are only known
    by band.

    Examples
    --------
    >>> bands = pd.DataFrame([[10.0] * 19], columns=[b[0] for b in AGE_BANDS], index=["62523"])
    >>> float(population_aged(bands, min_age=75).iloc[0])
    40.0
    """
    starts = [b[1] for b in AGE_BANDS]
    if min_age not in starts:
        msg = f"min_age was {min_age}; expected the first age of a band: {starts}"
        raise InputError(msg)
    labels = [b[0] for b in AGE_BANDS if b[1] >= min_age]
    missing = [c for c in labels if c not in pop_by_band.columns]
    if missing:
        msg = f"pop_by_band lacks age band columns {missing}"
        raise DataFileError("pop_by_band", msg)
    return pop_by_band[labels].sum(axis=1).rename(f"pop_{min_age}_plus")
