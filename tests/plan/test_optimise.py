"""MILP = brute-force optimum on small instances (steps, minimum team, ramp-up, net budget,
two professions); greedy bounded by it; hand-solvable cases; infeasible requests."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.errors import InputError
from proxisante.plan import (
    InfeasiblePlanError,
    PlanAssumptions,
    PlanInstance,
    ProfessionBlock,
    evaluate_plan,
    greedy,
    solve_milp,
)

# money in small units: a GP FTE costs 100 + 10 support and brings 60 (fees 50 + 20 % fixed)
SMALL = dict(gp_fte_eur_per_year=100.0, support_eur_per_fte=10.0, gp_consultations_per_fte=50.0,
             salaried_gp_consultations_per_fte=50.0, support_fte_per_gp_fte=0.0,
             support_fte_per_other_fte=0.0, gp_tariff_eur=1.0, fixed_payment_share=0.2, opening_eur=150.0,
             site_eur_per_year=20.0, nurse_fte_eur_per_year=40.0, nurse_fees_eur_per_fte=20.0)  # fmt: skip
EFF = np.array([
    [0.9, 0.0, 0.3],
    [0.4, 0.8, 0.0],
    [0.0, 0.7, 0.6],
    [0.0, 0.0, 1.1],
])  # fmt: skip
BASE = np.array([1.8, 2.0, 1.2, 2.7])
POP = np.array([1000.0, 3000.0, 2000.0, 500.0])


def _candidates(k: int, existing: list[bool], cap: float) -> pd.DataFrame:
    return pd.DataFrame({
        "candidate_id": [f"c{i}" for i in range(k)], "commune": list("abc")[:k],
        "name": list("ABC")[:k], "site_name": ["S"] * k, "existing": existing,
        "max_added_fte": [cap] * k,
    })  # fmt: skip


def _instance(budgets=(260.0, 420.0), hires=(2.0, 2.0), *, ramp=1.0, team=1.0, step=1.0,
              decline=None, nurse=False, cap=2.0) -> PlanInstance:  # fmt: skip
    a = PlanAssumptions(**SMALL, ramp_up_share=ramp, min_team_gp_fte=team, fte_step=step,
                        max_added_fte_per_site=cap)  # fmt: skip
    loss = np.zeros((4, 2)) if decline is None else np.asarray(decline)
    blocks = [ProfessionBlock("gp", sp.csc_array(EFF), BASE, BASE[:, None] - loss, 2.5,
                              np.zeros(2))]  # fmt: skip
    k = 3
    if nurse:
        blocks.append(ProfessionBlock("nurse", sp.csc_array(EFF[:, :2] * 20), BASE * 20,
                                      np.column_stack([BASE, BASE]) * 20, 60.0, np.zeros(2)))  # fmt: skip
        blocks[0] = ProfessionBlock("gp", sp.csc_array(EFF[:, :2]), BASE, BASE[:, None] - loss,
                                    2.5, np.zeros(2))  # fmt: skip
        k = 2
    return PlanInstance(
        codes=np.array(list("abcd")), population=POP,
        candidates=_candidates(k, [True] + [False] * (k - 1), cap), blocks=blocks,
        years=[2025, 2026], budget_eur=np.array(budgets, dtype=float),
        hires_fte=np.array(hires, dtype=float), assumptions=a,
    )  # fmt: skip


def _net(inst: PlanInstance, x: np.ndarray, x_prev: np.ndarray, o: np.ndarray, o_prev: np.ndarray):
    """Independent net cost of a year (written from the docstring's formula, not the code)."""
    a = inst.assumptions
    rho = a.ramp_up_share
    new = ~inst.candidates["existing"].to_numpy()
    total = 0.0
    for i, p in enumerate(inst.professions):
        cost = a.gp_fte_eur_per_year if p == "gp" else a.nurse_fte_eur_per_year
        fees = (a.salaried_gp_consultations_per_fte * a.gp_tariff_eur if p == "gp"
                else a.nurse_fees_eur_per_fte)  # fmt: skip
        activity = x_prev[i] + rho * (x[i] - x_prev[i])
        total += ((cost + a.support_eur_per_fte) * x[i]).sum()
        total -= (fees * (1 + a.fixed_payment_share) * activity).sum()
    total += a.opening_eur * (o[new] - o_prev[new]).sum() + a.site_eur_per_year * o[new].sum()
    return total


def _feasible(inst: PlanInstance, fte: np.ndarray, opened: np.ndarray) -> bool:
    a = inst.assumptions
    existing = inst.candidates["existing"].to_numpy()
    opened = np.maximum(opened, existing[:, None].astype(float))
    n_p, k, t_n = fte.shape
    prev, prev_open = np.zeros((n_p, k)), existing.astype(float)
    for t in range(t_n):
        x, o = fte[:, :, t], opened[:, t]
        if (x < prev - 1e-9).any() or (o < prev_open).any():
            return False
        if (x.sum(axis=0) > inst.max_added_fte * o + 1e-9).any():
            return False
        gp = inst.professions.index("gp")
        if (x[gp][~existing] < a.min_team_gp_fte * o[~existing] - 1e-9).any():
            return False
        if (x - prev).sum() > inst.hires_fte[t] + 1e-9:
            return False
        if _net(inst, x, prev, o, prev_open) > inst.budget_eur[t] + 1e-6:
            return False
        prev, prev_open = x, o
    return True


def _brute_force(inst: PlanInstance, objective: str) -> float:
    """Enumerate every stepped FTE plan and every opening year of the new sites."""
    s = inst.assumptions.fte_step
    n_p, k, t_n = len(inst.blocks), inst.n_candidates, len(inst.years)
    levels = np.arange(0, inst.max_added_fte.max() + 1e-9, s)
    new = np.flatnonzero(~inst.candidates["existing"].to_numpy())
    best = None
    for open_year in itertools.product(range(t_n + 1), repeat=len(new)):  # t_n = never
        opened = np.zeros((k, t_n))
        for site, y in zip(new, open_year, strict=True):
            opened[site, y:] = 1.0
        for flat in itertools.product(levels, repeat=n_p * k * t_n):
            fte = np.array(flat).reshape(n_p, k, t_n)
            if not _feasible(inst, fte, opened):
                continue
            v = evaluate_plan(inst, fte, objective)
            if best is None or (v < best if objective == "deficit" else v > best):
                best = v
    return best


@pytest.mark.parametrize("objective", ["deficit", "lifted", "equity"])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"budgets": (120.0, 600.0)},
        {"ramp": 0.5, "team": 2.0, "budgets": (500.0, 500.0), "hires": (2.0, 1.0)},
        {"decline": [[0.0, 0.5], [0.0, 0.6], [0.0, 0.0], [0.3, 0.4]]},
    ],
)
def test_milp_equals_brute_force_and_bounds_greedy(objective, kw):
    inst = _instance(**kw)
    optimum = _brute_force(inst, objective)
    sol = solve_milp(inst, objective)
    assert sol.objective == pytest.approx(optimum, abs=1e-6)
    assert _feasible(inst, sol.fte, sol.open)
    g = greedy(inst, objective)
    assert _feasible(inst, g.fte, g.open)
    assert (
        (g.objective >= optimum - 1e-9)
        if objective == "deficit"
        else (g.objective <= optimum + 1e-9)
    )


