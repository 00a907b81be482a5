r"""Where to add FTE and open centres under yearly budgets: exact MILP (HiGHS) and greedy.

Formulation (years :math:`t = 1..T`, professions :math:`p`, candidates :math:`k`, communes
:math:`i`; :math:`a_{pik}` the access gain of one FTE of :math:`p` at :math:`k`,
:math:`b_{pit}` the "sans COG" baseline (departures not replaced), :math:`w_i` the
population, :math:`\theta_p` the under-served level, :math:`s` the FTE step,
:math:`\rho` the first-year activity share, :math:`m_p` the minimum team at opening,
:math:`U_k` the FTE a site can take):

.. math::

    N_{pkt} \in \mathbb{Z}_{\ge 0},\ X_{pkt} = s\,N_{pkt} \text{ (cumulative FTE added)},\quad
    O_{kt} \in \{0, 1\} \text{ (open; fixed to 1 for existing sites)}

    X_{pkt} \ge X_{pk,t-1},\quad O_{kt} \ge O_{k,t-1},\quad
    \sum_p X_{pkt} \le U_k\,O_{kt},\quad X_{pkt} \ge m_p\,O_{kt}\ (k \text{ new})

    \sum_{p,k} (X_{pkt} - X_{pk,t-1}) \le H_t + \sum_{p,k} \Delta F_{pkt}
    \quad \text{(hiring capacity beyond the replacements } \Delta F\text{)}

    \text{net}_t(X, O) \le B_t \quad \text{(net cost, } \texttt{proxisante.plan.costs}\text{)}

    E_{pkt} = X_{pk,t-1} + \rho\,(X_{pkt} - X_{pk,t-1}),\qquad
    A_{pit} = b_{pit} + \sum_k a_{pik} E_{pkt}

Objectives (summed over years and professions, each profession's shortfall divided by its
threshold so that GPs and nurses share one scale):

- ``deficit``: :math:`\min \sum_{t,p,i} w_i d_{pit} / \theta_p`,
  :math:`d_{pit} \ge \theta_p - A_{pit}`, :math:`d \ge 0` (population-weighted relative
  shortfall below the threshold: inhabitants × share of the threshold missing; lower is
  better);
- ``lifted``: :math:`\max \sum_{t,p,i} w_i z_{pit}`, :math:`z \in \{0,1\}`,
  :math:`\sum_k a_{pik} E_{pkt} \ge (\theta_p - b_{pit}) z_{pit}` for :math:`b_{pit} <
  \theta_p` (inhabitants lifted above the threshold);
- ``equity``: :math:`\max \sum_{t,p} \tau_{pt} / \theta_p`, :math:`\tau_{pt} \le A_{pit}`
  for every populated commune that some candidate reaches (max-min access, the Rawlsian
  form of the equity objective; Wang & Tang 2013 minimise the variance, not linear).

A tie-break of :math:`10^{-6}` per final FTE keeps the smallest plan among equal optima.
Solved with HiGHS (``highspy``) from a sparse column-wise model; the greedy heuristic gives a
baseline and the MILP's starting solution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante import bounds
from proxisante.errors import InfeasiblePlanError, InputError
from proxisante.plan._solver import new_highs
from proxisante.plan.costs import (
    activity,
    cost_coefficients,
    replacement_credit,
    replacements,
    year_net_cost,
)
from proxisante.plan.instance import PlanInstance

__all__ = [
    "OBJECTIVES",
    "InfeasiblePlanError",
    "PlanSolution",
    "access_after",
    "access_after_worlds",
    "activity",
    "check_request",
    "evaluate_plan",
    "greedy",
    "solve_milp",
]

Objective = Literal["deficit", "lifted", "equity"]
OBJECTIVES = ("deficit", "lifted", "equity")
_TIE_BREAK = 1e-6


@dataclass
class PlanSolution:
    """Cumulative FTE added (professions × candidates × years), openings, solver figures."""

    fte: np.ndarray
    open: np.ndarray  # candidates × years, 0/1
    objective: float
    method: str
    gap: float = 0.0
    status: str = "optimal"
    seconds: float = 0.0

    def table(self, inst: PlanInstance) -> pd.DataFrame:
        """Long table sorted by year: one row per site and year where something happens.

        Columns: ``year, candidate_id, commune, name, site_name, existing, opens`` then, per
        profession ``p``, ``fte_total_p`` (cumulative) and ``fte_hired_p`` (that year).
        """
        n_p, k, t_n = self.fte.shape
        prev = np.concatenate([np.zeros((n_p, k, 1)), self.fte[:, :, :-1]], axis=2)
        open_prev = np.concatenate([inst.existing[:, None].astype(float), self.open[:, :-1]],
                                   axis=1)  # fmt: skip
        c = inst.candidates
        df = pd.DataFrame({
            "year": np.tile(inst.years, k),
            "candidate_id": np.repeat(c["candidate_id"].to_numpy(), t_n),
            "commune": np.repeat(c["commune"].to_numpy(), t_n),
            "name": np.repeat(c["name"].to_numpy(), t_n),
            "site_name": np.repeat(c["site_name"].to_numpy(), t_n),
            "existing": np.repeat(inst.existing, t_n),
            "opens": ((self.open - open_prev) > 0.5).ravel(),
        })  # fmt: skip
        active = (self.fte.sum(axis=0) > 0).ravel() | df["opens"].to_numpy()
        for i, p in enumerate(inst.professions):
            df[f"fte_total_{p}"] = self.fte[i].ravel()
            df[f"fte_hired_{p}"] = (self.fte[i] - prev[i]).ravel()
        df = df[active].sort_values(["year", "existing", "name"], ascending=[True, False, True])
        return df.reset_index(drop=True)


def _check(inst: PlanInstance, objective: str) -> None:
    if objective not in OBJECTIVES:
        msg = f"objective was '{objective}'; expected one of {', '.join(OBJECTIVES)}"
        raise InputError(msg)
    if inst.n_candidates == 0:
        msg = "empty candidate set: nothing to decide"
        raise InputError(msg)
    check_work(inst)


def plan_work(inst: PlanInstance) -> float:
    """Elementary steps of the greedy (one step of ``fte_step`` FTE, for one profession, at
    one of the candidates), from the inputs: the FTE it can add each year (the hiring
    capacity, at most what the sites can take) in steps, × candidates × professions."""
    a = inst.assumptions
    room = float(np.sum(inst.max_added_fte))
    steps = sum(np.ceil(min(float(h), room) / a.fte_step) for h in inst.hires_fte)
    return float(steps) * inst.n_candidates * max(len(inst.blocks), 1)


def check_work(inst: PlanInstance) -> None:
    """Refuse, before it starts, a plan whose greedy would take more than
    :data:`proxisante.bounds.MAX_PLAN_WORK` steps (:func:`plan_work`).

    Raises
    ------
    InputError
        Too many steps, saying which inputs set them.
    """
    steps_per_year = [np.ceil(float(h) / inst.assumptions.fte_step) for h in inst.hires_fte]
    change = (f"hires of {max(inst.hires_fte):g} FTE a year in steps of "
              f"{inst.assumptions.fte_step:g} FTE ({max(steps_per_year):,.0f} steps a year) at "
              f"{inst.n_candidates:,} candidates over {len(inst.years)} years; raise --step or "
              "lower --hires, --max-candidates or the years")  # fmt: skip
    bounds.check_work("the plan", plan_work(inst), limit=bounds.MAX_PLAN_WORK, change=change)


def check_request(inst: PlanInstance) -> None:
    """Refuse a plan that cannot do anything, saying what is missing.

    Raises
    ------
    InfeasiblePlanError
        Every year's hiring capacity is below one step, or every year's budget is below the
        net first-year cost of the smallest action (one step at an existing centre, or a new
        centre with its minimum team).
    """
    a = inst.assumptions
    floor_fte = inst.min_fte
    prev = np.zeros(floor_fte.shape[:2])
    for t, year in enumerate(inst.years):  # replacements are outside the hiring capacity
        open_now = inst.existing.astype(float)
        cost = year_net_cost(inst, floor_fte[:, :, t], prev, open_now, open_now, t)
        if cost > inst.budget_eur[t] + 1e-6:
            msg = (f"{year}: replacing the departures of the operator's centres costs "
                   f"{cost:,.0f} € net but the budget is {inst.budget_eur[t]:,.0f} €: raise "
                   "the budget")  # fmt: skip
            raise InfeasiblePlanError(msg)
        prev = floor_fte[:, :, t]
    if inst.hires_fte.max() < a.fte_step - 1e-9:
        msg = (f"hiring capacity {inst.hires_fte.max():g} FTE a year is below one step of "
               f"{a.fte_step:g} FTE: raise --hires")  # fmt: skip
        raise InfeasiblePlanError(msg)
    c = cost_coefficients(inst)
    options = []
    if inst.existing.any():
        i = int(np.argmin(c["now"]))
        options.append((c["now"][i] * a.fte_step,
                        f"one step of {a.fte_step:g} FTE ({inst.professions[i]}) at an existing "
                        "centre"))  # fmt: skip
    if (~inst.existing).any():
        team = sum(a.min_team_fte(p) * c["now"][i] for i, p in enumerate(inst.professions))
        if team <= 0:
            team = a.fte_step * float(c["now"].min())
        teams = max(a.min_team_fte(p) for p in inst.professions)
        if teams > inst.hires_fte.max() + 1e-9 and not inst.existing.any():
            msg = (f"hiring capacity {inst.hires_fte.max():g} FTE a year is below the minimum "
                   f"team of a new centre ({teams:g} GP FTE) and no existing centre can be "
                   "reinforced: raise --hires or lower --min-team")  # fmt: skip
            raise InfeasiblePlanError(msg)
        options.append((a.opening_eur + a.site_eur_per_year + team,
                        f"opening a centre with its minimum team of {a.min_team_gp_fte:g} GP "
                        "FTE"))  # fmt: skip
    cheapest, what = min(options)
    if inst.budget_eur.max() < cheapest - 1e-6:
        msg = (f"budget {inst.budget_eur.max():,.0f} € a year is below the cheapest action: "
               f"{what} costs {cheapest:,.0f} € net in its first year; raise the budget to at "
               f"least {cheapest:,.0f} €")  # fmt: skip
        raise InfeasiblePlanError(msg)


def access_after(inst: PlanInstance, fte: np.ndarray, t: int = -1) -> list[np.ndarray]:
    """Access of each commune in year ``t`` with the plan ``fte`` (P × K × T), per profession."""
    act = activity(inst, np.asarray(fte, dtype=float))
    return [b.baseline[:, t] + b.effect_per_fte @ act[i, :, t] for i, b in enumerate(inst.blocks)]


def access_after_worlds(inst: PlanInstance, fte: np.ndarray, t: int = -1) -> list[list]:
    """Per profession, the access in year ``t`` with the plan in the central world, then in
    each ensemble member (the hires' effects through that member's catchments, on the same
    "sans COG" baseline); one world only without an ensemble."""
    act = activity(inst, np.asarray(fte, dtype=float))
    return [[b.baseline[:, t] + e @ act[i, :, t] for e in (b.effect_per_fte, *b.member_effects)]
            for i, b in enumerate(inst.blocks)]  # fmt: skip


def evaluate_plan(inst: PlanInstance, fte: np.ndarray, objective: str) -> float:
    """Objective value (as in the module docstring, without the tie-break) of a plan."""
    fte = np.asarray(fte, dtype=float)
    total = 0.0
    for t in range(len(inst.years)):
        for b, acc in zip(inst.blocks, access_after(inst, fte, t), strict=True):
            if objective == "deficit":
                total += float(inst.population @ np.maximum(b.threshold - acc, 0.0)) / b.threshold
            elif objective == "lifted":
                lifted = (b.baseline[:, t] < b.threshold) & (acc >= b.threshold - 1e-9)
                total += float(inst.population[lifted].sum())
            else:
                mask = _equity_mask(inst, b)
                total += float(acc[mask].min()) / b.threshold if mask.any() else 0.0
    return total


def _equity_mask(inst: PlanInstance, block) -> np.ndarray:
    """Communes in the equity objective: populated and reachable from some candidate."""
    reach = np.diff(sp.csr_array(block.effect_per_fte).indptr) > 0
    return (inst.population > 0) & reach


def greedy(inst: PlanInstance, objective: Objective = "deficit") -> PlanSolution:
    """Add one step of FTE at a time where it reduces the relative deficit most per euro.

    Year by year, within the hiring capacity, the net budget and the site capacities; a new
    centre opens with its whole minimum team at once. Gains are measured at full activity
    on the year's "sans COG" baseline. A baseline for the MILP and its warm start.
    """
    _check(inst, objective)
    a = inst.assumptions
    s = a.fte_step
    n_p, k, t_n = len(inst.blocks), inst.n_candidates, len(inst.years)
    existing = inst.existing
    cap = inst.max_added_fte
    c = cost_coefficients(inst)
    team = np.array([a.min_team_fte(p) for p in inst.professions])
    fte = np.zeros((n_p, k, t_n))
    opened = np.zeros((k, t_n))
    cur = np.zeros((n_p, k))
    cur_open = existing.astype(float)
    effs = [sp.csc_array(b.effect_per_fte) for b in inst.blocks]
    floor_fte, repl = inst.min_fte, replacements(inst)
    for t in range(t_n):
        prev, prev_open = cur.copy(), cur_open.copy()
        cur = np.maximum(cur, floor_fte[:, :, t])  # departures replaced first
        hired = max(float((cur - prev).sum() - repl[:, :, t].sum()), 0.0)
        while True:
            spent = year_net_cost(inst, cur, prev, cur_open, prev_open, t)
            room = _future_room(inst, cur, cur_open, t)  # later years' budgets stay met
            best, best_key = None, 0.0
            for i, b in enumerate(inst.blocks):
                acc = b.baseline[:, t] + effs[i] @ cur[i]
                need = np.maximum(b.threshold - acc, 0.0) * inst.population / b.threshold
                # gain of adding `add` FTE at each candidate: Σ_i min(need_i, add·a_ik)·w/θ
                for opening in (False, True):
                    add = (np.where(cur_open > 0, 0.0, max(team[i], s)) if opening
                           else np.where(cur_open > 0, s, 0.0))  # fmt: skip
                    if not (add > 0).any():
                        continue
                    step_cost = c["now"][i] * add + np.where(
                        opening, a.opening_eur + a.site_eur_per_year, 0.0
                    )
                    full = (c["now"][i] + c["before"][i]) * add  # a later year's net cost
                    if opening:  # the rest of the minimum team (other professions)
                        extra = np.where(np.arange(n_p) == i, 0.0, team)
                        step_cost = step_cost + float(c["now"] @ extra)
                        full = full + a.site_eur_per_year + float((c["now"] + c["before"]) @ extra)
                    total_add = add + (team.sum() - team[i] if opening else 0.0)
                    ok = (add > 0) & (cur.sum(axis=0) + total_add <= cap + 1e-9)
                    ok &= hired + total_add <= inst.hires_fte[t] + 1e-9
                    ok &= spent + step_cost <= inst.budget_eur[t] + 1e-6
                    ok &= full <= room + 1e-6
                    if not ok.any():
                        continue
                    gain = _gain(effs[i], need, inst.population / b.threshold, add)
                    key = np.where(ok & (gain > 0), gain / np.maximum(step_cost, 1e3), -np.inf)
                    j = int(np.argmax(key))
                    if key[j] > best_key:
                        best, best_key = (i, j, opening, add[j]), key[j]
            if best is None:
                break
            i, j, opening, add = best
            cur[i, j] += add
            hired += add
            if opening:
                cur_open[j] = 1.0
                for q in range(n_p):
                    if q != i and team[q] > 0:
                        cur[q, j] += team[q]
                        hired += team[q]
        if year_net_cost(inst, cur, prev, cur_open, prev_open, t) > inst.budget_eur[t] + 1e-6:
            msg = (
                f"year {inst.years[t]}: the FTE already hired cost more than the budget "
                f"({inst.budget_eur[t]:,.0f} €); raise the budget or lower the costs"
            )
            raise InfeasiblePlanError(msg)
        fte[:, :, t] = cur
        opened[:, t] = cur_open
    return PlanSolution(fte, opened, evaluate_plan(inst, fte, objective), "greedy",
                        status="heuristic")  # fmt: skip


def _future_room(inst: PlanInstance, cur: np.ndarray, cur_open: np.ndarray, t: int) -> float:
    """Budget left in the tightest later year if the FTE of ``cur`` stay (full activity)
    and only the imposed replacements are hired: a hire must fit there too (its net cost
    comes back every year), so the greedy never leaves a later year over budget."""
    floor = inst.min_fte
    prev, room = cur, np.inf
    for u in range(t + 1, len(inst.years)):
        now = np.maximum(prev, floor[:, :, u])
        spent = year_net_cost(inst, now, prev, cur_open, cur_open, u)
        room = min(room, float(inst.budget_eur[u]) - spent)
        prev = now
    return room


def _gain(eff: sp.csc_array, need: np.ndarray, weight: np.ndarray, add: np.ndarray) -> np.ndarray:
    """Per candidate: Σ_i min(need_i, add_k·a_ik·weight_i) (need already weighted)."""
    col = np.repeat(np.arange(eff.shape[1]), np.diff(eff.indptr))
    val = np.minimum(need[eff.indices], add[col] * eff.data * weight[eff.indices])
    return np.bincount(col, weights=val, minlength=eff.shape[1])


class _Rows:
    """Sparse constraint rows collected as COO triplets."""

    def __init__(self, n_var: int) -> None:
        self.n_var = n_var
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.n = 0

    def add(self, n_rows: int, terms, lo, hi) -> None:
        """``terms``: (local row indexes, columns, values) triplets."""
        for rr, cc, vv in terms:
            rr, cc = np.asarray(rr), np.asarray(cc)
            self.r.append(rr + self.n)
            self.c.append(cc)
            self.v.append(np.broadcast_to(np.asarray(vv, dtype=float), rr.shape))
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n_rows,)))
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n_rows,)))
        self.n += n_rows

    def matrix(self) -> sp.csc_array:
        return sp.csc_array(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(self.n, self.n_var),
        )


@dataclass(frozen=True)
class _Layout:
    """Columns of the MILP: step variables ``N_pkt``, openings ``O_kt``, then the objective
    variables of each (profession, year)."""

    n_p: int
    k: int
    t_n: int

    def ni(self, p: int, t: int) -> np.ndarray:
        """Columns of the step variables ``N_pkt`` of profession ``p`` in year ``t``."""
        return (p * self.t_n + t) * self.k + np.arange(self.k)

    def oi(self, t: int) -> np.ndarray:
        """Columns of the openings ``O_kt`` of year ``t``."""
        return self.n_p * self.t_n * self.k + t * self.k + np.arange(self.k)


#: Per profession: the places of its objective, the first column of each year's objective
#: variables and their number per year.
_ObjectiveColumns = list[tuple[np.ndarray, list[int], int]]


@dataclass
class _Columns:
    """Cost, bounds and integrality of every column."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray


