"""Health offer: sites (FINESS, category, operator) and staff by profession."""

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
    "CATEGORIES",
    "PROFESSIONS",
    "SITE_COLUMNS",
    "STAFF_COLUMNS",
    "Offer",
    "load_default_offer",
    "site_supply",
]