def test_two_professions_one_budget_equal_brute_force():
    inst = _instance(budgets=(300.0, 300.0), hires=(2.0, 2.0), team=1.0, nurse=True)
    optimum = _brute_force(inst, "deficit")
    sol = solve_milp(inst, "deficit")
    assert sol.objective == pytest.approx(optimum, abs=1e-6)
    assert _feasible(inst, sol.fte, sol.open)
    assert sol.fte.shape == (2, 2, 2)


def test_half_fte_steps():
    inst = _instance(step=0.5, budgets=(120.0, 200.0), hires=(1.0, 1.0), team=0.5, cap=1.0)
    optimum = _brute_force(inst, "deficit")
    sol = solve_milp(inst, "deficit")
    assert sol.objective == pytest.approx(optimum, abs=1e-6)
    assert np.allclose(sol.fte * 2, np.round(sol.fte * 2))


def test_minimum_team_by_hand():
    # one new site only: it needs 2 GP FTE the year it opens
    base = _instance(team=2.0, budgets=(1e6, 1e6), hires=(1.0, 1.0))
    cand = base.candidates.iloc[[1]].reset_index(drop=True)
    one = PlanInstance(**{**base.__dict__, "candidates": cand,
                          "blocks": [ProfessionBlock("gp", sp.csc_array(EFF[:, [1]]), BASE,
                                                     np.column_stack([BASE, BASE]), 2.5,
                                                     np.zeros(2))]})  # fmt: skip
    # 1 hire a year can never form a team of 2: refused, saying what is missing
    with pytest.raises(
        InfeasiblePlanError, match=r"below the minimum team of a new centre \(2 GP FTE\)"
    ):
        solve_milp(one, "deficit")
    two = PlanInstance(**{**one.__dict__, "hires_fte": np.array([2.0, 2.0])})
    sol = solve_milp(two, "deficit")
    assert sol.fte[0, 0].tolist() == [2.0, 2.0] and sol.open[0].tolist() == [1.0, 1.0]
    g = greedy(two, "deficit")
    assert g.fte[0, 0, 0] == 2.0


