"""Travel times between places, as sparse origin × destination matrices of minutes.

Providers behind one function (:func:`travel_matrix`): the offline estimate
(:func:`estimate_matrix`), OSRM on a road network (:func:`build_network`,
:func:`osrm_matrix`) and an imported matrix file.
"""

from proxisante.travel.base import TravelMatrix
from proxisante.travel.calibrate import EstimateFit, fit_estimate
from proxisante.travel.estimate import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH, estimate_matrix
from proxisante.travel.osrm import OsrmServer, build_network, osrm_matrix
from proxisante.travel.providers import PROVIDERS, travel_matrix

__all__ = [
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "PROVIDERS",
    "EstimateFit",
    "OsrmServer",
    "TravelMatrix",
    "build_network",
    "estimate_matrix",
    "fit_estimate",
    "osrm_matrix",
    "travel_matrix",
]
