"""Access to the data files bundled inside the package (``proxisante/data``).

All readers go through :func:`read_bundled_parquet` so that a missing or corrupt bundled
file gives one clear :class:`~proxisante.errors.DataFileError` naming the file and what
to do, never a pyarrow traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import pandas as pd

from proxisante.errors import DataFileError

__all__ = ["bundled_path", "read_bundled_parquet"]

_REBUILD = "reinstall proxisante or rebuild it with scripts/build_default_data.py"


def bundled_path(name: str) -> Path:
    """Path of a bundled data file (``proxisante/data/<name>``)."""
    return Path(str(resources.files("proxisante") / "data" / name))


def read_bundled_parquet(
    name: str, *, columns: list[str] | None = None, expected: Iterable[str] = ()
) -> pd.DataFrame:
    """Read a bundled Parquet file, raising :class:`DataFileError` if it is missing or corrupt.

    ``expected`` names columns the file must hold (a table built by an older build script
    lacks them): a missing one is a :class:`DataFileError` naming them and the file.
    """
    path = bundled_path(name)
    if not path.is_file():
        msg = f"bundled data file is missing; {_REBUILD}"
        raise DataFileError(str(path), msg)
    try:
        df = pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        msg = f"bundled data file is corrupt or unreadable ({type(exc).__name__}); {_REBUILD}"
        raise DataFileError(str(path), msg) from None
    expected = list(expected)
    missing = [c for c in expected if c not in df.columns]
    if missing:
        msg = f"bundled table {name} lacks columns {missing}; expected {expected}; {_REBUILD}"
        raise DataFileError(str(path), msg)
    return df
