"""Travel times between places, as sparse origin × destination matrices of minutes."""

from proxisante.travel.base import TravelMatrix
from proxisante.travel.calibrate import EstimateFit, fit_estimate
from proxisante.travel.estimate import estimate_matrix

__all__ = ["EstimateFit", "TravelMatrix", "estimate_matrix", "fit_estimate"]