def _objective_columns(inst: PlanInstance, objective: str,
                       n_base: int) -> tuple[_ObjectiveColumns, int]:  # fmt: skip
    """The objective variables per (profession, year) after the ``n_base`` step and opening
    columns, and the number of columns in all."""
    t_n = len(inst.years)
    obj_rows = []
    n_var = n_base
    for b in inst.blocks:
        if objective == "equity":
            rows_i = np.flatnonzero(_equity_mask(inst, b))
        else:
            rows_i = np.flatnonzero((b.baseline < b.threshold).any(axis=1))
        width = 1 if objective == "equity" else len(rows_i)
        obj_rows.append((rows_i, [n_var + t * width for t in range(t_n)], width))
        n_var += width * t_n
    return obj_rows, n_var


def _step_columns(inst: PlanInstance, lay: _Layout, n_var: int) -> _Columns:
    """Bounds of the steps (each site's staff floor, its cap) and of the openings (1 at
    existing sites), their integrality, the tie-break cost of the last year's steps."""
    s, cap = inst.assumptions.fte_step, inst.max_added_fte
    cols = _Columns(np.zeros(n_var), np.zeros(n_var), np.full(n_var, np.inf),
                    np.zeros(n_var, dtype=bool))  # fmt: skip
    floor_fte = inst.min_fte
    for p in range(lay.n_p):
        for t in range(lay.t_n):
            cols.upper[lay.ni(p, t)] = np.floor(cap / s + 1e-9)
            cols.lower[lay.ni(p, t)] = np.round(floor_fte[p, :, t] / s)
            cols.integer[lay.ni(p, t)] = True
    for t in range(lay.t_n):
        cols.integer[lay.oi(t)] = True
        cols.upper[lay.oi(t)] = 1.0
        cols.lower[lay.oi(t)[inst.existing]] = 1.0
    for p in range(lay.n_p):
        cols.cost[lay.ni(p, lay.t_n - 1)] += _TIE_BREAK * s
    return cols


