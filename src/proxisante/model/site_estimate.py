"""Estimated GP supply of a site whose staff is unknown, from the calibrated model.

A centre de santé whose GP staff no public source states still holds GPs: reading its
closure as "no effect" would be a silent 0. Its consultations are estimated as the median
consultations of the centres de santé whose GP staff is known (the offer's own sites),
capped by the supply the calibrated model holds in its commune (a site cannot hold more
than its commune); the range is the 25th–75th percentile of the known centres, capped by
the lowest and highest supply of that commune across the ensemble members. Every figure
derived from it is labelled « estimé ».
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proxisante.access import EvaluationBaseline

__all__ = ["SiteEstimate", "estimate_site_consultations"]

#: Categories of sites whose GPs count in the APL (salaried GPs of centres de santé;
#: hospital outpatient GPs are not counted by DREES).
GP_CATEGORIES: tuple[str, ...] = ("centre_de_sante",)


@dataclass(frozen=True)
class SiteEstimate:
    """Estimated consultations per year of a site (central, low, high) and how."""

    consultations: float
    low: float
    high: float
    method: str


def estimate_site_consultations(
    baseline: EvaluationBaseline, commune_index: int, known_consultations
) -> SiteEstimate | None:
    """Estimate a site's GP consultations per year (None without a calibrated baseline).

    Parameters
    ----------
    baseline
        A calibrated evaluation baseline (:func:`proxisante.model.calibrated_baseline`).
    commune_index
        Column of the site's commune in ``baseline``.
    known_consultations
        Consultations per year of the centres de santé whose GP staff is known.
    """
    if baseline.supply is None:
        return None
    known = np.asarray(known_consultations, dtype=float)
    known = known[np.isfinite(known) & (known > 0)]
    if known.size == 0:
        return None
    held = float(baseline.supply[commune_index])
    members = [float(m.supply[commune_index]) for m in baseline.members] or [held]
    q25, q50, q75 = np.percentile(known, [25, 50, 75])
    central = min(q50, held)
    low = min(q25, min(members), central)
    high = max(min(q75, max(members)), central)
    method = (
        f"estimé : médiane des {known.size} centres de santé au personnel connu "
        f"({_fr(q50)} consultations/an), plafonnée par l'offre calibrée de la commune "
        f"({_fr(held)}) ; fourchette {_fr(low)}–{_fr(high)}"
    )
    return SiteEstimate(consultations=central, low=low, high=high, method=method)


def _fr(x: float) -> str:
    """A whole number with a French thousands separator (narrow no-break space)."""
    return f"{x:,.0f}".replace(",", "\u202f")
