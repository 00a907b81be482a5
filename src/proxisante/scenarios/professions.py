"""A scenario's effect on the access to nurses, physiotherapists, midwives and dentists.

The baseline of each profession is its estimated APL (:mod:`proxisante.access.professions`:
INSEE BPE 2021 libéral headcount plus the offer's salaried staff, the DREES method of the
profession, « estimé ») on the scenario engine's catchment; a scenario's FTE changes of that
profession (sites closed or opened, staff changed, retirements, departures from a commune)
change it by the exact marginal effect ``scale × Σ_j f(t_ij) ΔS_j / D_j``, which conserves
``Σ_i ΔAPL_i P_i = scale × Σ_j ΔS_j`` for every change whose catchment holds demand. With a
population edit the profession's demand follows (full recompute), as for GPs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante.access import EvaluationBaseline, ProfessionAccess, baseline_professions
from proxisante.offer import Offer
from proxisante.professions import Profession

__all__ = ["ProfessionImpact", "profession_impacts"]


@dataclass(frozen=True)
class ProfessionImpact:
    """One profession's access before and after a scenario, over the baseline's communes.

    ``before``/``after``: APL in the profession's unit (× its scale); ``demand``: the
    profession's demand before (weights of the means); ``fte_change``: the scenario's net FTE
    change of the profession (communes of the baseline); ``status``: « estimé ».
    """

    profession: Profession
    before: np.ndarray
    after: np.ndarray
    demand: np.ndarray
    fte_change: float
    status: str

    @property
    def changed(self) -> bool:
        return self.after is not self.before

    def means(self, rows: np.ndarray | None = None) -> tuple[float, float]:
        """Demand-weighted mean before and after over ``rows`` (None: every commune)."""
        d = self.demand if rows is None else self.demand[rows]
        b = self.before if rows is None else self.before[rows]
        a = self.after if rows is None else self.after[rows]
        total = float(d.sum())
        if total <= 0:
            return float("nan"), float("nan")
        return float((b * d).sum() / total), float((a * d).sum() / total)


def profession_impacts(
    ctx: EvaluationBaseline, offer: Offer, fte_change: dict[str, pd.Series],
    population_factor: np.ndarray | None = None,
) -> dict[str, ProfessionImpact]:  # fmt: skip
    """Every estimated profession's access before and after (unchanged ones share ``before``).

    ``fte_change``: net FTE change per commune (index INSEE code) of each profession the
    scenario changes; ``population_factor``: per commune of ``ctx``, the scenario's
    population factors (None: no population edit).
    """
    out = {}
    for code, acc in baseline_professions(ctx, offer).items():
        given = fte_change.get(code)
        delta = None if given is None or not (given != 0).any() else given[given != 0]
        if delta is None and population_factor is None:
            after = acc.values
        else:
            after = _after(acc, ctx, delta, population_factor)
        total = 0.0 if delta is None else float(delta.sum())
        out[code] = ProfessionImpact(acc.profession, acc.values, after, acc.demand, total,
                                     acc.status)  # fmt: skip
    return out


def _after(acc: ProfessionAccess, ctx: EvaluationBaseline, delta: pd.Series | None,
           factor: np.ndarray | None) -> np.ndarray:  # fmt: skip
    rows = ctx.index_of(delta.index.tolist()) if delta is not None else np.array([], dtype=int)
    d = delta.to_numpy(dtype=float) if delta is not None else np.array([])
    if factor is None:
        return acc.after(rows, d)
    acc.after(rows, d)  # checks that no commune is left with negative FTE
    supply = acc.supply_fte + np.bincount(rows, weights=d, minlength=len(acc.supply_fte))
    return acc.catchment.with_demand(acc.demand * factor).accessibility(supply) * acc.scale