def test_ramp_up_by_hand():
    # one existing site, one commune at APL 1.0, +1 APL per FTE, ρ = 0.5: one FTE hired in
    # 2025 gives 1.5 in 2025 and 2.0 in 2026; deficit = 1000 × (1.0 + 0.5) / 2.5
    a = PlanAssumptions(**SMALL, ramp_up_share=0.5, fte_step=1.0, max_added_fte_per_site=1.0)
    inst = PlanInstance(
        codes=np.array(["a"]), population=np.array([1000.0]),
        candidates=_candidates(1, [True], 1.0),
        blocks=[ProfessionBlock("gp", sp.csc_array(np.array([[1.0]])), np.array([1.0]),
                                np.array([[1.0, 1.0]]), 2.5, np.zeros(2))],
        years=[2025, 2026], budget_eur=np.array([1e6, 1e6]), hires_fte=np.array([1.0, 1.0]),
        assumptions=a,
    )  # fmt: skip
    sol = solve_milp(inst, "deficit")
    assert sol.fte[0, 0].tolist() == [1.0, 1.0]
    assert sol.objective == pytest.approx(1000 * (1.0 + 0.5) / 2.5)
    from proxisante.plan.optimise import access_after

    assert access_after(inst, sol.fte, 0)[0][0] == pytest.approx(1.5)
    assert access_after(inst, sol.fte, 1)[0][0] == pytest.approx(2.0)


def test_net_cost_by_hand():
    # default assumptions: 1 GP FTE costs 80,000 × 1.42 = 113,600 € + 1.6 support FTE at
    # 32,000 € + 8,000 € of other costs = 172,800 €; brings 4,220 × 30 € = 126,600 € of fees
    # + 20 % fixed payments = 151,920 €; first year at 50 % activity: it never pays for itself
    from proxisante.plan.costs import site_year_costs

    inst = PlanInstance(
        codes=np.array(["a"]), population=np.array([1000.0]),
        candidates=_candidates(2, [True, False], 6.0),
        blocks=[ProfessionBlock("gp", sp.csc_array(np.array([[1.0, 1.0]])), np.array([1.0]),
                                np.array([[1.0, 1.0]]), 2.5, np.zeros(2))],
        years=[2025, 2026], budget_eur=np.array([1e6, 1e6]), hires_fte=np.array([2.0, 2.0]),
    )  # fmt: skip
    fte = np.zeros((1, 2, 2))
    fte[0, 0] = [1.0, 1.0]  # existing site, 1 FTE from 2025
    fte[0, 1] = [0.0, 2.0]  # new site opens in 2026 with 2 FTE
    opened = np.array([[1.0, 1.0], [0.0, 1.0]])
    m = site_year_costs(inst, fte, opened).set_index(["candidate_id", "year"])
    assert m.loc[("c0", 2025), "gross_eur"] == pytest.approx(172_800)
    assert m.loc[("c0", 2025), "fees_eur"] == pytest.approx(63_300)
    assert m.loc[("c0", 2025), "income_eur"] == pytest.approx(75_960)
    assert m.loc[("c0", 2025), "net_eur"] == pytest.approx(96_840)
    assert m.loc[("c0", 2026), "net_eur"] == pytest.approx(172_800 - 151_920)
    # the new centre: 300,000 opening + 80,000 running + 2 × 172,800 − 2 × 75,960
    assert m.loc[("c1", 2026), "net_eur"] == pytest.approx(300_000 + 80_000 + 345_600 - 151_920)
    assert ("c1", 2025) not in m.index


