"""Validation shared by the offer importers: FINESS numbers, coordinates in France, and the
row-level error collection of :mod:`proxisante._rows` (shared with the population import).
"""

from __future__ import annotations

from proxisante._geo import FRANCE_BOXES, check_coordinates_in_france
from proxisante._rows import RowErrors, isin_known, text_to_float

__all__ = [
    "FINESS_PATTERN",
    "FRANCE_BOXES",
    "RowErrors",
    "check_coordinates_in_france",
    "isin_known",
    "text_to_float",
]

#: A FINESS number: 9 characters, the département (2 digits, 2A/2B, or 9A…9F overseas)
#: then 7 digits (FINESS, "Structure du numéro FINESS"; checksum digit not verified).
FINESS_PATTERN = r"^(?:[0-9]{2}|2[AB]|9[A-F])[0-9]{7}$"
