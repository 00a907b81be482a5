"""Travel times between places, as sparse origin × destination matrices of minutes."""

from proxisante.travel.base import TravelMatrix
from proxisante.travel.estimate import estimate_matrix

__all__ = ["TravelMatrix", "estimate_matrix"]
