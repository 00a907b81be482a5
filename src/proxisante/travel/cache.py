"""On-disk cache of travel matrices, keyed by provider, parameters and point sets.

A matrix is stored as one ``.npz`` file (CSR arrays + ids) named by the sha256 of the
provider name, its parameters (JSON) and the ids and coordinates of both point sets, so any
change of input gives a new key. Default folder: ``platformdirs.user_cache_dir('proxisante')``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from platformdirs import user_cache_dir

from proxisante._output import write_output
from proxisante.travel.base import TravelMatrix

__all__ = ["cache_key", "cached_matrix", "default_cache_dir"]


def default_cache_dir() -> Path:
    return Path(user_cache_dir("proxisante")) / "travel"


def cache_key(provider: str, params: dict, origins: tuple, destinations: tuple) -> str:
    """sha256 of the provider, its parameters and both point sets (ids, lat, lon)."""
    h = hashlib.sha256()
    h.update(provider.encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for ids, lat, lon in (origins, destinations):
        h.update("\x1f".join(map(str, ids)).encode())
        h.update(np.asarray(lat, dtype=float).tobytes())
        h.update(np.asarray(lon, dtype=float).tobytes())
    return h.hexdigest()


def cached_matrix(
    key: str, compute: Callable[[], TravelMatrix], *, cache_dir: Path | None = None
) -> tuple[TravelMatrix, bool]:
    """Return the cached matrix for ``key`` or compute and store it; ``(matrix, hit)``."""
    folder = cache_dir or default_cache_dir()
    path = folder / f"{key}.npz"
    if path.is_file():
        try:
            z = np.load(path, allow_pickle=False)
            m = sp.csr_array((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            return TravelMatrix(m, z["origin_ids"], z["destination_ids"], float(z["cutoff"]),
                                str(z["provider"])), True  # fmt: skip
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)  # a corrupt cache entry is recomputed
    tm = compute()
    folder.mkdir(parents=True, exist_ok=True)
    write_output(path, lambda fh: np.savez_compressed(
        fh, data=tm.minutes.data, indices=tm.minutes.indices, indptr=tm.minutes.indptr,
        shape=np.array(tm.minutes.shape), origin_ids=tm.origin_ids.astype(str),
        destination_ids=tm.destination_ids.astype(str), cutoff=tm.cutoff_minutes,
        provider=tm.provider,
    ), option="cache file")  # fmt: skip
    return tm, False
