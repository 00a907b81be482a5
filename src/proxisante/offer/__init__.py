"""Health offer: sites (FINESS, category, operator) and staff by profession.

The bundled default offer (:func:`load_default_offer`), overlaid with what the user imported
or edited in the store (:func:`load_offer`, :func:`import_file`, :func:`edit_site`); GP supply
per site (:func:`site_supply`); SSIAD places per 1,000 inhabitants aged 75+
(:func:`ssiad_coverage`).
"""

from proxisante.offer.bpe2017 import BPE2017_COLUMNS, load_bpe2017_gp_counts
from proxisante.offer.edits import edit_site, parse_fte_change, stored_edits
from proxisante.offer.importing import (
    KINDS,
    ImportReport,
    import_file,
    load_offer,
    load_population_by_age,
    stored_imports,
)
from proxisante.offer.model import CENTRE_GP_FTE_PER_PERSON, CONSULTATIONS_PER_FTE
from proxisante.offer.registry import (
    CATEGORIES,
    PROFESSIONS,
    SITE_COLUMNS,
    STAFF_COLUMNS,
    Offer,
    fte_per_person,
    load_default_offer,
    operator_label,
    site_supply,
    staff_fte,
)
from proxisante.offer.rules import check_places, check_site_open, fte_after_change
from proxisante.offer.ssiad import SsiadCoverage, ssiad_coverage

__all__ = [
    "BPE2017_COLUMNS",
    "CATEGORIES",
    "CENTRE_GP_FTE_PER_PERSON",
    "CONSULTATIONS_PER_FTE",
    "KINDS",
    "PROFESSIONS",
    "SITE_COLUMNS",
    "STAFF_COLUMNS",
    "ImportReport",
    "Offer",
    "SsiadCoverage",
    "check_places",
    "check_site_open",
    "edit_site",
    "fte_after_change",
    "fte_per_person",
    "import_file",
    "load_bpe2017_gp_counts",
    "load_default_offer",
    "load_offer",
    "load_population_by_age",
    "operator_label",
    "parse_fte_change",
    "site_supply",
    "ssiad_coverage",
    "staff_fte",
    "stored_edits",
    "stored_imports",
]