def _site_rows(rows: _Rows, inst: PlanInstance, lay: _Layout, t: int) -> None:
    """Year ``t``'s rows per site: steps and openings never undone, the minimum team of a
    new site, no staff at an unopened site (its cap)."""
    a, kk, k = inst.assumptions, np.arange(lay.k), lay.k
    s, cap, new = a.fte_step, inst.max_added_fte, ~inst.existing
    for p in range(lay.n_p):
        if t > 0:
            rows.add(k, [(kk, lay.ni(p, t), 1.0), (kk, lay.ni(p, t - 1), -1.0)], 0.0, np.inf)
        m = a.min_team_fte(inst.professions[p])
        if m > 0 and new.any():
            nk = np.flatnonzero(new)
            rows.add(len(nk), [(np.arange(len(nk)), lay.ni(p, t)[nk], s),
                               (np.arange(len(nk)), lay.oi(t)[nk], -m)], 0.0, np.inf)  # fmt: skip
    if t > 0:
        rows.add(k, [(kk, lay.oi(t), 1.0), (kk, lay.oi(t - 1), -1.0)], 0.0, np.inf)
    rows.add(k, [*[(kk, lay.ni(p, t), s) for p in range(lay.n_p)], (kk, lay.oi(t), -cap)],
             -np.inf, 0.0)  # fmt: skip


