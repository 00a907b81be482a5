"""MILP = brute-force optimum on small instances; greedy bounded by it; constraints respected."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.errors import InputError
from proxisante.plan import (
    CostParameters,
    PlanInstance,
    build_instance,
    evaluate_plan,
    greedy,
    solve_milp,
)
from proxisante.territory import select

COSTS = CostParameters(gp_fte_eur_per_year=100.0, opening_eur=150.0, site_eur_per_year=20.0)


def _instance(budgets=(260.0, 420.0), hires=(2.0, 2.0), max_fte=2) -> PlanInstance:
    # 4 communes x 3 candidates (c0 existing, c1 c2 new); effects of one FTE on each commune
    eff = np.array([
        [0.9, 0.0, 0.3],
        [0.4, 0.8, 0.0],
        [0.0, 0.7, 0.6],
        [0.0, 0.0, 1.1],
    ])  # fmt: skip
    return PlanInstance(
        codes=np.array(["a", "b", "c", "d"]), baseline_apl=np.array([1.8, 2.0, 1.2, 2.7]),
        population=np.array([1000.0, 3000.0, 2000.0, 500.0]),
        candidates=pd.DataFrame({"candidate_id": ["c0", "c1", "c2"], "commune": ["a", "b", "c"],
                                 "existing": [True, False, False]}),
        effect_per_fte=sp.csc_array(eff), years=[2025, 2026], budget_eur=np.array(budgets),
        hires_fte=np.array(hires), max_fte_per_site=max_fte, costs=COSTS,
    )  # fmt: skip


def _feasible(inst: PlanInstance, fte: np.ndarray, opened: np.ndarray | None = None) -> bool:
    """Check every constraint; ``opened`` (K × T, 0/1) defaults to 'open once it has FTE'."""
    existing = inst.candidates["existing"].to_numpy()
    new = ~existing
    if opened is None:
        opened = np.maximum.accumulate((fte > 0).astype(float), axis=1)
    opened = np.maximum(opened, existing[:, None].astype(float))
    prev = np.zeros(len(existing))
    prev_open = existing.astype(float)
    for t in range(len(inst.years)):
        x, opn = fte[:, t], opened[:, t]
        if (x < prev).any() or (opn < prev_open).any() or (x > inst.max_fte_per_site * opn).any():
            return False
        if (x - prev).sum() > inst.hires_fte[t]:
            return False
        cost = (COSTS.gp_fte_eur_per_year * x.sum() + COSTS.opening_eur * (opn[new] - prev_open[new]).sum()
                + COSTS.site_eur_per_year * opn[new].sum())  # fmt: skip
        if cost > inst.budget_eur[t] + 1e-9:
            return False
        prev, prev_open = x, opn
    return True


def _brute_force(inst: PlanInstance, objective: str) -> float:
    """Enumerate every integer FTE plan and every opening year of the new sites."""
    k, t_n, m = inst.n_candidates, len(inst.years), inst.max_fte_per_site
    new = np.flatnonzero(~inst.candidates["existing"].to_numpy())
    best = None
    for open_year in itertools.product(range(t_n + 1), repeat=len(new)):  # t_n = never
        opened = np.zeros((k, t_n))
        for site, y in zip(new, open_year, strict=True):
            opened[site, y:] = 1.0
        for flat in itertools.product(range(m + 1), repeat=k * t_n):
            fte = np.array(flat, dtype=float).reshape(k, t_n)
            if not _feasible(inst, fte, opened):
                continue
            v = evaluate_plan(inst, fte, objective)
            if best is None or (v < best if objective == "deficit" else v > best):
                best = v
    return best


@pytest.mark.parametrize("objective", ["deficit", "lifted", "equity"])
@pytest.mark.parametrize("budgets", [(260.0, 420.0), (120.0, 600.0), (500.0, 500.0)])
def test_milp_equals_brute_force_and_bounds_greedy(objective, budgets):
    inst = _instance(budgets=budgets)
    optimum = _brute_force(inst, objective)
    sol = solve_milp(inst, objective)
    assert sol.objective == pytest.approx(optimum, abs=1e-6)
    assert sol.gap <= 1e-4
    assert _feasible(inst, sol.fte, sol.open)
    g = greedy(inst, objective)
    assert _feasible(inst, g.fte)
    if objective == "deficit":
        assert g.objective >= optimum - 1e-9
    else:
        assert g.objective <= optimum + 1e-9


def test_budget_and_capacity_respected_exactly():
    inst = _instance(budgets=(260.0, 420.0), hires=(1.0, 2.0))
    sol = solve_milp(inst, "deficit")
    hires = np.diff(np.concatenate([np.zeros((3, 1)), sol.fte], axis=1), axis=1).sum(axis=0)
    assert (hires <= inst.hires_fte + 1e-9).all()
    assert (sol.fte <= inst.max_fte_per_site).all()
    assert _feasible(inst, sol.fte, sol.open)


def test_bad_parameters():
    terr = select("circo:12-02")
    with pytest.raises(InputError, match="euros ≥ 0"):
        build_instance(terr, budgets_eur={2025: -1.0})
    with pytest.raises(InputError, match="consecutive"):
        build_instance(terr, budgets_eur={2025: 1e6, 2027: 1e6})
    with pytest.raises(InputError, match="budgets_eur is empty"):
        build_instance(terr, budgets_eur={})
    with pytest.raises(InputError, match="hiring capacity"):
        build_instance(terr, budgets_eur={2025: 1e6}, hires_fte=-2)
    with pytest.raises(InputError, match="gp_fte_eur_per_year"):
        CostParameters(gp_fte_eur_per_year=-5)
    with pytest.raises(InputError, match="unknown commune"):
        build_instance(terr, budgets_eur={2025: 1e6}, candidates=["99999"])
    with pytest.raises(InputError, match="objective was 'speed'"):
        solve_milp(_instance(), "speed")


def test_bundled_instance_and_cog_export(tmp_path):
    from openpyxl import load_workbook

    from proxisante.plan import build_cog_plan, write_xlsx

    inst = build_instance(select("circo:12-02"), budgets_eur={2025: 8e5, 2026: 1.2e6},
                          hires_fte=3, max_candidates=15)  # fmt: skip
    plan = build_cog_plan(inst, time_limit_s=20)
    assert list(plan.summary["année"]) == [2025, 2026]
    assert (plan.summary["coût total (€)"] <= plan.summary["budget (€)"] + 1e-6).all()
    before = inst.population[inst.baseline_apl < 2.5].sum()
    assert plan.summary["population sous 2,5"].iloc[-1] <= before
    path = write_xlsx(plan, tmp_path / "plan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "2025", "2026", "Hypothèses"]
    assert "hypothèse" in str(wb["Hypothèses"]["C2"].value)


@pytest.mark.parametrize("objective", ["deficit", "lifted"])
def test_retirements_lower_the_baseline_and_milp_still_exact(objective):
    base = _instance()
    loss = np.array([[0.0, 0.5], [0.0, 0.6], [0.0, 0.0], [0.3, 0.4]])  # APL lost by year
    inst = PlanInstance(
        **{**base.__dict__, "retirement_loss": loss, "retired_fte": np.array([0.5, 1.0])}
    )
    assert (inst.baseline(1) == base.baseline_apl - loss[:, 1]).all()
    optimum = _brute_force(inst, objective)
    sol = solve_milp(inst, objective)
    assert sol.objective == pytest.approx(optimum, abs=1e-6)


def test_build_instance_forecasts_retirements_from_birth_years():
    from proxisante.offer import Offer, load_default_offer

    offer = load_default_offer()
    staff = offer.staff.copy()
    staff["birth_year"] = staff["birth_year"].astype("Int16")
    carmaux = staff["site_id"] == "filieris-centre-de-sante-de-carmaux"
    staff.loc[carmaux, "birth_year"] = 1959  # 67 in 2026
    inst = build_instance(select("dep:81"), budgets_eur={2025: 5e5, 2026: 5e5}, hires_fte=2,
                          max_candidates=5, offer=Offer(offer.sites, staff))  # fmt: skip
    assert inst.retired_fte.tolist() == [0.0, 6.0]
    assert (inst.baseline(1) <= inst.baseline(0)).all() and (
        inst.baseline(1) < inst.baseline(0)
    ).any()
    assert (inst.baseline(0) == inst.baseline_apl).all()
