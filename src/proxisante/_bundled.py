"""Access to the data files bundled inside the package (``proxisante/data``).

All readers go through :func:`read_bundled_parquet` so that a missing or corrupt bundled
file gives one clear :class:`~proxisante.errors.DataFileError` naming the file and what
to do, never a pyarrow traceback.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from proxisante.errors import DataFileError

__all__ = ["bundled_path", "read_bundled_parquet"]

_REBUILD = "reinstall proxisante or rebuild it with scripts/build_default_data.py"


def bundled_path(name: str) -> Path:
    """Path of a bundled data file (``proxisante/data/<name>``)."""
    return Path(str(resources.files("proxisante") / "data" / name))


def read_bundled_parquet(name: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a bundled Parquet file, raising :class:`DataFileError` if it is missing or corrupt."""
    path = bundled_path(name)
    if not path.is_file():
        msg = f"bundled data file is missing; {_REBUILD}"
        raise DataFileError(str(path), msg)
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several unrelated types for corrupt files
        msg = f"bundled data file is corrupt or unreadable ({type(exc).__name__}); {_REBUILD}"
        raise DataFileError(str(path), msg) from None