def _money_rows(rows: _Rows, inst: PlanInstance, lay: _Layout, t: int, repl: np.ndarray,
                credit: np.ndarray, cc: dict) -> None:  # fmt: skip
    """Year ``t``'s hiring capacity and net budget rows."""
    a, k, s, n_p = inst.assumptions, lay.k, inst.assumptions.fte_step, lay.n_p
    ones = np.ones(k)
    # hiring capacity
    terms: list[tuple[np.ndarray, np.ndarray, float | np.ndarray]] = [
        (np.zeros(k, int), lay.ni(p, t), s * ones) for p in range(n_p)
    ]
    if t > 0:
        terms += [(np.zeros(k, int), lay.ni(p, t - 1), -s * ones) for p in range(n_p)]
    # replacements of the operator's departures are routine, outside the capacity
    rows.add(1, terms, -np.inf, inst.hires_fte[t] + repl[:, :, t].sum())
    # net budget
    terms = [(np.zeros(k, int), lay.ni(p, t), cc["now"][p] * s) for p in range(n_p)]
    if t > 0:
        terms += [(np.zeros(k, int), lay.ni(p, t - 1), cc["before"][p] * s) for p in range(n_p)]
    nk = np.flatnonzero(~inst.existing)
    terms.append((np.zeros(len(nk), int), lay.oi(t)[nk], a.opening_eur + a.site_eur_per_year))
    if t > 0:
        terms.append((np.zeros(len(nk), int), lay.oi(t - 1)[nk], -a.opening_eur))
    rows.add(1, terms, -np.inf, inst.budget_eur[t] + credit[t])