def test_budget_below_one_minimum_team_is_refused():
    inst = _instance(budgets=(50.0, 50.0))
    cand = inst.candidates.copy()
    cand["existing"] = [False, False, False]
    no_existing = PlanInstance(**{**inst.__dict__, "candidates": cand})
    with pytest.raises(InfeasiblePlanError, match=r"budget 50 € a year is below the cheapest "
                       r"action: opening a centre with its minimum team of 1 GP FTE costs"):  # fmt: skip
        solve_milp(no_existing, "deficit")


def test_bad_objective_and_assumptions():
    with pytest.raises(InputError, match="objective was 'speed'"):
        solve_milp(_instance(), "speed")
    with pytest.raises(InputError, match="gp_fte_eur_per_year was -5"):
        PlanAssumptions(gp_fte_eur_per_year=-5)
    with pytest.raises(InputError, match=r"ramp_up_share was 1\.5"):
        PlanAssumptions(ramp_up_share=1.5)


def test_binding_constraint_by_hand():
    from proxisante.plan import PlanSolution
    from proxisante.plan.cog import BUDGET_BINDS, HIRES_BIND, NONE_BINDS, binding_constraints

    # ramp 1, step 1: one GP FTE at the existing site costs 110 − 60 = 50 net a year
    inst = _instance(budgets=(60.0, 1000.0), hires=(2.0, 1.0))
    fte = np.zeros((1, 3, 2))
    fte[0, 0] = [1.0, 2.0]  # 2025: 1 FTE, net 50, 10 left < 50 → budget binds; 1 of 2 hired
    # 2026: 1 more (capacity 1 used up) → capacity binds; net 2·110 − 2·60 = 100 ≤ 1000
    sol = PlanSolution(fte, np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]), 0.0, "hand")
    assert binding_constraints(inst, sol) == [BUDGET_BINDS, HIRES_BIND]
    fte[0, 0] = [0.0, 0.0]
    assert binding_constraints(inst, PlanSolution(fte, sol.open, 0.0, "hand")) == [NONE_BINDS] * 2


def test_growth_scenario_raises_the_hiring_capacity():
    from proxisante.plan import budget_scenarios

    # hires bind at 1 FTE a year; growth of 100 % a year doubles the capacity in 2026
    inst = _instance(budgets=(500.0, 500.0), hires=(1.0, 1.0))
    sc = budget_scenarios(inst, time_limit_s=10, growth_per_year=1.0)
    _freeze, flat, growth = sc.columns
    assert sc.loc["capacité de recrutement cumulée (ETP)", flat] == 2.0
    assert sc.loc["capacité de recrutement cumulée (ETP)", growth] == 3.0
    assert sc.loc["ETP médecins recrutés 2025-2026", flat] == 2.0
    assert sc.loc["ETP médecins recrutés 2025-2026", growth] == 3.0
    assert "capacité de recrutement" in sc.loc["contrainte limitante par année", flat]
    # with the capacity kept (elasticity 0) growth equals flat
    fixed = dataclasses.replace(inst, assumptions=dataclasses.replace(
        inst.assumptions, growth_hires_elasticity=0.0))  # fmt: skip
    sc0 = budget_scenarios(fixed, time_limit_s=10, growth_per_year=1.0)
    assert sc0.iloc[:, 2]["ETP médecins recrutés 2025-2026"] == 2.0


