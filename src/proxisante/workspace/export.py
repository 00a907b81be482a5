"""Tables written to files or downloads: CSV, Excel (xlsx), GeoPackage, Parquet — one place.

The format follows the file's suffix (:func:`write_table`) or is named (:func:`table_bytes`,
for web downloads). A GeoPackage joins the commune polygons (EPSG:4326) on ``code_insee``
(rows in the table's order); every other format writes the table as is. Files are written
whole or not at all.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from proxisante._output import check_output, write_output
from proxisante.errors import InputError
from proxisante.sources import COMMUNES_SOURCE, Source, sources_frame
from proxisante.territory import load_commune_geometry

__all__ = ["TABLE_FORMATS", "table_bytes", "table_format", "write_table"]

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


def table_bytes(
    table: pd.DataFrame, fmt: str, *, layer: str = "table", sources: Sequence[Source] = ()
) -> bytes:
    """The table encoded as ``fmt`` (one of :data:`TABLE_FORMATS`).

    Parameters
    ----------
    table
        The rows; a GeoPackage needs a ``code_insee`` column (commune polygons are joined).
    fmt
        ``csv`` (UTF-8), ``xlsx`` (one sheet named ``layer``), ``gpkg`` (layer ``layer``) or
        ``parquet``.
    layer
        Sheet or layer name.
    sources
        Where the table's figures come from: an xlsx always gets a « Sources » sheet (these
        sources, or the commune table's when none is given).
    """
    table_format(f"t.{fmt}", option="format")
    if fmt == "csv":
        return table.to_csv(index=False).encode("utf-8")
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
    return write_output(path, table_bytes(table, fmt, layer=layer, sources=sources),
                        option=option)  # fmt: skip


def _geo_table(table: pd.DataFrame):
    if "code_insee" not in table.columns:
        msg = "a GeoPackage needs a code_insee column to join the commune polygons"
        raise InputError(msg)
    import geopandas as gpd

    geo = load_commune_geometry(table["code_insee"])
    rows = table.merge(geo[["code_insee", "geometry"]], on="code_insee", how="inner")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=geo.crs)
