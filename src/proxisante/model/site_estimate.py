"""Estimated GP supply of a site whose staff is unknown: a stated distribution.

A centre de santé whose GP staff no public source states still holds GPs: reading its
closure as "no effect" would be a silent 0. Its consultations are a stated distribution,
« estimé »: the consultations of the centres de santé whose GP staff is known (the offer's
own sites). The central value is their median, the range their 25th–75th percentiles, and
each member of the model's ensemble draws its own quantile of the same sample (member
``k`` of ``n``: the ``(k + 1) / (n + 1)`` quantile), so that the scenario's P10–P90 carries
the uncertainty of the staff.

The estimate is held at the site's commune, as a published staff is: a closure removes it
there, whatever supply the calibrated model holds in that commune (no spreading to
neighbouring communes), so the same rule applies to every supply change
(:meth:`proxisante.access.EvaluationBaseline.apl_after`).

FINESS category 124 (« centre de santé ») counts dental, nursing and other single-discipline
centres with the polyvalent and medical ones. A centre whose name states such a discipline
(:data:`NON_GP_CENTRE`: « dentaire », « infirmier », « soins infirmiers »…) and no general
medicine (:data:`GP_CENTRE`: « médical », « polyvalent »…) holds no GP and gets no
estimate: its closure changes no GP APL, and the scenario says there is no GP known on the
site. Centres counted by the BPE without a name keep the estimate.

The official APL of the centre's own commune bounds the estimate: removing ``c``
consultations there lowers that commune's APL by ``c / D_j`` (its own travel time is 0,
weight 1: no travel estimate is involved), and DREES counts only ``APL_j``, so the centre
cannot hold more than ``APL_j D_j`` (:func:`own_commune_cap`); a centre in a commune whose
official APL is 0 had no GP counted within 20 minutes. The estimate, its range and each
member's draw are limited to it, and the method says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante import _fr as fr
from proxisante.access import CONSULTATIONS_PER_FTE, EvaluationBaseline
from proxisante.offer import site_supply

__all__ = [
    "GP_CATEGORIES",
    "SiteEstimate",
    "estimate_site_consultations",
    "holds_gps",
    "known_centre_consultations",
    "own_commune_cap",
    "unknown_staff_estimates",
    "unknown_staff_fte",
]

#: Categories of sites whose GPs count in the APL (salaried GPs of centres de santé;
#: hospital outpatient GPs are not counted by DREES).
GP_CATEGORIES: tuple[str, ...] = ("centre_de_sante",)
#: Words of a centre's name stating a discipline without GPs (FINESS category 124 counts
#: every kind of centre de santé): dental, nursing, physiotherapy, eye, hearing, imaging.
NON_GP_CENTRE = re.compile(
    r"dentaire|dentiste|infirmi|kin[ée]sith|ophtalm|orthopt|optique|audition|audioproth|"
    r"radiolog|imagerie",
    re.IGNORECASE,
)
#: Words of a centre's name stating general medicine beside another discipline (« médical
#: et dentaire », « médico-dentaire », « polyvalent »): it keeps its GP estimate.
GP_CENTRE = re.compile(r"m[ée]dic|m[ée]decin|polyvalent|pluri|g[ée]n[ée]ral", re.IGNORECASE)


@dataclass(frozen=True)
class SiteEstimate:
    """Estimated consultations per year of a site (central, low, high) and how.

    Attributes
    ----------
    consultations, low, high
        Median and 25th–75th percentiles of the known centres (consultations per year,
        « estimé »).
    method
        French sentence: the estimate and its range.
    column
        Baseline column of the site's commune (where the estimate is held).
    sample
        The known centres' consultations the estimate is drawn from (sorted).
    """

    consultations: float
    low: float
    high: float
    method: str
    column: int
    sample: np.ndarray
    member_caps: tuple[float, ...] = ()

    def member_consultations(self, member: int | None, n_members: int) -> float:
        """The consultations of the site in ensemble member ``member`` of ``n_members``
        (None: the central world, the median).

        >>> est = SiteEstimate(2.0, 1.5, 2.5, "", 0, np.array([1.0, 2.0, 3.0]))
        >>> [est.member_consultations(k, 3) for k in (None, 0, 1, 2)]
        [2.0, 1.5, 2.0, 2.5]
        """
        if member is None:
            return self.consultations
        draw = float(np.quantile(self.sample, (member + 1) / (n_members + 1)))
        return min(draw, self.member_caps[member]) if self.member_caps else draw

    def removal(self, consultations: float | None = None):
        """``(columns, delta_consultations)`` removing ``consultations`` (default: the central
        estimate) at the site's commune.

        >>> SiteEstimate(9.0, 9.0, 9.0, "", 4, np.array([9.0])).removal()
        ([4], [-9.0])
        """
        amount = self.consultations if consultations is None else float(consultations)
        return [self.column], [-max(amount, 0.0)]


def estimate_site_consultations(
    baseline: EvaluationBaseline, commune_index: int, known_consultations
) -> SiteEstimate | None:
    """Estimate a site's GP consultations per year (None without a calibrated baseline or
    without any centre of known staff).

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
    known = np.sort(known[np.isfinite(known) & (known > 0)])
    if known.size == 0:
        return None
    j = int(commune_index)
    q25, q50, q75 = np.percentile(known, [25, 50, 75])
    cap = own_commune_cap(baseline.catchment, baseline.baseline_apl, j)
    method = (
        f"estimé : médiane des {known.size} centres de santé au personnel médical connu "
        f"({fr.fmt_int(q50)} consultations/an), fourchette P25–P75 {fr.fmt_int(q25)}–"
        f"{fr.fmt_int(q75)}"
    )
    if cap < q75:
        method += (
            f", limitée à {fr.fmt_int(cap)} consultations/an par l'APL officielle de sa "
            "commune (la DREES n'y compte pas davantage d'activité de généraliste)"
        )
    member_caps = tuple(own_commune_cap(m.catchment, baseline.baseline_apl, j)
                        for m in baseline.members)  # fmt: skip
    return SiteEstimate(consultations=min(float(q50), cap), low=min(float(q25), cap),
                        high=min(float(q75), cap),
                        method=method + ", retirée dans la commune du centre", column=j,
                        sample=known, member_caps=member_caps)  # fmt: skip


