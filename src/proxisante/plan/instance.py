"""A planning instance: communes, candidate sites, marginal effects of one GP FTE, costs, budgets.

Built on the official DREES APL of the baseline year and the engine's exact marginal
effects (``ΔAPL_i = f(t_ik) · 5,400 / D_k`` per GP FTE at candidate ``k``; DESIGN.md "Key
method fact"): at fixed demand the APL is linear in supply, which makes the plan a MILP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.access import CONSULTATIONS_PER_FTE
from proxisante.errors import InputError
from proxisante.territory import Territory

__all__ = ["CostParameters", "PlanInstance", "build_instance"]


@dataclass(frozen=True)
class CostParameters:
    """Costs in euros. Defaults are **assumptions** to replace with the network's own figures.

    No public, citable unit cost of a salaried GP in a French centre de santé could be found
    offline, so every default is labelled "hypothèse" in the outputs (xlsx "Hypothèses"
    sheet, report). ``gp_fte_eur_per_year``: employer cost of one salaried GP FTE;
    ``opening_eur``: one-off investment to open a centre; ``site_eur_per_year``: running
    cost of a new centre (premises, reception) besides the GPs.
    """

    gp_fte_eur_per_year: float = 130_000.0
    opening_eur: float = 300_000.0
    site_eur_per_year: float = 80_000.0
    source: str = "hypothèse proxisante (à remplacer par les coûts réels)"

    def __post_init__(self) -> None:
        for name in ("gp_fte_eur_per_year", "opening_eur", "site_eur_per_year"):
            v = getattr(self, name)
            if not np.isfinite(v) or v < 0:
                msg = f"cost parameter {name} was {v!r}; expected euros ≥ 0"
                raise InputError(msg)


@dataclass(frozen=True)
class PlanInstance:
    """Everything the optimisation needs, as arrays.

    Attributes
    ----------
    retirement_loss, retired_fte
        APL lost by each commune (communes × years) and GP FTE retired by each year, forecast
        from staff birth years when the offer has them; ``None`` otherwise.
    codes, baseline_apl, population
        Territory communes, their official APL and population (pop_totale).
    candidates
        DataFrame: ``candidate_id, commune, existing`` (existing sites need no opening).
    effect_per_fte
        Sparse communes × candidates matrix: APL gain of one GP FTE at each candidate.
    years, budget_eur, hires_fte
        Plan years and, per year, the budget (euros) and the hiring capacity (FTE).
    max_fte_per_site
        Upper bound on the FTE added at one candidate over the whole plan.
    costs
        :class:`CostParameters`.
    threshold
        Under-served threshold (2.5).
    """

    codes: np.ndarray
    baseline_apl: np.ndarray
    population: np.ndarray
    candidates: pd.DataFrame
    effect_per_fte: sp.csc_array
    years: list[int]
    budget_eur: np.ndarray
    hires_fte: np.ndarray
    max_fte_per_site: int
    costs: CostParameters = field(default_factory=CostParameters)
    threshold: float = 2.5
    retirement_loss: np.ndarray | None = None
    retired_fte: np.ndarray | None = None

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    def baseline(self, t: int) -> np.ndarray:
        """APL of each commune in plan year ``t`` without the plan: the official APL minus the
        forecast retirements up to that year (``retirement_loss``, communes × years)."""
        if self.retirement_loss is None:
            return self.baseline_apl
        return self.baseline_apl - self.retirement_loss[:, t]


def build_instance(
    territory: Territory,
    *,
    budgets_eur: dict[int, float],
    hires_fte: dict[int, float] | float = 10,
    candidates: list[str] | None = None,
    max_fte_per_site: int = 6,
    costs: CostParameters | None = None,
    operator: str = "filieris",
    year: int = 2023,
    max_candidates: int | None = None,
    offer=None,
    retirement_age: int = 67,
) -> PlanInstance:
    """Assemble a :class:`PlanInstance` for a territory from the bundled data.

    Parameters
    ----------
    territory
        The communes whose APL counts in the objective.
    budgets_eur
        ``{year: euros}``, one entry per plan year (consecutive years).
    hires_fte
        Hiring capacity per year (FTE): one number, or ``{year: FTE}``.
    candidates
        INSEE codes of communes where a new centre may open; default: every commune of the
        territory (largest first, ``max_candidates`` of them if given). The open sites of
        ``operator`` in the territory are always candidates (no opening cost).
    """
    from proxisante.offer import load_default_offer
    from proxisante.scenarios.impact import ImpactContext

    if not budgets_eur:
        msg = "budgets_eur is empty; give at least one year, e.g. {2025: 3.2e6}"
        raise InputError(msg)
    years = sorted(int(y) for y in budgets_eur)
    if years != list(range(years[0], years[-1] + 1)):
        msg = f"budget years must be consecutive; got {years}"
        raise InputError(msg)
    budget = np.array([float(budgets_eur[y]) for y in years])
    if (~np.isfinite(budget) | (budget < 0)).any():
        msg = f"budgets must be euros ≥ 0; got {dict(zip(years, budget.tolist(), strict=True))}"
        raise InputError(msg)
    if isinstance(hires_fte, dict):
        missing = [y for y in years if y not in hires_fte]
        if missing:
            msg = f"hires_fte lacks years {missing}"
            raise InputError(msg)
        hires = np.array([float(hires_fte[y]) for y in years])
    else:
        hires = np.full(len(years), float(hires_fte))
    if (~np.isfinite(hires) | (hires < 0)).any():
        msg = f"hiring capacity must be FTE ≥ 0 per year; got {hires.tolist()}"
        raise InputError(msg)
    if max_fte_per_site < 1:
        msg = f"max_fte_per_site was {max_fte_per_site}; expected ≥ 1"
        raise InputError(msg)
    ctx = ImpactContext.build(year)
    in_terr = np.isin(ctx.codes, territory.codes)
    if not in_terr.any():
        msg = f"territory {territory.label} has no commune with an official APL"
        raise InputError(msg)
    rows = np.flatnonzero(in_terr)
    offer = offer or load_default_offer()
    s = offer.sites
    existing = s[
        (s["operator"] == operator)
        & (s["status"] == "open")
        & (s["category"] == "centre_de_sante")
        & s["commune"].isin(territory.codes)
    ]
    if candidates is None:
        pop = pd.Series(ctx.pop_totale[rows], index=ctx.codes[rows]).sort_values(ascending=False)
        cand_codes = list(pop.index[:max_candidates] if max_candidates else pop.index)
    else:
        from proxisante.territory import check_commune_codes

        check_commune_codes(candidates)
        cand_codes = list(dict.fromkeys(candidates))
    if not cand_codes and existing.empty:
        msg = "empty candidate set: give communes where a centre may open"
        raise InputError(msg)
    cand = pd.concat(
        [
            pd.DataFrame(
                {
                    "candidate_id": existing["site_id"],
                    "commune": existing["commune"],
                    "existing": True,
                }
            ),
            pd.DataFrame(
                {
                    "candidate_id": [f"nouveau-{c}" for c in cand_codes],
                    "commune": cand_codes,
                    "existing": False,
                }
            ),
        ],
        ignore_index=True,
    )
    j = ctx.index_of(cand["commune"])
    eff = ctx.catchment.per_unit_effect(j) * CONSULTATIONS_PER_FTE
    eff = sp.csc_array(sp.csr_array(eff)[rows, :])
    loss, retired = _retirements(offer, ctx, rows, years, retirement_age)
    return PlanInstance(
        codes=ctx.codes[rows],
        baseline_apl=ctx.baseline_apl[rows],
        population=ctx.pop_totale[rows],
        candidates=cand,
        effect_per_fte=eff,
        years=years,
        budget_eur=budget,
        hires_fte=hires,
        max_fte_per_site=int(max_fte_per_site),
        costs=costs or CostParameters(),
        retirement_loss=loss,
        retired_fte=retired,
    )


def _retirements(offer, ctx, rows: np.ndarray, years: list[int], age: int):
    """APL lost per commune and year, and GP FTE retired per year, from staff birth years.

    A GP aged ``age`` or more in a plan year has left by that year. ``(None, None)`` when no
    GP has a known birth year (the bundled offer has none; RPPS open data has none either).
    """
    st = offer.staff[(offer.staff["profession"] == "gp") & offer.staff["birth_year"].notna()]
    communes = offer.sites.set_index("site_id")["commune"]
    st = st[st["site_id"].isin(communes.index)]
    if st.empty:
        return None, None
    fte = st["fte"].astype("Float64").fillna(st["headcount"].astype("Float64"))
    fte = fte.to_numpy(dtype=float)
    where = ctx.index_of(communes.loc[st["site_id"]].to_numpy())
    birth = st["birth_year"].to_numpy(dtype=float)
    loss = np.zeros((len(rows), len(years)))
    retired = np.zeros(len(years))
    for t, y in enumerate(years):
        gone = (y - birth) >= age
        retired[t] = fte[gone].sum()
        if gone.any():
            loss[:, t] = -ctx.catchment.delta(where[gone], -fte[gone] * CONSULTATIONS_PER_FTE)[rows]
    return loss, retired
