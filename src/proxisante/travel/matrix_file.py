"""Imported travel-time matrix (CSV or Parquet, long format), e.g. an INSEE Metric distancier.

Layout: one row per origin–destination pair with columns ``origin``, ``destination`` and
``minutes`` (other names can be mapped with ``columns=``). Codes are validated against the
expected origin and destination ids; times must be finite and ≥ 0; duplicate pairs are
rejected. Pairs beyond the cut-off are dropped (that is what the cut-off means); pairs absent
from the file are unreachable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.errors import DataFileError, InputError
from proxisante.travel.base import TravelMatrix

__all__ = ["read_matrix_file"]

_REQUIRED = ("origin", "destination", "minutes")


def _read(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".csv", ".gz", ".txt"):
            head = path.open("rb").read(4096).decode("utf-8", errors="replace")
            sep = ";" if head.count(";") > head.count(",") else ","
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise DataFileError(str(path), f"unreadable ({type(exc).__name__}: {exc})") from None
    msg = f"unsupported matrix file type '{suffix}'; accepted: .csv, .csv.gz, .parquet"
    raise DataFileError(str(path), msg)


def read_matrix_file(
    path: str | Path,
    *,
    origin_ids,
    destination_ids,
    cutoff_minutes: float,
    columns: dict[str, str] | None = None,
) -> TravelMatrix:
    """Read a long-format travel-time file into a :class:`TravelMatrix`.

    Parameters
    ----------
    path
        ``.csv`` (``,`` or ``;``), ``.csv.gz`` or ``.parquet``.
    origin_ids, destination_ids
        The ids the matrix must be indexed by (e.g. INSEE codes); every code in the file must
        be one of them (file line and field named otherwise).
    cutoff_minutes
        Pairs with more minutes are dropped (> 0).
    columns
        Mapping from this file's column names to ``origin``, ``destination``, ``minutes``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    if not np.isfinite(cutoff_minutes) or cutoff_minutes <= 0:
        msg = f"cutoff_minutes was {cutoff_minutes!r}; expected minutes > 0"
        raise InputError(msg)
    df = _read(path).rename(columns=columns or {})
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        msg = (
            f"missing column(s) {missing}; found {list(df.columns)[:6]}; expected {list(_REQUIRED)}"
        )
        raise DataFileError(str(path), msg)
    line = np.arange(len(df)) + 2  # header is line 1 (row number + 1 for Parquet)
    o_index = pd.Index(np.asarray(origin_ids).astype(str))
    d_index = pd.Index(np.asarray(destination_ids).astype(str))
    o = o_index.get_indexer(df["origin"].astype(str).str.strip())
    d = d_index.get_indexer(df["destination"].astype(str).str.strip())
    for pos, field in ((o, "origin"), (d, "destination")):
        if (pos < 0).any():
            i = int(np.flatnonzero(pos < 0)[0])
            n_bad = int((pos < 0).sum())
            msg = f"unknown code '{df[field].iloc[i]}' ({n_bad} row(s) with unknown codes)"
            raise DataFileError(str(path), msg, line=int(line[i]), field=field)
    raw = df["minutes"].astype(str).str.replace(",", ".", regex=False)
    minutes = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(minutes) | (minutes < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"value '{df['minutes'].iloc[i]}' is not a number of minutes ≥ 0"
        raise DataFileError(str(path), msg, line=int(line[i]), field="minutes")
    key = o.astype(np.int64) * len(d_index) + d
    uniq, counts = np.unique(key, return_counts=True)
    if (counts > 1).any():
        dup_key = uniq[counts > 1][0]
        rows = np.flatnonzero(key == dup_key)
        msg = f"pair ({df['origin'].iloc[rows[0]]}, {df['destination'].iloc[rows[0]]}) is repeated"
        raise DataFileError(str(path), msg, line=int(line[rows[1]]), field="origin,destination")
    keep = minutes <= cutoff_minutes
    mat = sp.csr_array((minutes[keep], (o[keep], d[keep])), shape=(len(o_index), len(d_index)))
    mat.sort_indices()
    return TravelMatrix(
        minutes=mat,
        origin_ids=o_index.to_numpy(dtype=str),
        destination_ids=d_index.to_numpy(dtype=str),
        cutoff_minutes=float(cutoff_minutes),
        provider="matrix",
    )
