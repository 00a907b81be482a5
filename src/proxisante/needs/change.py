"""Home-care and prevention indicators of a territory before and after a change of the offer
(a scenario's closures, openings, nurse FTE, SSIAD places, operator changes).

- Nurses within reach per 1,000 inhabitants aged 75+: the supply after is the supply before
  plus the scenario's nurse FTE changes in their communes (1 FTE counted as 1 nurse, the
  convention of :func:`proxisante.offer.site_supply`), re-evaluated by the same floating
  catchment (:func:`proxisante.needs.home_care.elderly_access`).
- SSIAD places within reach per 1,000 aged 75+ (same measure), from the sites' places before
  and after; and the DREES territory rate (places in the territory ÷ its 75+,
  :func:`proxisante.offer.ssiad_coverage`) on the same population by age.
- Prevention: the territory's target populations within reach of an open health centre.

Territory values are means over its communes weighted by their inhabitants aged 75+.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante.needs.api import NeedsData, prevention_change
from proxisante.needs.home_care import elderly_access, ssiad_places_supply

__all__ = ["HomeCareChange", "home_care_change"]


@dataclass(frozen=True)
class HomeCareChange:
    """Home-care and prevention indicators of a territory, before and after.

    ``*_per_1000`` values are per 1,000 inhabitants aged 75+; the SSIAD value before is NaN
    with ``ssiad_missing`` saying why when the offer holds no known SSIAD capacity, and the
    value after then counts only the places the change adds (``ssiad_after_note``);
    ``prevention`` has one row per target
    (``before``, ``after``, ``change``, ``lost``, ``gained``, inhabitants of the territory);
    ``ssiad_rate`` is the DREES territory rate before and after
    (:class:`~proxisante.offer.SsiadCoverage`).
    """

    pop_75_plus: float
    nurses_before: float
    nurses_after: float
    nurse_fte_change: float
    ssiad_before: float
    ssiad_after: float
    ssiad_missing: str
    ssiad_after_note: str
    ssiad_rate: tuple
    prevention: pd.DataFrame
    estimated_ages: bool

    def summary(self) -> dict[str, float]:
        """Flat figures for tables (English keys)."""
        out = {
            "pop_75_plus": self.pop_75_plus,
            "nurses_per_1000_75_before": self.nurses_before,
            "nurses_per_1000_75_after": self.nurses_after,
            "nurse_fte_change": self.nurse_fte_change,
            "ssiad_within_reach_per_1000_75_before": self.ssiad_before,
            "ssiad_within_reach_per_1000_75_after": self.ssiad_after,
            "ssiad_territory_per_1000_75_before": self.ssiad_rate[0].per_1000,
            "ssiad_territory_per_1000_75_after": self.ssiad_rate[1].per_1000,
        }
        for key, row in self.prevention.iterrows():
            out[f"{key}_within_reach_before"] = float(row["before"])
            out[f"{key}_within_reach_after"] = float(row["after"])
        return out


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    total = float(weights[ok].sum())
    return float((values[ok] * weights[ok]).sum() / total) if total > 0 else float("nan")


def home_care_change(
    data: NeedsData,
    codes,
    *,
    sites_before: pd.DataFrame,
    sites_after: pd.DataFrame,
    nurse_fte_change: pd.Series | None = None,
    population_factor: pd.Series | None = None,
) -> HomeCareChange:
    """Home-care and prevention indicators of the communes ``codes`` before and after.

    Parameters
    ----------
    data
        :func:`proxisante.needs.load_needs` (its home care is the "before").
    codes
        INSEE codes of the territory.
    sites_before, sites_after
        The offer's sites before and after the change.
    nurse_fte_change
        Net nurse FTE change per commune (index INSEE code).
    population_factor
        Factor per commune applied to the population after (a scenario's population edit).
    """
    from proxisante.offer import ssiad_coverage

    codes = pd.Index(np.asarray(list(codes), dtype=str)).unique()
    hc = data.home_care
    tm = hc.travel
    old = data.pop_75_plus
    old_after = old if population_factor is None else old * population_factor.reindex(
        old.index
    ).fillna(1.0)  # fmt: skip
    w_before = old.reindex(codes).fillna(0.0)
    w_after = old_after.reindex(codes).fillna(0.0)
    delta = pd.Series(dtype=float) if nurse_fte_change is None else nurse_fte_change
    supply = data.nurses["nurses"].fillna(0.0)
    supply_after = supply.add(delta, fill_value=0.0).clip(lower=0.0)
    nurses_before = _weighted(hc.table["nurses_per_1000_75"].reindex(codes), w_before)
    if delta.abs().sum() > 0 or population_factor is not None:
        after = elderly_access(tm, supply_after, old_after)
        nurses_after = _weighted(after.reindex(codes), w_after)
    else:
        nurses_after = nurses_before
    places_after, n_after, unknown_after = ssiad_places_supply(sites_after)
    before_known = not hc.ssiad_missing
    after_known = n_after > unknown_after
    ssiad_before = ssiad_after = float("nan")
    if before_known:
        places_before, _, _ = ssiad_places_supply(sites_before)
        ssiad_before = _weighted(elderly_access(tm, places_before, old).reindex(codes), w_before)
    if before_known or after_known:
        after_access = elderly_access(tm, places_after, old_after)
        ssiad_after = _weighted(after_access.reindex(codes), w_after)
    missing = "" if before_known else hc.ssiad_missing
    after_note = (
        "places connues après le scénario seulement (celles qu'il ajoute) : minimum"
        if after_known and not before_known
        else ""
    )
    bands = data.ages.bands
    rate = (
        ssiad_coverage(sites_before, bands, codes),
        ssiad_coverage(sites_after, bands, codes, population_factor=population_factor),
    )
    prev = prevention_change(data, sites_before, sites_after, codes=codes)
    estimated = bool((data.ages.basis.reindex(codes) != "insee_pop1b").any())
    return HomeCareChange(
        float(w_before.sum()), nurses_before, nurses_after, float(delta.sum()), ssiad_before,
        ssiad_after, missing, after_note, rate, prev, estimated,
    )  # fmt: skip
