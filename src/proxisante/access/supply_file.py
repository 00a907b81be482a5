"""Read a supply table (professionals per commune) for the engine's command line and API.

Layout (CSV, ``,`` or ``;``): one row per commune with columns ``commune`` (INSEE code) and
``fte`` and/or ``consultations``; an optional ``profession`` column (``gp``, ``nurse``, …)
selects rows by profession; with a ``site`` column, one row per site (several sites of a
commune are summed).

Strict like every file a user writes: a column named twice, a commune listed twice (or a
site, with a ``site`` column) for one profession, and a value that is not a decimal number
in ASCII digits or is outside its bound (:mod:`proxisante.bounds`: at most 10,000 FTE and
10⁸ consultations per row) are refused naming the line and field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from proxisante import bounds
from proxisante.errors import DataFileError, InputError, UnknownCommuneError, shorten
from proxisante.offer import CONSULTATIONS_PER_FTE
from proxisante.professions import get_profession
from proxisante.territory import check_commune_codes

__all__ = ["read_apl_file", "read_supply_file"]


def read_supply_file(path: str | Path, *, profession: str, unit: str) -> pd.DataFrame:
    """Return ``destination`` (commune code) and ``supply`` in ``unit`` (fte or consultations).

    For ``unit='consultations'`` a row with only ``fte`` is converted at 5,400 consultations
    per FTE (DREES); a row with ``consultations`` keeps its activity as given.
    """
    path = Path(path)
    df = _read_csv(path)
    if "commune" not in df.columns or not ({"fte", "consultations"} & set(df.columns)):
        msg = f"expected columns commune and fte and/or consultations; found {list(df.columns)}"
        raise DataFileError(str(path), msg)
    line = pd.Series(np.arange(len(df)) + 2, index=df.index)
    df = _rows_of_profession(df, profession, path)
    codes = df["commune"].str.strip().str.upper()
    key = df["site"].str.strip() if "site" in df.columns else codes
    first = (
        pd.Series(line.loc[df.index].to_numpy(), index=df.index)
        .groupby(key.to_numpy())
        .transform("min")
    )
    again = first != line.loc[df.index]
    if again.any():
        i = again.index[again][0]
        what = "site" if "site" in df.columns else "commune"
        msg = (f"{what} '{shorten(key[i], 20)}' is listed twice (first on line {int(first[i])}); "
               f"expected one row per {what}" + ("" if what == "site" else
               " (add a site column for one row per site)"))  # fmt: skip
        raise DataFileError(str(path), msg, line=int(line[i]), field=what)
    try:
        check_commune_codes(codes.unique())
    except UnknownCommuneError as exc:
        i = codes.index[codes == exc.value][0]
        raise DataFileError(str(path), str(exc), line=int(line[i]), field="commune") from None
    values = _numeric_columns(df, line, path)
    fte = values.get("fte", pd.Series(np.nan, index=df.index))
    cons = values.get("consultations", pd.Series(np.nan, index=df.index))
    if unit == "fte":
        supply = fte.fillna(cons / CONSULTATIONS_PER_FTE)
    else:
        supply = cons.fillna(fte * CONSULTATIONS_PER_FTE)
    empty = supply.isna()
    if empty.any():
        i = empty.index[empty][0]
        msg = "row has neither fte nor consultations"
        raise DataFileError(str(path), msg, line=int(line[i]), field="fte")
    return pd.DataFrame({"destination": codes.to_numpy(), "supply": supply.to_numpy(dtype=float)})


def _read_csv(path: Path) -> pd.DataFrame:
    """A user's CSV (``,`` or ``;``) as text columns; a header naming a column twice, or an
    unreadable file, raises naming the file."""
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    sep = ";" if head.count(";") > head.count(",") else ","
    names = [n.strip().lower() for n in head.removeprefix("\ufeff").splitlines()[0].split(sep)] \
        if head.strip() else []  # fmt: skip
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        msg = f"column(s) {twice} appear twice in the header; expected each column once"
        raise DataFileError(str(path), msg, line=1)
    try:
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"not a readable CSV ({type(exc).__name__})") from None


def _rows_of_profession(df: pd.DataFrame, profession: str, path: Path) -> pd.DataFrame:
    """The rows of ``profession`` (aliases accepted) when the file has a profession column."""
    if "profession" not in df.columns:
        return df
    wanted = get_profession(profession).code
    df = df[df["profession"].map(_profession_code) == wanted]
    if df.empty:
        raise DataFileError(str(path), f"no row with profession '{profession}'", field="profession")
    return df


def read_apl_file(path: str | Path, *, profession: str) -> pd.Series:
    """An official APL of a profession per commune (e.g. a DREES file): CSV ``commune, apl``
    (optional ``profession`` column), one row per commune, values in the profession's unit.

    Returns the APL indexed by INSEE code (name ``apl``). A missing column, an unknown
    commune, a commune listed twice or a value that is not a number in range raises
    :class:`DataFileError` naming the line and the field.
    """
    path = Path(path)
    df = _read_csv(path)
    if not {"commune", "apl"} <= set(df.columns):
        msg = f"expected columns commune and apl; found {list(df.columns)}"
        raise DataFileError(str(path), msg)
    line = pd.Series(np.arange(len(df)) + 2, index=df.index)
    df = _rows_of_profession(df, profession, path)
    codes = df["commune"].str.strip().str.upper()
    twice = codes.duplicated()
    if twice.any():
        i = twice.index[twice][0]
        msg = f"commune '{shorten(codes[i], 20)}' is listed twice; expected one row per commune"
        raise DataFileError(str(path), msg, line=int(line[i]), field="commune")
    try:
        check_commune_codes(codes.unique())
    except UnknownCommuneError as exc:
        i = codes.index[codes == exc.value][0]
        raise DataFileError(str(path), str(exc), line=int(line[i]), field="commune") from None
    values = []
    for i, raw in df["apl"].str.strip().str.replace(",", ".", regex=False).items():
        try:
            values.append(bounds.parse("imported_apl", raw))
        except InputError as exc:
            raise DataFileError(str(path), str(exc), line=int(line[i]), field="apl") from None
    return pd.Series(values, index=pd.Index(codes.to_numpy(), name="code_insee"), name="apl",
                     dtype=float)  # fmt: skip


def _profession_code(name: str) -> str:
    """The registry code a file's profession names (aliases accepted), '' when unknown."""
    try:
        return get_profession(name).code
    except InputError:
        return ""


def _numeric_columns(df: pd.DataFrame, line: pd.Series, path: Path) -> dict[str, pd.Series]:
    """The ``fte`` and ``consultations`` columns as numbers (empty: NaN), each checked
    against its bound; the first bad value raises naming its line and field."""
    values = {}
    for col in ("fte", "consultations"):
        if col in df.columns:
            raw = df[col].str.strip().str.replace(",", ".", regex=False)
            decimal = raw.str.fullmatch(bounds.DECIMAL.pattern)
            v = pd.to_numeric(raw.where(decimal & (raw != ""), np.nan), errors="coerce")
            bound = bounds.PARAMETERS[f"supply_{col}"]
            bad = (raw != "") & (~decimal | v.isna() | (v < bound.low) | (v > bound.high))
            if bad.any():
                i = bad.index[bad][0]
                try:
                    bounds.parse(bound.name, str(raw[i]))
                    msg = f"value '{shorten(df[col][i])}' is not a number"  # pragma: no cover
                except InputError as exc:
                    msg = str(exc)
                raise DataFileError(str(path), msg, line=int(line[i]), field=col)
            values[col] = v
    return values