def _access_rows(rows: _Rows, cols: _Columns, inst: PlanInstance, lay: _Layout, t: int,
                 objective: str, obj_rows: _ObjectiveColumns,
                 repl: np.ndarray) -> None:  # fmt: skip
    """Year ``t``'s objective rows and the cost and bounds of their variables: access gain
    ``Σ_k a_ik (ρ s N_t + (1-ρ) s N_{t-1})`` against the deficit, the places lifted over
    the threshold or the lowest access (equity)."""
    rho, s = inst.assumptions.ramp_up_share, inst.assumptions.fte_step
    for p, b in enumerate(inst.blocks):
        rows_i, col0, _ = obj_rows[p]
        sub = sp.coo_array(sp.csr_array(b.effect_per_fte)[rows_i, :])
        gain = [(sub.row, lay.ni(p, t)[sub.col], sub.data * rho * s)]
        if t > 0:
            gain.append((sub.row, lay.ni(p, t - 1)[sub.col], sub.data * (1 - rho) * s))
        # replacements work their whole first year: a constant added to the baseline
        base_t = b.baseline[rows_i, t] + (1 - rho) * (
            sp.csr_array(b.effect_per_fte)[rows_i, :] @ repl[p, :, t]
        )
        m_rows = len(rows_i)
        if objective == "deficit":
            d = col0[t] + np.arange(m_rows)
            rows.add(m_rows, [*gain, (np.arange(m_rows), d, 1.0)], b.threshold - base_t,
                     np.inf)  # fmt: skip
            cols.cost[d] = inst.population[rows_i] / b.threshold
        elif objective == "lifted":
            z = col0[t] + np.arange(m_rows)
            gap_t = np.maximum(b.threshold - base_t, 0.0)
            rows.add(m_rows, [*gain, (np.arange(m_rows), z, -gap_t)], 0.0, np.inf)
            cols.cost[z] = -inst.population[rows_i]
            cols.integer[z] = True
            cols.upper[z] = (base_t < b.threshold).astype(float)
        else:
            tau = col0[t]
            neg = [(r, c_, -v) for r, c_, v in gain]
            rows.add(m_rows, [*neg, (np.arange(m_rows), np.full(m_rows, tau), 1.0)], -np.inf,
                     base_t)  # fmt: skip
            cols.cost[tau] = -1.0 / b.threshold
            cols.lower[tau] = -np.inf


