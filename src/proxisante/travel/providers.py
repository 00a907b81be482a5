"""One entry point over the travel-time providers, a registry of small objects.

Each :class:`TravelProvider` computes the pairs of points within a cut-off: the offline
estimate (:class:`EstimateProvider`), OSRM on a road network (:class:`OsrmProvider`, cached
on disk) and an imported matrix file (:class:`MatrixFileProvider`). :data:`TRAVEL_PROVIDERS`
lists them by name; :func:`travel_matrix` dispatches to one. Adding a provider: one entry in
:data:`TRAVEL_PROVIDERS` (see ``docs/extending.md``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from proxisante.errors import InputError
from proxisante.travel.base import TravelMatrix
from proxisante.travel.estimate import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, estimate_matrix

__all__ = ["PROVIDERS", "TRAVEL_PROVIDERS", "TravelOptions", "TravelProvider", "travel_matrix"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TravelOptions:
    """What a provider may need beyond the points: ``matrix_file`` (``matrix``), ``network``
    and the disk ``cache`` (``osrm``), the estimate's parameters (``estimate``)."""

    matrix_file: Path | None = None
    network: Path | None = None
    cache: bool = True
    cache_dir: Path | None = None
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH


@dataclass(frozen=True)
class TravelProvider:
    """A travel-time provider: ``name`` (as the user types it) and ``label_fr`` (tables)."""

    name: str
    label_fr: str

    def matrix(
        self, ids, lat, lon, *, cutoff_minutes: float, options: TravelOptions
    ) -> tuple[TravelMatrix, bool]:
        """All pairs of the points within ``cutoff_minutes``: ``(matrix, from_cache)``."""
        raise NotImplementedError


@dataclass(frozen=True)
class EstimateProvider(TravelProvider):
    """The offline estimate: crow-flies distance × detour ÷ speed."""

    def matrix(self, ids, lat, lon, *, cutoff_minutes, options):
        tm = estimate_matrix(ids, lat, lon, ids, lat, lon, cutoff_minutes=cutoff_minutes,
                             detour_factor=options.detour_factor,
                             speed_kmh=options.speed_kmh)  # fmt: skip
        return tm, False


@dataclass(frozen=True)
class MatrixFileProvider(TravelProvider):
    """A long CSV/Parquet file ``origin,destination,minutes``."""

    def matrix(self, ids, lat, lon, *, cutoff_minutes, options):
        # deferred: reading a matrix file is rare; the estimate does not need pandas' readers
        from proxisante.travel.matrix_file import read_matrix_file

        if options.matrix_file is None:
            msg = "travel provider 'matrix' needs a matrix file (origin,destination,minutes)"
            raise InputError(msg)
        tm = read_matrix_file(options.matrix_file, origin_ids=ids, destination_ids=ids,
                              cutoff_minutes=cutoff_minutes)  # fmt: skip
        return tm, False


@dataclass(frozen=True)
class OsrmProvider(TravelProvider):
    """OSRM on a prepared road network (``.osrm``); results cached on disk."""

    def matrix(self, ids, lat, lon, *, cutoff_minutes, options):
        # deferred: the OSRM client and the cache are needed only with a road network
        from proxisante.travel.cache import cache_key, cached_matrix
        from proxisante.travel.osrm import osrm_matrix

        network = options.network
        if network is None:
            msg = ("travel provider 'osrm' needs a network (.osrm, see "
                   "`proxisante travel build-network`)")  # fmt: skip
            raise InputError(msg)

        def compute() -> TravelMatrix:
            res = osrm_matrix(ids, lat, lon, ids, lat, lon, network=network,
                              cutoff_minutes=cutoff_minutes)  # fmt: skip
            far = int((res.snapping["snapping_m"] > 500).sum())
            if far:
                log.warning("%d point(s) snapped more than 500 m from a road", far)
            return res.matrix

        if not options.cache:
            return compute(), False
        key = cache_key("osrm", {"network": str(Path(network).resolve()), "cutoff": cutoff_minutes},
                        (ids, lat, lon), (ids, lat, lon))  # fmt: skip
        return cached_matrix(key, compute, cache_dir=options.cache_dir)


#: Every travel-time provider by name, in the order the CLI lists them.
TRAVEL_PROVIDERS: dict[str, TravelProvider] = {
    p.name: p
    for p in (
        EstimateProvider("estimate", "estimation hors ligne"),
        OsrmProvider("osrm", "réseau routier OSRM"),
        MatrixFileProvider("matrix", "matrice importée"),
    )
}
PROVIDERS: tuple[str, ...] = tuple(TRAVEL_PROVIDERS)


def travel_matrix(
    provider: str, ids, lat, lon, *, cutoff_minutes: float, matrix_file: Path | None = None,
    network: Path | None = None, cache: bool = True, cache_dir: Path | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR, speed_kmh: float = DEFAULT_SPEED_KMH,
) -> tuple[TravelMatrix, bool]:  # fmt: skip
    """All pairs of points within ``cutoff_minutes`` with the chosen provider.

    Parameters
    ----------
    provider
        A name of :data:`TRAVEL_PROVIDERS`: ``estimate`` (offline), ``osrm`` (needs
        ``network``, a prepared ``.osrm``; results are cached on disk) or ``matrix`` (needs
        ``matrix_file``, long CSV/Parquet).
    detour_factor, speed_kmh
        Parameters of the estimate (e.g. fitted by ``proxisante travel calibrate``).

    Returns
    -------
    (matrix, from_cache)
    """
    if provider not in TRAVEL_PROVIDERS:
        msg = f"travel provider was '{provider}'; expected one of {', '.join(PROVIDERS)}"
        raise InputError(msg)
    options = TravelOptions(matrix_file=matrix_file, network=network, cache=cache,
                            cache_dir=cache_dir, detour_factor=detour_factor,
                            speed_kmh=speed_kmh)  # fmt: skip
    return TRAVEL_PROVIDERS[provider].matrix(ids, lat, lon, cutoff_minutes=cutoff_minutes,
                                             options=options)  # fmt: skip
