"""A planning instance: communes, candidate sites, marginal effects of one FTE, costs, budgets.

Built on the official DREES APL of the baseline year and the engine's exact marginal
effects (``ΔAPL_i = f(t_ik) · 5,400 / D_k`` per GP FTE at candidate ``k``;
``docs/methods.md``, "The marginal-effect identity"): at fixed demand the APL is linear in
supply, which makes the plan a MILP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.access import CONSULTATIONS_PER_FTE, PER_100K, EvaluationBaseline
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
    fte_eur_per_year: dict[str, float] = field(default_factory=dict)
    """Employer cost of one FTE of the other professions (no default: none is sourced)."""

    def __post_init__(self) -> None:
        named = {n: getattr(self, n) for n in ("gp_fte_eur_per_year", "opening_eur",
                                               "site_eur_per_year")}  # fmt: skip
        named |= {f"fte_eur_per_year[{k}]": v for k, v in self.fte_eur_per_year.items()}
        for name, v in named.items():
            if not np.isfinite(v) or v < 0:
                msg = f"cost parameter {name} was {v!r}; expected euros ≥ 0"
                raise InputError(msg)

    def per_fte(self, profession: str) -> float:
        """Employer cost of one FTE of ``profession`` (euros per year).

        Raises
        ------
        InputError
            No cost given for a profession other than GPs.
        """
        if profession == "gp":
            return self.gp_fte_eur_per_year
        if profession not in self.fte_eur_per_year:
            msg = (f"no cost per FTE for profession '{profession}': give it (--fte-cost); "
                   "proxisante has no sourced default for it")  # fmt: skip
            raise InputError(msg)
        return float(self.fte_eur_per_year[profession])


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
        Under-served threshold: 2.5 for GPs (APL); for other professions a value given by
        the user in FTE per 100,000 standardised inhabitants.
    profession
        The profession planned (``gp``: the access measure is the APL; otherwise FTE per
        100,000 standardised inhabitants with the DREES step decay).
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
    profession: str = "gp"

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def fte_cost(self) -> float:
        """Employer cost of one FTE of the planned profession (euros per year)."""
        return self.costs.per_fte(self.profession)

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
    profession: str = "gp",
    supply_fte: pd.Series | None = None,
    threshold: float | None = None,
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
    profession
        ``gp`` (default): baseline = official DREES APL, effect of one FTE = 5,400
        consultations. Another profession of :data:`~proxisante.offer.PROFESSIONS`: baseline =
        FTE per 100,000 standardised inhabitants with the DREES step decay (2SFCA) from
        ``supply_fte`` or, when not given, the offer's staff of that profession; the
        population is standardised with the GP age weights (the only DREES weights bundled).
    supply_fte
        FTE of ``profession`` per commune (index: INSEE code), for every commune.
    threshold
        Under-served threshold; default 2.5 for GPs, required for other professions (FTE
        per 100,000 standardised inhabitants: there is no official one).
    """
    from proxisante.offer import load_default_offer

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
    from proxisante.offer import PROFESSIONS

    if profession not in PROFESSIONS:
        msg = f"profession was '{profession}'; expected one of {', '.join(PROFESSIONS)}"
        raise InputError(msg)
    if threshold is None and profession != "gp":
        msg = (f"threshold is required for profession '{profession}': there is no official "
               "under-served level; give FTE per 100,000 standardised inhabitants")  # fmt: skip
        raise InputError(msg)
    if threshold is not None and (not np.isfinite(threshold) or threshold <= 0):
        msg = f"threshold was {threshold!r}; expected a number > 0"
        raise InputError(msg)
    costs = costs or CostParameters()
    costs.per_fte(profession)  # fails early when the cost is missing
    ctx = EvaluationBaseline.official(year)
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
    per_fte = CONSULTATIONS_PER_FTE if profession == "gp" else PER_100K
    eff = ctx.catchment.per_unit_effect(j) * per_fte
    eff = sp.csc_array(sp.csr_array(eff)[rows, :])
    if profession == "gp":
        baseline = ctx.baseline_apl
    else:
        baseline = ctx.catchment.accessibility(_supply_vector(ctx, offer, profession, supply_fte))
        baseline = baseline * PER_100K
    loss, retired = _retirements(offer, ctx, rows, years, retirement_age, profession, per_fte)
    return PlanInstance(
        codes=ctx.codes[rows],
        baseline_apl=baseline[rows],
        population=ctx.pop_totale[rows],
        candidates=cand,
        effect_per_fte=eff,
        years=years,
        budget_eur=budget,
        hires_fte=hires,
        max_fte_per_site=int(max_fte_per_site),
        costs=costs,
        threshold=2.5 if threshold is None else float(threshold),
        retirement_loss=loss,
        retired_fte=retired,
        profession=profession,
    )


def _supply_vector(ctx, offer, profession: str, supply_fte: pd.Series | None) -> np.ndarray:
    """FTE of ``profession`` per commune of ``ctx`` (given, or the offer's staff)."""
    from proxisante.offer import site_supply

    if supply_fte is None:
        per_site = site_supply(offer, profession=profession)
        supply_fte = per_site.groupby("commune")["fte"].sum()
    unknown = sorted(set(supply_fte.index) - set(ctx.codes))
    if unknown:
        msg = f"supply_fte has communes without an official APL or location: {unknown[:5]}"
        raise InputError(msg)
    s = supply_fte.reindex(ctx.codes).fillna(0.0).to_numpy(dtype=float)
    if not np.isfinite(s).all() or (s < 0).any() or s.sum() <= 0:
        msg = (f"no {profession} supply known (total {s.sum():g} FTE): give a supply file "
               "(commune,fte) or import an RPPS extract")  # fmt: skip
        raise InputError(msg)
    return s


def _retirements(offer, ctx, rows: np.ndarray, years: list[int], age: int,
                 profession: str = "gp", per_fte: float = CONSULTATIONS_PER_FTE):  # fmt: skip
    """Access lost per commune and year, and FTE retired per year, from staff birth years.

    A professional aged ``age`` or more in a plan year has left by that year. ``(None,
    None)`` when nobody of ``profession`` has a known birth year (the bundled offer has none;
    RPPS open data has none either). ``per_fte``: supply units of one FTE in the measure.
    """
    st = offer.staff[(offer.staff["profession"] == profession) & offer.staff["birth_year"].notna()]
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
            loss[:, t] = -ctx.catchment.delta(where[gone], -fte[gone] * per_fte)[rows]
    return loss, retired
