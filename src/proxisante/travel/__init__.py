"""Travel times between places, as sparse origin × destination matrices of minutes.

Providers behind one function (:func:`travel_matrix`): the offline estimate
(:func:`estimate_matrix`), OSRM on a road network (:func:`build_network`,
:func:`osrm_matrix`) and an imported matrix file. Names load on first use (no numpy or scipy
at ``import proxisante.travel``).
"""

from typing import TYPE_CHECKING

from proxisante._lazy import lazy_exports
from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH

if TYPE_CHECKING:
    from proxisante.travel.base import TravelMatrix
    from proxisante.travel.calibrate import EstimateFit, fit_estimate
    from proxisante.travel.estimate import estimate_matrix
    from proxisante.travel.osrm import OsrmServer, build_network, osrm_matrix
    from proxisante.travel.providers import PROVIDERS, TRAVEL_PROVIDERS, travel_matrix

__all__ = [
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "PROVIDERS",
    "TRAVEL_PROVIDERS",
    "EstimateFit",
    "OsrmServer",
    "TravelMatrix",
    "build_network",
    "estimate_matrix",
    "fit_estimate",
    "osrm_matrix",
    "travel_matrix",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "TravelMatrix": "proxisante.travel.base",
        "EstimateFit": "proxisante.travel.calibrate",
        "fit_estimate": "proxisante.travel.calibrate",
        "estimate_matrix": "proxisante.travel.estimate",
        "OsrmServer": "proxisante.travel.osrm",
        "build_network": "proxisante.travel.osrm",
        "osrm_matrix": "proxisante.travel.osrm",
        "PROVIDERS": "proxisante.travel.providers",
        "TRAVEL_PROVIDERS": "proxisante.travel.providers",
        "travel_matrix": "proxisante.travel.providers",
    },
)
