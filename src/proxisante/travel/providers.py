"""One entry point over the three providers: offline estimate, OSRM road network, matrix file."""

from __future__ import annotations

import logging
from pathlib import Path

from proxisante.errors import InputError
from proxisante.travel.base import TravelMatrix
from proxisante.travel.estimate import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, estimate_matrix

__all__ = ["PROVIDERS", "travel_matrix"]

PROVIDERS = ("estimate", "osrm", "matrix")
log = logging.getLogger(__name__)


def travel_matrix(
    provider: str, ids, lat, lon, *, cutoff_minutes: float, matrix_file: Path | None = None,
    network: Path | None = None, cache: bool = True, cache_dir: Path | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR, speed_kmh: float = DEFAULT_SPEED_KMH,
) -> tuple[TravelMatrix, bool]:  # fmt: skip
    """All pairs of points within ``cutoff_minutes`` with the chosen provider.

    Parameters
    ----------
    provider
        ``estimate`` (offline), ``osrm`` (needs ``network``, a prepared ``.osrm``; results are
        cached on disk) or ``matrix`` (needs ``matrix_file``, long CSV/Parquet).
    detour_factor, speed_kmh
        Parameters of the estimate (e.g. fitted by ``proxisante travel calibrate``).

    Returns
    -------
    (matrix, from_cache)
    """
    if provider == "estimate":
        tm = estimate_matrix(ids, lat, lon, ids, lat, lon, cutoff_minutes=cutoff_minutes,
                             detour_factor=detour_factor, speed_kmh=speed_kmh)  # fmt: skip
        return tm, False
    if provider == "matrix":
        from proxisante.travel.matrix_file import read_matrix_file

        if matrix_file is None:
            msg = "travel provider 'matrix' needs a matrix file (origin,destination,minutes)"
            raise InputError(msg)
        tm = read_matrix_file(matrix_file, origin_ids=ids, destination_ids=ids,
                              cutoff_minutes=cutoff_minutes)  # fmt: skip
        return tm, False
    if provider == "osrm":
        from proxisante.travel.cache import cache_key, cached_matrix
        from proxisante.travel.osrm import osrm_matrix

        if network is None:
            msg = (
                "travel provider 'osrm' needs a network (.osrm, see "
                "`proxisante travel build-network`)"
            )
            raise InputError(msg)

        def compute() -> TravelMatrix:
            res = osrm_matrix(ids, lat, lon, ids, lat, lon, network=network,
                              cutoff_minutes=cutoff_minutes)  # fmt: skip
            far = int((res.snapping["snapping_m"] > 500).sum())
            if far:
                log.warning("%d point(s) snapped more than 500 m from a road", far)
            return res.matrix

        if not cache:
            return compute(), False
        key = cache_key("osrm", {"network": str(Path(network).resolve()), "cutoff": cutoff_minutes},
                        (ids, lat, lon), (ids, lat, lon))  # fmt: skip
        return cached_matrix(key, compute, cache_dir=cache_dir)
    msg = f"travel provider was '{provider}'; expected one of {', '.join(PROVIDERS)}"
    raise InputError(msg)