def test_budget_scenario_names_its_budget_in_french_digits():
    """Regression: a budget of 2,000,000 € was written « 2 000,000 » (only the first
    thousands comma replaced)."""
    from proxisante.plan import budget_scenarios

    inst = _instance(budgets=(2_000_000.0, 2_000_000.0), hires=(1.0, 1.0))
    flat = budget_scenarios(inst, time_limit_s=10).columns[1]
    assert flat.startswith("budget constant (2\u202f000\u202f000 €/an")


def test_work_bound_refuses_before_the_greedy_starts():
    """The greedy's steps follow from the inputs: Σ years ⌈min(hires, room on the sites) ÷
    fte_step⌉ × candidates × professions, refused above proxisante.bounds.MAX_PLAN_WORK
    before any step (60 candidates hiring 10,000 FTE a year in steps of 0.01 FTE: 1.2e8)."""
    import time

    from proxisante.bounds import MAX_PLAN_WORK
    from proxisante.plan.optimise import greedy, plan_work

    k = 60
    rng = np.random.default_rng(0)
    eff = sp.csc_array(rng.random((4, k)) * (rng.random((4, k)) < 0.5))

    def inst(step: float) -> PlanInstance:
        a = PlanAssumptions(**SMALL, fte_step=step, max_added_fte_per_site=500.0)
        cand = pd.DataFrame({"candidate_id": [f"c{i}" for i in range(k)],
                             "commune": ["a"] * k, "name": ["A"] * k, "site_name": ["S"] * k,
                             "existing": [True] * k, "max_added_fte": [500.0] * k})  # fmt: skip
        blocks = [ProfessionBlock("gp", eff, BASE, np.column_stack([BASE, BASE]), 2.5,
                                  np.zeros(2))]  # fmt: skip
        return PlanInstance(codes=np.array(list("abcd")), population=POP, candidates=cand,
                            blocks=blocks, years=[2025, 2026], budget_eur=np.array([1e9, 1e9]),
                            hires_fte=np.array([10_000.0, 10_000.0]), assumptions=a)  # fmt: skip

    fine = inst(0.5)
    assert plan_work(fine) == 2 * 20_000 * k <= MAX_PLAN_WORK
    tiny = inst(0.01)
    assert plan_work(tiny) == 2 * 1_000_000 * k > MAX_PLAN_WORK
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"the plan would take 1\.2e\+08 steps.*raise --step"):
        greedy(tiny)
    assert time.perf_counter() - t0 < 1


def test_a_replacement_takes_over_its_patients_at_once():
    # the operator's centre must replace 1 FTE in 2025: that hire works the whole year
    # (no ramp-up), so it costs 172,800 − 151,920 = 20,880 € net from its first year
    from dataclasses import replace

    from proxisante.plan.costs import activity, site_year_costs, year_net_cost

    inst = PlanInstance(
        codes=np.array(["a"]), population=np.array([1000.0]),
        candidates=_candidates(1, [True], 6.0),
        blocks=[ProfessionBlock("gp", sp.csc_array(np.array([[1.0]])), np.array([1.0]),
                                np.array([[1.0, 1.0]]), 2.5, np.zeros(2))],
        years=[2025, 2026], budget_eur=np.array([1e6, 1e6]), hires_fte=np.array([2.0, 2.0]),
        replace_fte=np.array([[[1.0, 1.0]]]),
    )  # fmt: skip
    fte = np.array([[[1.0, 2.0]]])  # the replacement, then one new hire in 2026
    np.testing.assert_allclose(activity(inst, fte), [[[1.0, 1.5]]])
    m = site_year_costs(inst, fte, np.ones((1, 2))).set_index("year")
    assert m.loc[2025, "net_eur"] == pytest.approx(172_800 - 151_920)
    assert m.loc[2026, "net_eur"] == pytest.approx(2 * 172_800 - 1.5 * 151_920)
    assert year_net_cost(inst, fte[:, :, 0], np.zeros((1, 1)), np.ones(1), np.ones(1),
                         0) == pytest.approx(172_800 - 151_920)  # fmt: skip
    plain = replace(inst, replace_fte=None)
    np.testing.assert_allclose(activity(plain, fte), [[[0.5, 1.5]]])