def own_commune_cap(catchment, apl, column: int) -> float:
    """The most consultations a site at ``column`` can hold by the official APL of its own
    commune: ``APL_j D_j / W_jj`` (inf if the commune's own pair is not stored).

    >>> import scipy.sparse as sp
    >>> from proxisante.access import Catchment
    >>> minutes = sp.csr_array(([0.0, 12.0, 12.0, 0.0], ([0, 0, 1, 1], [0, 1, 0, 1])))
    >>> cat = Catchment.build(minutes, [100.0, 100.0])  # D_1 = 100 + 100 × 2/3
    >>> round(own_commune_cap(cat, np.array([3.0, 0.5]), 1), 6)  # 0.5 × 166.7
    83.333333
    """
    w = catchment.weights_csc
    lo, hi = w.indptr[column], w.indptr[column + 1]
    own = np.flatnonzero(w.indices[lo:hi] == column)
    if not len(own) or w.data[lo + own[0]] <= 0:
        return float("inf")
    return float(apl[column] * catchment.site_demand[column] / w.data[lo + own[0]])


def holds_gps(category, name) -> bool:
    """True for a centre de santé whose name states no discipline without GPs
    (:data:`NON_GP_CENTRE`) or also states general medicine (:data:`GP_CENTRE`): one whose
    GPs an estimate may stand for.

    >>> holds_gps("centre_de_sante", "CENTRE DE SANTE POLYVALENT FILIERIS DE LA GRAND COMBE")
    True
    >>> holds_gps("centre_de_sante", "CENTRE DE SANTE DENTAIRE LA GRAND COMBE VYV")
    False
    >>> holds_gps("centre_de_sante", "CENTRE DE SOINS INFIRMIERS FILIERIS DE GRAISSESSAC")
    False
    >>> holds_gps("centre_de_sante", "CENTRE DE SANTE OXANCE MEDICAL ET DENTAIRE ALES")
    True
    >>> holds_gps("ehpad", "EHPAD LES CIGALES")
    False
    """
    text = str(name or "")
    return category in GP_CATEGORIES and (bool(GP_CENTRE.search(text))
                                          or not NON_GP_CENTRE.search(text))  # fmt: skip


def known_centre_consultations(offer, supply=None) -> np.ndarray:
    """Yearly GP consultations of the offer's centres de santé whose GP staff is known (the
    sample behind every estimate); ``supply``: :func:`proxisante.offer.site_supply` of
    ``offer`` when already computed."""
    supply = site_supply(offer, profession="gp") if supply is None else supply
    centres = offer.sites.loc[offer.sites["category"].isin(GP_CATEGORIES), ["site_id"]]
    return centres.merge(supply, on="site_id")["consultations"].to_numpy(dtype=float)


def unknown_staff_estimates(offer, baseline: EvaluationBaseline, sites) -> dict:
    """``{site_id: SiteEstimate}`` for the centres de santé among ``sites`` (rows of
    ``offer.sites``) whose GP staff is unknown; empty without a calibrated baseline."""
    if not baseline.calibrated:
        return {}
    supply = site_supply(offer, profession="gp")
    gp = np.array([holds_gps(c, n) for c, n in zip(sites["category"], sites["name"],
                                                    strict=True)], dtype=bool)  # fmt: skip
    unknown = sites[gp & ~sites["site_id"].isin(supply["site_id"]).to_numpy()]
    if unknown.empty:
        return {}
    known = known_centre_consultations(offer, supply)
    out = {}
    for site_id, j in zip(unknown["site_id"], baseline.index_of(unknown["commune"]), strict=True):
        est = estimate_site_consultations(baseline, int(j), known)
        if est is not None:
            out[str(site_id)] = est
    return out


def unknown_staff_fte(offer, baseline: EvaluationBaseline, sites) -> pd.DataFrame:
    """:func:`unknown_staff_estimates` as GP FTE (central, P10, P90; « estimé »), consultations
    converted at the DREES 5,400 per FTE, one decimal: one row per estimated site,
    ``site_id, gp_fte_estimated, gp_fte_low, gp_fte_high`` (the figure the reports, the web
    editor and the criticality ranking show for a centre whose staff no source states)."""
    found = unknown_staff_estimates(offer, baseline, sites)
    rows = [(k, e.consultations, e.low, e.high) for k, e in found.items()]
    out = pd.DataFrame(rows, columns=["site_id", "gp_fte_estimated", "gp_fte_low", "gp_fte_high"])
    cols = out.columns[1:]
    out[cols] = (out[cols].astype(float) / CONSULTATIONS_PER_FTE).round(1)
    return out
