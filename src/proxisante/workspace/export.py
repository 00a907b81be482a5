"""Tables written to files or downloads: CSV, Excel (xlsx), GeoPackage, Parquet — one place.

The format follows the file's suffix (:func:`write_table`) or is named (:func:`table_bytes`,
for web downloads). A GeoPackage joins the commune polygons (EPSG:4326) on ``code_insee``
(rows in the table's order); every other format writes the table as is. Files are written
whole or not at all.

A CSV is for French spreadsheets by default (:data:`CSV_FORMATS` ``"fr"``): ``;`` between
fields, decimal comma, UTF-8 with a byte-order mark (French Excel opens it at the first
click with accents and numbers right); ``"international"`` keeps ``,``, ``.`` and no BOM for
scripts.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from proxisante._csv import CSV_FORMATS, csv_text
from proxisante._output import check_output, write_output
from proxisante.errors import InputError
from proxisante.sources import COMMUNES_SOURCE, Source, sources_frame
from proxisante.territory import load_commune_geometry

__all__ = ["CSV_FORMATS", "TABLE_FORMATS", "csv_bytes", "table_bytes", "table_format",
           "write_table"]  # fmt: skip

#: Formats a table can be written in (file suffix without the dot).
TABLE_FORMATS = ("csv", "xlsx", "gpkg", "parquet")


def table_format(path: str | Path, *, accepted: Sequence[str] = TABLE_FORMATS,
                 option: str = "--out") -> str:  # fmt: skip
    """The format of ``path`` from its suffix, among ``accepted``.

    Raises
    ------
    InputError
        The suffix is not one of ``accepted`` (the message names ``option``).

    >>> table_format("communes.CSV")
    'csv'
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in accepted:
        allowed = " or ".join(f".{a}" for a in accepted)
        msg = f"{option} must end in {allowed}; got '{Path(path).suffix}'"
        raise InputError(msg)
    return fmt


def for_people(
    table: pd.DataFrame, headers: dict[str, str], decimals: dict[str, int]
) -> pd.DataFrame:
    """``table`` as a person opens it (the French CSV dialect): columns renamed by
    ``headers`` (others kept) and values rounded, ``decimals`` per column; a negative count
    keeps that many significant digits (access ratios per inhabitant such as 0.0019305 are
    read as 0.001931, not rounded away).

    >>> t = pd.DataFrame({"value": [0.0019305220, 6.55812], "per_100k": [193.05220, 655.8]})
    >>> for_people(t, {"value": "valeur"}, {"value": -4, "per_100k": 1}).to_dict("list")
    {'valeur': [0.001931, 6.558], 'per_100k': [193.1, 655.8]}
    """
    out = table.copy()
    for col, n in decimals.items():
        if col not in out:
            continue
        values = out[col].astype(float)
        if n >= 0:
            out[col] = values.round(n)
        else:
            magnitude = np.floor(np.log10(np.abs(values.where(values != 0))))
            scale = 10.0 ** (-n - 1 - magnitude.fillna(0))
            out[col] = (values * scale).round() / scale
    return out.rename(columns=headers)


def csv_bytes(table: pd.DataFrame, *, csv_format: str = "fr") -> bytes:
    """The table as CSV in ``csv_format`` (:data:`CSV_FORMATS`, :func:`proxisante._csv.csv_text`):
    ``fr`` « ; », decimal comma (also for numbers in text columns, such as an APL column
    holding « inconnu » where missing), UTF-8 BOM; ``international`` « , », decimal point.

    >>> body = csv_bytes(pd.DataFrame({"apl": [2.5], "nom": ["Lens"]}))
    >>> body[:3] == "\ufeff".encode(), body.decode("utf-8-sig").splitlines()
    (True, ['apl;nom', '2,5;Lens'])
    >>> csv_bytes(pd.DataFrame({"apl": [2.5]}), csv_format="international").decode().split()
    ['apl', '2.5']
    """
    values = table.astype(object).where(table.notna(), None)
    rows = values.itertuples(index=False, name=None)
    return csv_text(list(table.columns), rows, csv_format=csv_format).encode("utf-8")


def table_bytes(
    table: pd.DataFrame,
    fmt: str,
    *,
    layer: str = "table",
    sources: Sequence[Source] = (),
    csv_format: str = "fr",
) -> bytes:
    """The table encoded as ``fmt`` (one of :data:`TABLE_FORMATS`).

    Parameters
    ----------
    table
        The rows; a GeoPackage needs a ``code_insee`` column (commune polygons are joined).
    fmt
        ``csv`` (:func:`csv_bytes` in ``csv_format``), ``xlsx`` (one sheet named ``layer``),
        ``gpkg`` (layer ``layer``) or ``parquet``.
    layer
        Sheet or layer name.
    sources
        Where the table's figures come from: an xlsx always gets a « Sources » sheet (these
        sources, or the commune table's when none is given).
    csv_format
        :data:`CSV_FORMATS`: ``fr`` (default) or ``international``.
    """
    table_format(f"t.{fmt}", option="format")
    if fmt == "csv":
        return csv_bytes(table, csv_format=csv_format)
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as xl:
            table.to_excel(xl, index=False, sheet_name=layer[:31])
            sources_frame(list(sources) or [COMMUNES_SOURCE]).to_excel(
                xl, index=False, sheet_name="Sources"
            )
        return buf.getvalue()
    if fmt == "parquet":
        buf = io.BytesIO()
        table.to_parquet(buf, index=False)
        return buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.gpkg"
        _geo_table(table).to_file(path, layer=layer, driver="GPKG")
        return path.read_bytes()


def write_table(
    table: pd.DataFrame, path: str | Path, *, layer: str = "table",
    accepted: Sequence[str] = TABLE_FORMATS, option: str = "--out", sources: Sequence[Source] = (),
    csv_format: str = "fr",
) -> Path:  # fmt: skip
    """Write ``table`` to ``path`` in the format of its suffix (see :func:`table_bytes`).

    Raises
    ------
    InputError
        A suffix not in ``accepted``.
    OutputError
        The path is not a regular file or a new name in an existing folder, or the system
        refused the write (:func:`proxisante._output.write_output`).
    """
    path = Path(path)
    fmt = table_format(path, accepted=accepted, option=option)
    check_output(path, option=option)  # before the table is encoded
    body = table_bytes(table, fmt, layer=layer, sources=sources, csv_format=csv_format)
    return write_output(path, body, option=option)


def _geo_table(table: pd.DataFrame):
    if "code_insee" not in table.columns:
        msg = "a GeoPackage needs a code_insee column to join the commune polygons"
        raise InputError(msg)
    # deferred: geopandas (≈ 0.5 s) only for a GeoPackage
    import geopandas as gpd

    geo = load_commune_geometry(table["code_insee"])
    rows = table.merge(geo[["code_insee", "geometry"]], on="code_insee", how="inner")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=geo.crs)
