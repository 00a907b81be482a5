"""Estimated GP supply of a site whose staff is unknown, from the calibrated model.

A centre de santé whose GP staff no public source states still holds GPs: reading its
closure as "no effect" would be a silent 0. Its consultations are estimated as the median
consultations of the centres de santé whose GP staff is known (the offer's own sites),
capped by the supply the calibrated model holds *where it can have placed the site's GPs*:
its commune and the communes within :data:`POOL_MINUTES` of it (the first band of the
DREES step, full weight).

Why a pool and not the commune alone: the APL sees supply only through 20-minute
catchments, and communes a few minutes apart have almost the same catchment, so the fit
(:mod:`proxisante.model.fit`, a weak prior against the APL residuals) is free to place
their supply in any of them. In the bundled 2023 model the Decazeville basin is such a
case: the 12 libéral GPs that INSEE BPE 2017 counted in Decazeville sit in Firmi and
Almont-les-Junies (a few minutes away), and Decazeville itself holds 0. Capping at the
commune alone would make the Filieris centre of Decazeville a silent 0.

A removal at such a site (:meth:`SiteEstimate.removal`) is taken first from the site's
commune, up to what the model holds there, and the rest from the pool's other communes in
proportion to what each holds, in every world of the ensemble with that world's own supply
(so no removal ever exceeds what a world holds: the APL after stays ≥ 0). The range is the
25th–75th percentile of the known centres, capped by the lowest and highest supply of the
pool across the ensemble members. Every figure derived from it is labelled « estimé ».
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from proxisante import _fr as fr
from proxisante.access import EvaluationBaseline

__all__ = [
    "GP_CATEGORIES",
    "POOL_MINUTES",
    "SiteEstimate",
    "estimate_site_consultations",
    "known_centre_consultations",
    "unknown_staff_estimates",
]

#: Categories of sites whose GPs count in the APL (salaried GPs of centres de santé;
#: hospital outpatient GPs are not counted by DREES).
GP_CATEGORIES: tuple[str, ...] = ("centre_de_sante",)
#: Communes within this travel time of a site (the DREES step's full-weight band, < 10
#: minutes) form the pool where the calibrated model may hold the site's GPs.
POOL_MINUTES = 10.0
_FULL_WEIGHT = 1.0 - 1e-9


@dataclass(frozen=True)
class SiteEstimate:
    """Estimated consultations per year of a site (central, low, high), where and how.

    Attributes
    ----------
    consultations, low, high
        Central estimate and range (consultations per year, « estimé »).
    method
        French sentence: the estimate, its cap and its range.
    pool
        Baseline columns where the model may hold the site's supply: the site's commune
        first, then the communes within :data:`POOL_MINUTES`.
    """

    consultations: float
    low: float
    high: float
    method: str
    pool: np.ndarray

    def removal(self, supply, consultations: float | None = None):
        """``(columns, delta_consultations)`` removing ``consultations`` (default: the central
        estimate) from a world holding ``supply`` (consultations per commune).

        Taken from the site's commune first, up to what it holds, then from the pool's other
        communes in proportion to what each holds; never more than the pool holds.

        >>> est = SiteEstimate(9.0, 9.0, 9.0, "", np.array([0, 1, 2]))
        >>> cols, delta = est.removal(np.array([2.0, 3.0, 9.0, 100.0]))
        >>> cols.tolist(), delta.tolist()
        ([0, 1, 2], [-2.0, -1.75, -5.25])
        """
        amount = self.consultations if consultations is None else float(consultations)
        held = np.asarray(supply, dtype=float)[self.pool]
        take = np.zeros(len(self.pool))
        take[0] = min(max(amount, 0.0), held[0])
        rest = max(amount, 0.0) - take[0]
        others = held[1:].sum()
        if rest > 0 and others > 0:
            take[1:] = held[1:] * min(rest / others, 1.0)
        keep = take > 0
        return self.pool[keep], -take[keep]


def pool_columns(baseline: EvaluationBaseline, commune_index: int) -> np.ndarray:
    """The site's commune, then the communes within :data:`POOL_MINUTES` of it (full DREES
    weight in the baseline's catchment; travel times are symmetric)."""
    col = baseline.catchment.weights_csc[:, [commune_index]].tocoo()
    near = col.row[col.data >= _FULL_WEIGHT]
    near = near[near != commune_index]
    return np.concatenate([[commune_index], np.sort(near)]).astype(np.int64)


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
    pool = pool_columns(baseline, commune_index)
    own = float(baseline.supply[commune_index])
    held = float(baseline.supply[pool].sum())
    members = [float(m.supply[pool].sum()) for m in baseline.members] or [held]
    q25, q50, q75 = np.percentile(known, [25, 50, 75])
    central = min(q50, held)
    low = min(q25, min(members), central)
    high = max(min(q75, max(members)), central)
    where = f"plafonnée par l'offre calibrée de la commune ({fr.fmt_int(own)})"
    if central > own:
        where = (
            f"plafonnée par l'offre calibrée de la commune et des {len(pool) - 1} communes à "
            f"moins de {POOL_MINUTES:g} minutes ({fr.fmt_int(held)}, dont {fr.fmt_int(own)} "
            "dans la commune : le modèle, ajusté sur l'APL, ne distingue pas des communes si "
            "proches et y a placé l'offre de la commune)"
        )
    method = (
        f"estimé : médiane des {known.size} centres de santé au personnel connu "
        f"({fr.fmt_int(q50)} consultations/an), {where} ; fourchette "
        f"{fr.fmt_int(low)}–{fr.fmt_int(high)}"
    )
    return SiteEstimate(consultations=central, low=low, high=high, method=method, pool=pool)


def known_centre_consultations(offer, supply=None) -> np.ndarray:
    """Yearly GP consultations of the offer's centres de santé whose GP staff is known (the
    sample behind every estimate); ``supply``: :func:`proxisante.offer.site_supply` of
    ``offer`` when already computed."""
    from proxisante.offer import site_supply

    supply = site_supply(offer, profession="gp") if supply is None else supply
    centres = offer.sites.loc[offer.sites["category"].isin(GP_CATEGORIES), ["site_id"]]
    return centres.merge(supply, on="site_id")["consultations"].to_numpy(dtype=float)


def unknown_staff_estimates(offer, baseline: EvaluationBaseline, sites) -> dict:
    """``{site_id: SiteEstimate}`` for the centres de santé among ``sites`` (rows of
    ``offer.sites``) whose GP staff is unknown; empty without a calibrated baseline."""
    from proxisante.offer import site_supply

    if not baseline.calibrated:
        return {}
    supply = site_supply(offer, profession="gp")
    unknown = sites[
        sites["category"].isin(GP_CATEGORIES) & ~sites["site_id"].isin(supply["site_id"])
    ]
    if unknown.empty:
        return {}
    known = known_centre_consultations(offer, supply)
    out = {}
    for site_id, j in zip(unknown["site_id"], baseline.index_of(unknown["commune"]), strict=True):
        est = estimate_site_consultations(baseline, int(j), known)
        if est is not None:
            out[str(site_id)] = est
    return out
