"""Planning FTE of professions other than GPs: baseline, effects, costs, errors, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from proxisante.access import EvaluationBaseline, two_step
from proxisante.cli import app
from proxisante.errors import InputError
from proxisante.plan import CostParameters, build_instance, greedy, solve_milp
from proxisante.plan.cog import build_cog_plan
from proxisante.territory import select

TERR = select("epci:246200364")  # CA de Lens-Liévin
NURSES = pd.Series({"62498": 40.0, "62523": 6.0, "62510": 12.0, "62065": 9.0})
COSTS = CostParameters(fte_eur_per_year={"nurse": 60_000.0})


def _nurse_instance(**kw):
    args = dict(budgets_eur={2025: 3e5, 2026: 3e5}, hires_fte=3, max_candidates=8,
                costs=COSTS, profession="nurse", supply_fte=NURSES, threshold=60.0)  # fmt: skip
    return build_instance(TERR, **(args | kw))


def test_baseline_and_effect_per_fte_match_an_independent_2sfca():
    inst = _nurse_instance()
    ctx = EvaluationBaseline.official(2023)
    pop = ctx.pop_standardisee
    s = NURSES.reindex(ctx.codes).fillna(0.0).to_numpy()
    full = two_step(ctx.catchment.weights, s, pop) * 1e5  # FTE per 100,000
    rows = np.isin(ctx.codes, inst.codes)
    np.testing.assert_allclose(inst.baseline_apl, full[rows], rtol=1e-12)
    # one more FTE at a candidate moves the access by its column of effects
    k = 0
    s2 = s.copy()
    s2[ctx.index_of([inst.candidates["commune"].iloc[k]])[0]] += 1.0
    after = two_step(ctx.catchment.weights, s2, pop)[rows] * 1e5
    col = inst.effect_per_fte[:, [k]].toarray().ravel()
    np.testing.assert_allclose(after - full[rows], col, rtol=1e-9, atol=1e-12)
    assert inst.threshold == 60.0 and inst.fte_cost == 60_000.0


def test_nurse_plan_respects_budget_and_greedy_bounds_milp():
    inst = _nurse_instance()
    g = greedy(inst, "deficit")
    sol = solve_milp(inst, "deficit", time_limit_s=20, warm_start=g)
    assert sol.objective <= g.objective + 1e-6
    new = ~inst.candidates["existing"].to_numpy()
    c = inst.costs
    prev_open = np.zeros(new.sum())
    for t in range(len(inst.years)):  # yearly cost: salaries of the FTE so far + centres
        open_t = sol.open[new, t]
        cost = (inst.fte_cost * sol.fte[:, t].sum() + c.opening_eur * (open_t - prev_open).sum()
                + c.site_eur_per_year * open_t.sum())  # fmt: skip
        assert cost <= inst.budget_eur[t] + 1e-6
        prev_open = open_t
    hired = np.diff(np.concatenate(([0.0], sol.fte.sum(axis=0))))
    assert (hired <= inst.hires_fte + 1e-6).all() and sol.fte.sum() > 0
    # the COG tables speak of the profession and its threshold
    plan = build_cog_plan(inst, time_limit_s=10)
    assert {"ETP infirmiers ajoutés (cumul)", "population sous 60",
            "accès moyen (ETP pour 100 000 hab.)"} <= set(plan.summary.columns)  # fmt: skip
    np.testing.assert_allclose(plan.summary["ETP infirmiers ajoutés (cumul)"],
                               plan.solution.fte.sum(axis=0), atol=1e-9)  # fmt: skip
    assert plan.solution.objective == pytest.approx(sol.objective, rel=1e-3)  # same MILP
    rows = dict(zip(plan.assumptions["hypothèse"], plan.assumptions["valeur"], strict=True))
    assert rows["coût employeur d'un ETP (infirmiers) (€/an)"] == 60_000.0
    assert "consultations par ETP de médecin généraliste" not in rows
    from proxisante.report.plan_section import plan_section

    html = plan_section(plan, "CA de Lens-Liévin").html
    assert "où recruter des infirmiers" in html and "Habitants sous 60" in html


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"profession": "surgeon"}, r"profession was 'surgeon'; expected one of gp, nurse"),
        ({"threshold": None}, r"threshold is required for profession 'nurse'"),
        ({"threshold": -1.0}, r"threshold was -1.0; expected a number > 0"),
        ({"costs": CostParameters()}, r"no cost per FTE for profession 'nurse'"),
        ({"supply_fte": pd.Series({"62498": 0.0})}, r"no nurse supply known"),
        ({"supply_fte": pd.Series({"99999": 3.0})}, r"communes without an official APL"),
    ],
)
def test_bad_parameters_are_named(kw, pattern):
    with pytest.raises(InputError, match=pattern):
        _nurse_instance(**kw)


def test_negative_profession_cost_is_refused():
    with pytest.raises(InputError, match=r"fte_eur_per_year\[nurse\] was -1"):
        CostParameters(fte_eur_per_year={"nurse": -1.0})


def test_cli_plan_optimise_nurses(tmp_path):
    sup = tmp_path / "nurses.csv"
    sup.write_text("commune,fte,profession\n" + "".join(
        f"{c},{v},nurse\n" for c, v in NURSES.items()) + "62498,30,gp\n", encoding="utf-8")  # fmt: skip
    base = ["plan", "optimise", "-t", "epci:246200364", "--budget", "2025=3e5,2026=3e5",
            "--hires", "3", "--max-candidates", "8", "--profession", "nurse", "--supply", str(sup),
            "--time-limit", "20", "--store", str(tmp_path / "s.duckdb")]  # fmt: skip
    res = CliRunner().invoke(app, [*base, "--threshold", "60", "--fte-cost", "60000"])
    assert res.exit_code == 0, res.output
    assert "nurse, access in FTE per 100k standardised inhabitants, threshold 60" in res.output
    res = CliRunner().invoke(app, [*base, "--fte-cost", "60000"])
    assert res.exit_code == 2 and "threshold is required" in res.output
    res = CliRunner().invoke(app, [*base, "--threshold", "60"])
    assert res.exit_code == 2 and "no cost per FTE for profession 'nurse'" in res.output
    cog = ["plan", "cog", "-t", "epci:246200364", "--from", "2025", "--to", "2026",
           "--budget-per-year", "3e5", "--hires", "3", "--max-candidates", "8", "--profession",
           "nurse", "--supply", str(sup), "--threshold", "60", "--fte-cost", "60000",
           "--time-limit", "20", "--out", str(tmp_path / "p.xlsx"), "--html",
           str(tmp_path / "p.html"), "--store", str(tmp_path / "s.duckdb")]  # fmt: skip
    res = CliRunner().invoke(app, cog)
    assert res.exit_code == 0, res.output
    assert "population sous 60" in res.output
    xl = pd.read_excel(tmp_path / "p.xlsx", sheet_name="Synthèse")
    assert "ETP infirmiers ajoutés (cumul)" in xl.columns
    assert "Recrutements par an (ETP, infirmiers)" in (tmp_path / "p.html").read_text("utf-8")