def _highs_lp(cols: _Columns, rows: _Rows):
    """The ``highspy.HighsLp`` of the columns and rows (column-wise matrix)."""
    # deferred: highspy takes 0.1 s to import; only solving needs it
    import highspy

    a_mat = rows.matrix()
    lp = highspy.HighsLp()
    lp.num_col_ = len(cols.cost)
    lp.num_row_ = a_mat.shape[0]
    lp.col_cost_ = cols.cost
    lp.col_lower_ = cols.lower
    lp.col_upper_ = cols.upper
    lp.row_lower_ = np.concatenate(rows.lo)
    lp.row_upper_ = np.concatenate(rows.hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a_mat.indptr
    lp.a_matrix_.index_ = a_mat.indices
    lp.a_matrix_.value_ = a_mat.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                       for i in cols.integer]  # fmt: skip
    return lp


def _warm_start(inst: PlanInstance, lay: _Layout, n_var: int, warm_start: PlanSolution):
    """A ``highspy.HighsSolution`` holding a plan's steps and openings."""
    # deferred: highspy takes 0.1 s to import; only solving needs it
    import highspy

    s = inst.assumptions.fte_step
    sol = highspy.HighsSolution()
    x0 = np.zeros(n_var)
    for t in range(lay.t_n):
        for p in range(lay.n_p):
            x0[lay.ni(p, t)] = np.round(warm_start.fte[p, :, t] / s)
        x0[lay.oi(t)] = np.maximum(warm_start.open[:, t], inst.existing)
    sol.col_value = list(x0)
    sol.value_valid = True
    return sol


