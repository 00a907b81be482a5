"""The plan against the world without a COG, year by year, and where each site's hires go.

:func:`versus_no_cog` gives one French row per plan year: inhabitants under the threshold
by the **zoning APL** (GPs under 65, the official rule of
:mod:`proxisante.territory.zoning`, projected by :mod:`proxisante.plan.baseline`) without a
COG — with its range — and with the plan; the same by the projected access of every GP;
FTE added, net cost of the year and cumulated; cost per inhabitant lifted above the
threshold; and the official anchors (the DREES APL of the APL year, all GPs and GPs under
65). Every projected figure is « estimé ».

:func:`served_communes` lists, for each site that hires or opens, the communes its hires
reach (the DREES 20-minute catchment of the evaluation world): inhabitants, access without
the plan and with it in the last year, the site's own gain, zoning class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante import _fr
from proxisante._fr import commune_place
from proxisante.plan.assumptions import SHORT_FR
from proxisante.plan.costs import site_year_costs
from proxisante.plan.instance import PlanInstance
from proxisante.plan.optimise import PlanSolution, access_after, activity
from proxisante.territory.zoning import ZONING_LABELS_FR, zoning_classes

__all__ = ["VERSUS_COLUMNS", "served_communes", "under_threshold", "versus_no_cog"]

#: French columns of :func:`versus_no_cog` (GPs; the range columns hold « bas – haut »).
VERSUS_COLUMNS = (
    "année",
    "habitants sous 2,5 (APL zonage) sans COG (estimé)",
    "fourchette sans COG (APL zonage)",
    "habitants sous 2,5 (APL zonage) avec le plan (estimé)",
    "habitants sous 2,5 (accès projeté) sans COG (estimé)",
    "fourchette sans COG (accès projeté)",
    "habitants sous 2,5 (accès projeté) avec le plan (estimé)",
    "habitants sortis au-dessus de 2,5 par le plan (APL zonage)",
    "ETP ajoutés par le plan (cumul)",
    "coût net de l'année (€)",
    "coût net cumulé (€)",
    "coût net cumulé par habitant sorti au-dessus de 2,5 (€)",
    "ancrage officiel : habitants sous 2,5, APL des moins de 65 ans",
    "ancrage officiel : habitants sous 2,5, APL de tous les médecins",
)


def under_threshold(population: np.ndarray, access: np.ndarray, threshold: float) -> float:
    """Inhabitants of the communes whose access is below ``threshold``."""
    return float(population[np.asarray(access) < threshold].sum())


def _range(pop, lo, hi, th) -> str:
    a, b = under_threshold(pop, hi, th), under_threshold(pop, lo, th)
    return f"{_fr.fmt_int(min(a, b))} – {_fr.fmt_int(max(a, b))}"


def versus_no_cog(inst: PlanInstance, sol: PlanSolution) -> pd.DataFrame:
    """One row per plan year, columns :data:`VERSUS_COLUMNS` (GP block; empty without GPs).

    The plan's gain adds to both projections as it adds to the access (the marginal effect
    of a hire, :mod:`proxisante.plan.optimise`); « habitants sortis » counts the inhabitants
    under the threshold without a COG and above it with the plan, by the zoning APL.
    """
    if "gp" not in inst.professions:
        return pd.DataFrame(columns=list(VERSUS_COLUMNS))
    i = inst.professions.index("gp")
    b = inst.blocks[i]
    th, pop = b.threshold, inst.population
    money = site_year_costs(inst, sol.fte, sol.open)
    net = money.groupby("year")["net_eur"].sum().reindex(inst.years, fill_value=0.0)
    act = activity(inst, sol.fte)
    zb = b.zoning_baseline if b.zoning_baseline is not None else b.baseline
    z_lo, z_hi = b.zoning_range or (zb, zb)
    a_lo, a_hi = b.baseline_range or (b.baseline, b.baseline)
    rows = []
    for t, year in enumerate(inst.years):
        gain = b.effect_per_fte @ act[i, :, t]
        zt = zb[:, t]
        lifted = pop[(zt < th) & (zt + gain >= th)].sum()
        cumulated = float(net.iloc[: t + 1].sum())
        rows.append(dict(zip(VERSUS_COLUMNS, [
            year,
            under_threshold(pop, zt, th),
            _range(pop, z_lo[:, t], z_hi[:, t], th),
            under_threshold(pop, zt + gain, th),
            under_threshold(pop, b.baseline[:, t], th),
            _range(pop, a_lo[:, t], a_hi[:, t], th),
            under_threshold(pop, b.baseline[:, t] + gain, th),
            float(lifted),
            float(sol.fte[i, :, t].sum()),
            float(net.iloc[t]),
            cumulated,
            cumulated / lifted if lifted > 0 else np.nan,
            under_threshold(pop, b.anchor if b.anchor is not None else b.today, th),
            under_threshold(pop, b.today, th),
        ], strict=True)))  # fmt: skip
    return pd.DataFrame(rows, columns=list(VERSUS_COLUMNS))


def served_communes(inst: PlanInstance, sol: PlanSolution, *, min_gain: float = 0.01):
    """Per site that hires or opens, the communes its hires reach (last plan year).

    Returns
    -------
    pandas.DataFrame
        French columns: ``site``, ``code site``, ``commune desservie``, ``code commune``,
        ``habitants``, per profession ``gain … (site)`` and ``… sans COG`` / ``… avec le
        plan`` (last year), ``zonage (APL des moins de 65 ans, officielle)``; sorted by
        site and gain, communes with a gain below ``min_gain`` (measure units) left out.
    """
    act = activity(inst, sol.fte)[:, :, -1]
    after = access_after(inst, sol.fte, -1)
    cand = inst.candidates
    frames = []
    for k in np.flatnonzero(act.sum(axis=0) > 0):
        site = (
            cand["site_name"].iloc[k] or f"nouveau centre {commune_place(cand['name'].iloc[k]).at}"
        )
        gains = [b.effect_per_fte[:, [k]].toarray().ravel() * act[i, k]
                 for i, b in enumerate(inst.blocks)]  # fmt: skip
        reach = np.flatnonzero(np.max(gains, axis=0) >= min_gain)
        if not len(reach):
            continue
        f = pd.DataFrame({
            "site": site, "code site": cand["commune"].iloc[k],
            "commune desservie": inst.names[reach] if inst.names is not None else "",
            "code commune": inst.codes[reach], "habitants": inst.population[reach],
        })  # fmt: skip
        for i, b in enumerate(inst.blocks):
            short = SHORT_FR[b.profession]
            f[f"gain {short} (site)"] = gains[i][reach]
            f[f"{short} {inst.years[-1]} sans COG"] = b.baseline[reach, -1]
            f[f"{short} {inst.years[-1]} avec le plan"] = after[i][reach]
            if b.anchor is not None:
                f["zonage (APL des moins de 65 ans, officielle)"] = [
                    ZONING_LABELS_FR[c] for c in zoning_classes(b.anchor[reach])]  # fmt: skip
        frames.append(f.sort_values(f.columns[5], ascending=False))
    if not frames:
        return pd.DataFrame(columns=["site", "code site", "commune desservie", "code commune",
                                     "habitants"])  # fmt: skip
    return pd.concat(frames, ignore_index=True)
