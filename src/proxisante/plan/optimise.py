r"""Where to add GP FTE and open centres under yearly budgets: exact MILP (HiGHS) and greedy.

Formulation (years :math:`t = 1..T`, candidates :math:`k`, communes :math:`i`; :math:`a_{ik}`
the APL gain of one GP FTE at :math:`k`, :math:`b_i` the baseline APL, :math:`p_i` the
population, :math:`\theta = 2.5`):

.. math::

    X_{kt} \in \mathbb{Z}_{\ge 0} \text{ (cumulative FTE added)},\quad
    O_{kt} \in \{0, 1\} \text{ (centre open; fixed to 1 for existing sites)}

    X_{kt} \ge X_{k,t-1},\quad O_{kt} \ge O_{k,t-1},\quad X_{kt} \le M\,O_{kt}

    \sum_k (X_{kt} - X_{k,t-1}) \le H_t \quad \text{(hiring capacity)}

    c_f \sum_k X_{kt} + c_o \sum_{k\,new} (O_{kt} - O_{k,t-1}) + c_s \sum_{k\,new} O_{kt} \le B_t

    \text{APL}_{it} = b_i + \sum_k a_{ik} X_{kt}

Objectives (summed over the years, so earlier improvements count more):

- ``deficit``: :math:`\min \sum_{t,i} p_i d_{it}`, :math:`d_{it} \ge \theta - \text{APL}_{it}`,
  :math:`d \ge 0` (total deficit below 2.5, population-weighted);
- ``lifted``: :math:`\max \sum_{t,i} p_i z_{it}`, :math:`z_{it} \in \{0,1\}`,
  :math:`\sum_k a_{ik} X_{kt} \ge (\theta - b_i) z_{it}` for :math:`b_i < \theta` (no big-M:
  the threshold constraint is exact);
- ``equity``: :math:`\max \sum_t \tau_t`, :math:`\tau_t \le \text{APL}_{it}` for every
  populated commune that some candidate reaches (max-min APL, the Rawlsian form of the
  equity objective; Wang & Tang 2013 minimise the variance instead, which is not linear).

Solved with HiGHS (``highspy``) from a sparse column-wise model; the greedy heuristic gives
a baseline and the MILP's starting solution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.errors import InfeasiblePlanError, InputError
from proxisante.plan._solver import new_highs
from proxisante.plan.instance import PlanInstance

__all__ = ["OBJECTIVES", "PlanSolution", "evaluate_plan", "greedy", "solve_milp"]

Objective = Literal["deficit", "lifted", "equity"]
OBJECTIVES = ("deficit", "lifted", "equity")


@dataclass
class PlanSolution:
    """FTE per candidate and year (cumulative), openings, objective and solver figures."""

    fte: np.ndarray  # candidates × years, cumulative FTE added
    open: np.ndarray  # candidates × years, 0/1
    objective: float
    method: str
    gap: float = 0.0
    status: str = "optimal"
    seconds: float = 0.0

    def table(self, inst: PlanInstance) -> pd.DataFrame:
        """Long table: candidate, commune, year, cumulative FTE, hires of the year, open."""
        k, t = self.fte.shape
        prev = np.concatenate([np.zeros((k, 1)), self.fte[:, :-1]], axis=1)
        df = pd.DataFrame(
            {
                "candidate_id": np.repeat(inst.candidates["candidate_id"].to_numpy(), t),
                "commune": np.repeat(inst.candidates["commune"].to_numpy(), t),
                "existing": np.repeat(inst.candidates["existing"].to_numpy(), t),
                "year": np.tile(inst.years, k),
                "fte_total": self.fte.ravel(),
                "fte_hired": (self.fte - prev).ravel(),
                "open": self.open.ravel().astype(bool),
            }
        )
        return df[(df["fte_total"] > 0) | (df["open"] & ~df["existing"])].reset_index(drop=True)


def _check(inst: PlanInstance, objective: str) -> None:
    if objective not in OBJECTIVES:
        msg = f"objective was '{objective}'; expected one of {', '.join(OBJECTIVES)}"
        raise InputError(msg)
    if inst.n_candidates == 0:
        msg = "empty candidate set: nothing to decide"
        raise InputError(msg)


def apl_after(inst: PlanInstance, fte_final: np.ndarray, t: int = -1) -> np.ndarray:
    """APL of each commune in plan year ``t`` with ``fte_final`` FTE added at the candidates."""
    return inst.baseline(t) + inst.effect_per_fte @ np.asarray(fte_final, dtype=float)


def evaluate_plan(inst: PlanInstance, fte: np.ndarray, objective: str) -> float:
    """Objective value (as in the module docstring) of a cumulative FTE plan (K × T)."""
    total = 0.0
    for t in range(len(inst.years)):
        apl = apl_after(inst, fte[:, t], t)
        if objective == "deficit":
            total += float(inst.population @ np.maximum(inst.threshold - apl, 0.0))
        elif objective == "lifted":
            lifted = (inst.baseline(t) < inst.threshold) & (apl >= inst.threshold - 1e-9)
            total += float(inst.population[lifted].sum())
        else:
            mask = _equity_mask(inst)
            total += float(apl[mask].min()) if mask.any() else 0.0
    return total


def _equity_mask(inst: PlanInstance) -> np.ndarray:
    """Communes in the equity objective: populated and reachable from some candidate (a
    commune no candidate reaches within 20 minutes cannot be helped by this plan)."""
    reach = np.diff(sp.csr_array(inst.effect_per_fte).indptr) > 0
    return (inst.population > 0) & reach


def _costs(
    inst: PlanInstance, fte_t: np.ndarray, open_t: np.ndarray, open_prev: np.ndarray
) -> float:
    new = ~inst.candidates["existing"].to_numpy()
    c = inst.costs
    return float(
        inst.fte_cost * fte_t.sum()
        + c.opening_eur * (open_t[new] - open_prev[new]).sum()
        + c.site_eur_per_year * open_t[new].sum()
    )


def greedy(inst: PlanInstance, objective: Objective = "deficit") -> PlanSolution:
    """Add one FTE at a time where it reduces the population-weighted deficit the most.

    Year by year, within the hiring capacity, the budget and the per-site maximum; gains
    are measured per euro of the year's cost; leftover budget opens the next most useful
    centre ahead of next year's hires. A baseline for the MILP and its warm start.
    """
    _check(inst, objective)
    k, t_n = inst.n_candidates, len(inst.years)
    existing = inst.candidates["existing"].to_numpy()
    fte = np.zeros((k, t_n))
    opened = np.zeros((k, t_n))
    cur_fte = np.zeros(k)
    cur_open = existing.astype(float)
    a = inst.effect_per_fte
    col_of = np.repeat(np.arange(k), np.diff(a.indptr))
    c = inst.costs
    for t in range(t_n):
        prev_open = cur_open.copy()
        hires = 0.0
        while hires + 1 <= inst.hires_fte[t] + 1e-9:
            apl = apl_after(inst, cur_fte, t)
            need = np.maximum(inst.threshold - apl, 0.0)
            gain_entries = inst.population[a.indices] * np.minimum(need[a.indices], a.data)
            gain = np.bincount(col_of, weights=gain_entries, minlength=k)
            spent = _costs(inst, cur_fte, cur_open, prev_open)
            extra = inst.fte_cost + np.where(cur_open > 0, 0.0, c.opening_eur + c.site_eur_per_year)
            ok = (cur_fte + 1 <= inst.max_fte_per_site) & (
                spent + extra <= inst.budget_eur[t] + 1e-6
            )
            ok &= gain > 0
            if not ok.any():
                break
            best = int(np.argmax(np.where(ok, gain / extra, -np.inf)))
            cur_fte[best] += 1
            cur_open[best] = 1.0
            hires += 1
        # leftover budget: open the most useful unopened centre now, so that next year's
        # hires can go there (the MILP does the same when a year has slack)
        while t + 1 < t_n:
            spent = _costs(inst, cur_fte, cur_open, prev_open)
            slack = inst.budget_eur[t] - spent
            if slack < c.opening_eur + c.site_eur_per_year:
                break
            apl = apl_after(inst, cur_fte, t)
            need = np.maximum(inst.threshold - apl, 0.0)
            gain_entries = inst.population[a.indices] * np.minimum(need[a.indices], a.data)
            gain = np.bincount(col_of, weights=gain_entries, minlength=k)
            gain[cur_open > 0] = 0.0
            if gain.max() <= 0:
                break
            cur_open[int(np.argmax(gain))] = 1.0
        if _costs(inst, cur_fte, cur_open, prev_open) > inst.budget_eur[t] + 1e-6:
            msg = (
                f"year {inst.years[t]}: the FTE already hired cost more than the budget "
                f"({inst.budget_eur[t]:,.0f} €); raise the budget or lower the costs"
            )
            raise InfeasiblePlanError(msg)
        fte[:, t] = cur_fte
        opened[:, t] = cur_open
    return PlanSolution(
        fte, opened, evaluate_plan(inst, fte, objective), "greedy", status="heuristic"
    )


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
    import time

    import highspy

    _check(inst, objective)
    k, t_n = inst.n_candidates, len(inst.years)
    a = sp.csr_array(inst.effect_per_fte)  # communes × candidates

    existing = inst.candidates["existing"].to_numpy()
    new = ~existing
    c = inst.costs

    # --- variable layout: X (k*T), O (k*T), then objective variables
    def xi(t):
        return np.arange(k) + t * k

    def oi(t):
        return k * t_n + np.arange(k) + t * k

    n_xo = 2 * k * t_n
    # communes under the threshold in some year without the plan (baselines fall with
    # retirements); rows of communes above it in a given year are harmless (d = 0, z fixed 0)
    base_t = np.column_stack([inst.baseline(t) for t in range(t_n)])
    under = np.flatnonzero((base_t < inst.threshold).any(axis=1))
    populated = np.flatnonzero(_equity_mask(inst))
    if objective == "deficit" or objective == "lifted":
        m_rows = len(under)
        extra = m_rows * t_n
    else:
        m_rows = len(populated)
        extra = t_n
    n_var = n_xo + extra
    cost = np.zeros(n_var)
    lower = np.zeros(n_var)
    upper = np.full(n_var, np.inf)
    integrality = np.zeros(n_var, dtype=np.int64)
    for t in range(t_n):
        upper[xi(t)] = inst.max_fte_per_site
        integrality[xi(t)] = 1
        integrality[oi(t)] = 1
        upper[oi(t)] = 1.0
        lower[oi(t)[existing]] = 1.0
    rows: list[sp.coo_array] = []
    r_lo: list[np.ndarray] = []
    r_hi: list[np.ndarray] = []

    def add(mat, lo, hi):
        rows.append(sp.coo_array(mat, shape=(mat.shape[0], n_var)))
        r_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (mat.shape[0],)))
        r_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (mat.shape[0],)))

    eye = sp.identity(k, format="coo")
    for t in range(t_n):

        def block(pairs):
            r, cc, v = [], [], []
            for cols, val in pairs:
                r.append(np.arange(k))
                cc.append(cols)
                v.append(np.full(k, val, dtype=float))
            return sp.coo_array(
                (np.concatenate(v), (np.concatenate(r), np.concatenate(cc))), shape=(k, n_var)
            )

        if t > 0:
            add(block([(xi(t), 1.0), (xi(t - 1), -1.0)]), 0.0, np.inf)  # monotone FTE
            add(block([(oi(t), 1.0), (oi(t - 1), -1.0)]), 0.0, np.inf)  # monotone openings
        add(block([(xi(t), 1.0), (oi(t), -float(inst.max_fte_per_site))]), -np.inf, 0.0)
        # hiring capacity
        hire = np.zeros(n_var)
        hire[xi(t)] = 1.0
        if t > 0:
            hire[xi(t - 1)] = -1.0
        add(sp.coo_array(hire[None, :]), -np.inf, inst.hires_fte[t])
        # budget
        bud = np.zeros(n_var)
        bud[xi(t)] = inst.fte_cost
        bud[oi(t)[new]] += c.opening_eur + c.site_eur_per_year
        if t > 0:
            bud[oi(t - 1)[new]] -= c.opening_eur
        add(sp.coo_array(bud[None, :]), -np.inf, inst.budget_eur[t])
        # objective rows
        if objective in ("deficit", "lifted"):
            sub = sp.coo_array(a[under, :])
            base = n_xo + t * m_rows
            r = np.concatenate([sub.row, np.arange(m_rows)])
            gap_t = inst.threshold - base_t[under, t]
            coef_obj = 1.0 if objective == "deficit" else -np.maximum(gap_t, 0.0)
            cc = np.concatenate([xi(t)[sub.col], base + np.arange(m_rows)])
            v = np.concatenate([sub.data, np.broadcast_to(coef_obj, (m_rows,))])
            mat = sp.coo_array((v, (r, cc)), shape=(m_rows, n_var))
            lo = gap_t if objective == "deficit" else 0.0
            add(mat, lo, np.inf)
            if objective == "deficit":
                cost[base : base + m_rows] = inst.population[under]
            else:
                cost[base : base + m_rows] = -inst.population[under]
                integrality[base : base + m_rows] = 1
                upper[base : base + m_rows] = (gap_t > 0).astype(float)
        else:
            sub = sp.coo_array(a[populated, :])
            tau = n_xo + t
            r = np.concatenate([sub.row, np.arange(m_rows)])
            cc = np.concatenate([xi(t)[sub.col], np.full(m_rows, tau)])
            v = np.concatenate([-sub.data, np.ones(m_rows)])
            add(
                sp.coo_array((v, (r, cc)), shape=(m_rows, n_var)),
                -np.inf,
                base_t[populated, t],
            )
            cost[tau] = -1.0
            lower[tau] = -np.inf
    del eye
    a_mat = sp.vstack(rows, format="csc")
    lp = highspy.HighsLp()
    lp.num_col_ = n_var
    lp.num_row_ = a_mat.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(r_lo)
    lp.row_upper_ = np.concatenate(r_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a_mat.indptr
    lp.a_matrix_.index_ = a_mat.indices
    lp.a_matrix_.value_ = a_mat.data
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
        for i in integrality
    ]
    h = solver or new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.passModel(lp)
    if warm_start is not None:
        sol = highspy.HighsSolution()
        x0 = np.zeros(n_var)
        for t in range(t_n):
            x0[xi(t)] = warm_start.fte[:, t]
            x0[oi(t)] = np.maximum(warm_start.open[:, t], existing)
        sol.col_value = list(x0)
        sol.value_valid = True
        h.setSolution(sol)
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        msg = f"no feasible plan ({status}): check budgets against the costs and capacities"
        raise InfeasiblePlanError(msg)
    x = np.asarray(h.getSolution().col_value)
    fte = np.column_stack([np.round(x[xi(t)]) for t in range(t_n)])
    opn = np.column_stack([np.round(x[oi(t)]) for t in range(t_n)])
    gap = float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0
    return PlanSolution(
        fte,
        opn,
        evaluate_plan(inst, fte, objective),
        "milp (HiGHS)",
        gap=max(gap, 0.0),
        status=status,
        seconds=seconds,
    )
