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

Territory values are means over its communes weighted by their inhabitants aged 75+; the
same figures per commune, with the under-served flags (« hypothèse » thresholds of
:class:`~proxisante.needs.HomeCareAccess`), are in :attr:`HomeCareChange.communes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante import _fr as fr
from proxisante.needs.api import NeedsData, _prevention
from proxisante.needs.home_care import (
    DEFAULT_CUTOFF_MINUTES,
    PLACE_MEASURES,
    elderly_access,
    medico_social_sites,
    places_access,
    under_served,
)
from proxisante.offer import ssiad_coverage
from proxisante.offer.ssiad import places_by_commune

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
    (:class:`~proxisante.offer.SsiadCoverage`). ``communes`` has one row per commune
    (index INSEE code): ``pop_75_plus`` (before), ``nurses_before``/``nurses_after`` and
    ``ssiad_before``/``ssiad_after`` (per 1,000 aged 75+), the under-served flags
    ``nurse_under_before``/``_after`` and ``ssiad_under_before``/``_after`` (below
    ``nurse_threshold`` / ``ssiad_threshold``, « hypothèse »; NA where the value is) and
    ``centre_before``/``centre_after`` (an open health centre within the cut-off).
    ``medico_social`` has one row per category of SSIAD, SAAD and EHPAD
    (:data:`~proxisante.needs.home_care.MEDICO_SOCIAL`) of the territory: ``label``, and
    ``sites``, ``places`` (known) and ``unknown_capacity`` suffixed ``_before``/``_after``.
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
    communes: pd.DataFrame = field(default_factory=pd.DataFrame)
    nurse_threshold: float = float("nan")
    ssiad_threshold: float = float("nan")
    cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES
    medico_social: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: EHPAD places within reach per 1,000 aged 75+, before and after (NaN: places unknown)
    ehpad_before: float = float("nan")
    ehpad_after: float = float("nan")
    #: French words beside a SSIAD / EHPAD value: « minimum … » or « places inconnues … »
    ssiad_note: str = ""
    ehpad_note: str = ""

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
            "ehpad_within_reach_per_1000_75_before": self.ehpad_before,
            "ehpad_within_reach_per_1000_75_after": self.ehpad_after,
        }
        for key, row in self.prevention.iterrows():
            out[f"{key}_within_reach_before"] = float(row["before"])
            out[f"{key}_within_reach_after"] = float(row["after"])
        return out


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna() & (weights > 0)
    total = float(weights[ok].sum())
    return float((values[ok] * weights[ok]).sum() / total) if total > 0 else float("nan")


def _weighted_known(values: pd.Series, weights: pd.Series) -> float:
    """Weighted mean, NaN as soon as a commune with weight has no value (places unknown
    there: a mean of the others would pass for the territory's)."""
    if bool((values.isna() & (weights > 0)).any()):
        return float("nan")
    return _weighted(values, weights)


def places_note_fr(unknown_in_reach: pd.Series, weights: pd.Series, value: float,
                   unit_fr: str) -> str:  # fmt: skip
    """What to say beside a territory's places within reach when some places are unknown:
    « places inconnues » with the count, or « minimum » (empty when all are known)."""
    n = int(unknown_in_reach.max()) if len(unknown_in_reach) else 0
    if n == 0:
        return ""
    share = float(weights[unknown_in_reach > 0].sum()) / max(float(weights.sum()), 1e-9)
    where = f"pour {fr.fmt_int(round(100 * share))} % des 75 ans ou plus du territoire"
    if value != value:  # NaN
        return (f"places inconnues : jusqu'à {fr.fmt_int(n)} {unit_fr} à portée dont seul le "
                f"nombre est connu (INSEE BPE 2021) {where}")  # fmt: skip
    return (f"minimum : jusqu'à {fr.fmt_int(n)} {unit_fr} aux places inconnues (INSEE BPE "
            f"2021) à portée {where}")  # fmt: skip


def _under(values: pd.Series, threshold: float) -> pd.Series:
    """Under ``threshold`` (unknown where the value is)."""
    return (values < threshold).astype("boolean").where(values.notna())


def _commune_table(hc, codes: pd.Index, w_before: pd.Series, nurses_b: pd.Series,
                   nurses_a: pd.Series, places: dict, coverage: dict) -> pd.DataFrame:  # fmt: skip
    """One row per commune of the territory: the measures before and after, flags."""
    (sb, sa), (eb, ea) = places["ssiad"], places["ehpad"]
    return pd.DataFrame({
        "pop_75_plus": w_before, "nurses_before": nurses_b, "nurses_after": nurses_a,
        "nurse_under_before": _under(nurses_b, hc.nurse_threshold),
        "nurse_under_after": _under(nurses_a, hc.nurse_threshold),
        "ssiad_before": sb["per_1000"], "ssiad_after": sa["per_1000"],
        "ssiad_unknown_before": sb["unknown_in_reach"],
        "ssiad_unknown_after": sa["unknown_in_reach"],
        "ssiad_under_before": under_served(sb["per_1000"], sb["unknown_in_reach"],
                                           hc.ssiad_threshold),
        "ssiad_under_after": under_served(sa["per_1000"], sa["unknown_in_reach"],
                                          hc.ssiad_threshold),
        "ehpad_before": eb["per_1000"], "ehpad_after": ea["per_1000"],
        "centre_before": coverage["before"].reindex(codes, fill_value=False),
        "centre_after": coverage["after"].reindex(codes, fill_value=False),
    }).rename_axis("code_insee")  # fmt: skip


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
    nurses_b = hc.table["nurses_per_1000_75"].reindex(codes)
    nurses_a = nurses_b
    if delta.abs().sum() > 0 or population_factor is not None:
        nurses_a = elderly_access(tm, supply_after, old_after).reindex(codes)
    places = {key: _places_before_after(hc, key, codes, sites_before, sites_after, old_after,
                                        changed_population=population_factor is not None)
              for key in PLACE_MEASURES}  # fmt: skip
    bands = data.ages.bands
    rate = (
        ssiad_coverage(sites_before, bands, codes),
        ssiad_coverage(sites_after, bands, codes, population_factor=population_factor),
    )
    prev, coverage = _prevention(data, sites_before, sites_after, hc.cutoff_minutes, codes)
    estimated = bool((data.ages.basis.reindex(codes) != "insee_pop1b").any())

    communes = _commune_table(hc, codes, w_before, nurses_b, nurses_a, places, coverage)
    values = {k: (_weighted_known(b["per_1000"], w_before), _weighted_known(a["per_1000"], w_after))
              for k, (b, a) in places.items()}  # fmt: skip
    notes = {k: places_note_fr(places[k][0]["unknown_in_reach"], w_before, values[k][0],
                               PLACE_MEASURES[k].unit_fr) for k in places}  # fmt: skip
    return HomeCareChange(
        float(w_before.sum()), _weighted(nurses_b, w_before), _weighted(nurses_a, w_after),
        float(delta.sum()), *values["ssiad"], hc.ssiad_missing, "", rate, prev, estimated,
        communes, hc.nurse_threshold, hc.ssiad_threshold, hc.cutoff_minutes,
        _medico_social(sites_before, sites_after, codes), *values["ehpad"], notes["ssiad"],
        notes["ehpad"],
    )  # fmt: skip


def _places_before_after(
    hc, key: str, codes, sites_before, sites_after, old_after, *, changed_population: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Places of measure ``key`` within reach (``per_1000``, ``unknown_in_reach``) of the
    communes ``codes`` before and after the change of the sites."""
    m = PLACE_MEASURES[key]
    b = hc.table[[f"{key}_per_1000_75", f"{key}_unknown_in_reach"]].reindex(codes)
    b.columns = ["per_1000", "unknown_in_reach"]
    per_after = places_by_commune(sites_after, m.categories)
    per_before = places_by_commune(sites_before, m.categories)
    if per_after["sites"].sum() == 0:  # none left: 0, unless there was none before either
        return b, b.assign(per_1000=0.0 if per_before["sites"].sum() else np.nan,
                           unknown_in_reach=0)  # fmt: skip
    if per_after.equals(per_before) and not changed_population:
        return b, b
    return b, places_access(hc.travel, per_after, old_after).reindex(codes)


def _medico_social(sites_before: pd.DataFrame, sites_after: pd.DataFrame, codes) -> pd.DataFrame:
    """SSIAD, SAAD and EHPAD of the territory before and after (sites, known places, unknown
    capacities)."""
    before = medico_social_sites(sites_before, codes).set_index("category")
    after = medico_social_sites(sites_after, codes).set_index("category")
    cols = ["sites", "places", "unknown_capacity"]
    return (
        before[["label"]]
        .join(before[cols].add_suffix("_before"))
        .join(after[cols].add_suffix("_after"))
    )
