"""Access to the data files bundled inside the package (``proxisante/data``).

All readers go through :func:`read_bundled_parquet` so that a missing or corrupt bundled
file gives one clear :class:`~proxisante.errors.DataFileError` naming the file and what
to do, never a pyarrow traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from proxisante.errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["bundled_path", "bundled_sha256", "read_bundled_parquet", "read_bundled_table"]

_REBUILD = "reinstall proxisante or rebuild it with scripts/build_default_data.py"


def bundled_path(name: str) -> Path:
    """Path of a bundled data file (``proxisante/data/<name>``)."""
    return Path(str(resources.files("proxisante") / "data" / name))


def bundled_sha256(names: Iterable[str]) -> dict[str, str] | None:
    """SHA-256 of bundled files by name, None when one cannot be read: a file derived from
    others (an index) records those of its sources, and is not used when they differ."""
    try:
        return {n: hashlib.sha256(bundled_path(n).read_bytes()).hexdigest() for n in names}
    except OSError:
        return None


def read_bundled_parquet(
    name: str, *, columns: list[str] | None = None, expected: Iterable[str] = ()
) -> pd.DataFrame:
    """Read a bundled Parquet file, raising :class:`DataFileError` if it is missing or corrupt.

    ``expected`` names columns the file must hold (a table built by an older build script
    lacks them): a missing one is a :class:`DataFileError` naming them and the file.
    """
    # deferred: `territory show` reads bundled tables without pandas (tests/test_cli_startup.py)
    import pandas as pd

    path = _existing(name)
    try:
        df = pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        raise _unreadable(path, exc) from None
    _check_columns(name, path, df.columns, expected)
    return df


def read_bundled_table(
    name: str, *, columns: list[str] | None = None, expected: Iterable[str] = ()
) -> pa.Table:
    """:func:`read_bundled_parquet` as a pyarrow Table, without pandas (same errors).

    For the few readers that need one row or one column quickly (the CLI's commune card):
    reading one Parquet file this way imports neither pandas nor pyarrow's dataset layer.
    """
    # deferred: pyarrow.parquet only for the readers of one row or column (the commune card)
    import pyarrow.parquet as pq

    path = _existing(name)
    try:
        table = pq.ParquetFile(path).read(columns=columns)
    except Exception as exc:
        raise _unreadable(path, exc) from None
    _check_columns(name, path, table.column_names, expected)
    return table


def _existing(name: str) -> Path:
    path = bundled_path(name)
    if not path.is_file():
        msg = f"bundled data file is missing; {_REBUILD}"
        raise DataFileError(str(path), msg)
    return path


def _unreadable(path: Path, exc: Exception) -> DataFileError:
    msg = f"bundled data file is corrupt or unreadable ({type(exc).__name__}); {_REBUILD}"
    return DataFileError(str(path), msg)


def _check_columns(name: str, path: Path, present: Iterable[str], expected: Iterable[str]) -> None:
    expected = list(expected)
    have = set(present)
    missing = [c for c in expected if c not in have]
    if missing:
        msg = f"bundled table {name} lacks columns {missing}; expected {expected}; {_REBUILD}"
        raise DataFileError(str(path), msg)
