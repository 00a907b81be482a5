"""Read back the CSV proxisante writes for people: « ; », decimal comma, UTF-8 with BOM."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def read_fr_csv(source: str | Path | bytes, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` of a French CSV (a path, the text of standard output, or bytes);
    checks the BOM first."""
    if isinstance(source, str) and "\n" not in source and Path(source).is_file():
        source = Path(source)
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, str):
        source = source.encode("utf-8")
    assert source.startswith("\ufeff".encode()), "a CSV for people starts with a UTF-8 BOM"
    return pd.read_csv(io.BytesIO(source), sep=";", decimal=",", encoding="utf-8-sig", **kwargs)