def _read_solution(h, inst: PlanInstance, lay: _Layout, objective: str,
                   seconds: float) -> PlanSolution:  # fmt: skip
    """The plan of a solved model (FTE, openings, value, proven gap)."""
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        msg = f"no feasible plan ({status}): check budgets against the costs and capacities"
        raise InfeasiblePlanError(msg)
    s = inst.assumptions.fte_step
    x = np.asarray(h.getSolution().col_value)
    fte = np.stack([np.column_stack([np.round(x[lay.ni(p, t)]) * s for t in range(lay.t_n)])
                    for p in range(lay.n_p)]) + 0.0  # fmt: skip
    opn = np.column_stack([np.round(x[lay.oi(t)]) for t in range(lay.t_n)]) + 0.0
    gap = float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0
    return PlanSolution(fte, opn, evaluate_plan(inst, fte, objective), "milp (HiGHS)",
                        gap=max(gap, 0.0), status=status, seconds=seconds)  # fmt: skip


def solve_milp(
    inst: PlanInstance,
    objective: Objective = "deficit",
    *,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-4,
    warm_start: PlanSolution | None = None,
    solver=None,
) -> PlanSolution:
    """Solve the plan exactly with HiGHS (see the module docstring for the model).

    Parameters
    ----------
    solver
        A ``highspy.Highs`` instance to use (the solver is a parameter); a new one by default.

    Returns
    -------
    PlanSolution
        With ``gap`` the proven relative optimality gap reported by HiGHS.
    """
    _check(inst, objective)
    check_request(inst)
    lay = _Layout(len(inst.blocks), inst.n_candidates, len(inst.years))
    cc = cost_coefficients(inst)
    credit, repl = replacement_credit(inst), replacements(inst)
    obj_rows, n_var = _objective_columns(inst, objective, (lay.n_p + 1) * lay.t_n * lay.k)
    cols = _step_columns(inst, lay, n_var)
    rows = _Rows(n_var)
    for t in range(lay.t_n):
        _site_rows(rows, inst, lay, t)
        _money_rows(rows, inst, lay, t, repl, credit, cc)
        _access_rows(rows, cols, inst, lay, t, objective, obj_rows, repl)
    h = solver or new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.passModel(_highs_lp(cols, rows))
    if warm_start is not None:
        h.setSolution(_warm_start(inst, lay, n_var, warm_start))
    t0 = time.perf_counter()
    h.run()
    return _read_solution(h, inst, lay, objective, time.perf_counter() - t0)
