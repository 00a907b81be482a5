"""Health offer: sites (FINESS, category, operator) and staff by profession."""

from proxisante.offer.bpe2017 import BPE2017_COLUMNS, load_bpe2017_gp_counts
from proxisante.offer.registry import (
    CATEGORIES,
    PROFESSIONS,
    SITE_COLUMNS,
    STAFF_COLUMNS,
    Offer,
    load_default_offer,
    site_supply,
)

__all__ = [
    "BPE2017_COLUMNS",
    "CATEGORIES",
    "PROFESSIONS",
    "SITE_COLUMNS",
    "STAFF_COLUMNS",
    "Offer",
    "load_bpe2017_gp_counts",
    "load_default_offer",
    "site_supply",
]
