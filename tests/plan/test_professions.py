"""Planning professions other than GPs and nurses (FTE per 100,000 standardised inhabitants
with the DREES step, user threshold and cost per FTE) on the multi-profession plan model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from proxisante.access import EvaluationBaseline, two_step
from proxisante.cli import app
from proxisante.errors import InputError
from proxisante.plan import PlanAssumptions, build_cog_plan, build_instance, greedy, solve_milp
from proxisante.territory import select

TERR = select("epci:246200364")  # CA de Lens-Liévin
PHYSIOS = pd.Series({"62498": 30.0, "62523": 4.0, "62510": 9.0, "62065": 6.0})
COST = PlanAssumptions().with_overrides({"physiotherapist_fte_eur_per_year": 60_000.0})
BUDGET = {2025: 3e5, 2026: 3e5}


def _physio(**kw):
    args = dict(budgets_eur=BUDGET, hires_fte=3, max_candidates=8, assumptions=COST,
                professions=("physiotherapist",), supply_fte={"physiotherapist": PHYSIOS},
                thresholds={"physiotherapist": 60.0})  # fmt: skip
    return build_instance(TERR, **(args | kw))


@pytest.fixture(scope="module")
def physio():
    return _physio()


def test_baseline_and_effect_match_an_independent_2sfca(physio):
    ctx = EvaluationBaseline.official(2023)
    s = PHYSIOS.reindex(ctx.codes).fillna(0.0).to_numpy()
    full = two_step(ctx.catchment.weights, s, ctx.pop_standardisee) * 1e5
    rows = np.isin(ctx.codes, physio.codes)
    b = physio.block("physiotherapist")
    np.testing.assert_allclose(b.today, full[rows], rtol=1e-12)
    s2 = s.copy()
    s2[ctx.index_of([physio.candidates["commune"].iloc[1]])[0]] += 1.0
    after = two_step(ctx.catchment.weights, s2, ctx.pop_standardisee)[rows] * 1e5
    np.testing.assert_allclose(after - full[rows], b.effect_per_fte[:, [1]].toarray().ravel(),
                               rtol=1e-9, atol=1e-12)  # fmt: skip
    assert b.threshold == 60.0 and b.unit_en.startswith("FTE per 100,000")
    assert physio.assumptions.cost_per_fte("physiotherapist") == 60_000.0
    # no fee income known: the net cost is the gross cost
    assert physio.assumptions.income_per_fte("physiotherapist") == 0.0


def test_plan_respects_budget_and_hiring_and_speaks_of_the_profession(physio):
    g = greedy(physio, "deficit")
    sol = solve_milp(physio, "deficit", time_limit_s=20, warm_start=g)
    assert sol.objective <= g.objective + 1e-6 and sol.fte.sum() > 0
    a = physio.assumptions
    new = ~physio.existing
    x, o = sol.fte[0], sol.open
    o_prev = np.concatenate([physio.existing[:, None].astype(float), o[:, :-1]], axis=1)
    for t in range(len(physio.years)):  # hand form: no income, cost per FTE + running costs
        support = a.support_fte_per_other_fte * a.support_staff_eur_per_fte + a.support_eur_per_fte
        cost = ((60_000.0 + support) * x[:, t].sum()
                + a.opening_eur * (o[new, t] - o_prev[new, t]).sum()
                + a.site_eur_per_year * o[new, t].sum())  # fmt: skip
        assert cost <= physio.budget_eur[t] + 1e-6
    hired = np.diff(np.concatenate(([0.0], x.sum(axis=0))))
    assert (hired <= physio.hires_fte + 1e-9).all()
    plan = build_cog_plan(physio, time_limit_s=20)
    assert {"recrutements kinésithérapeutes (ETP)", "ETP kinésithérapeutes ajoutés (cumul)",
            "habitants sous 60 (kinésithérapeutes) avec le plan"} <= set(plan.summary.columns)  # fmt: skip
    rows = dict(zip(plan.assumptions["hypothèse"], plan.assumptions["valeur"], strict=True))
    assert rows["coût employeur d'un ETP (masseurs-kinésithérapeutes)"] == 60_000.0
    assert not any(k.startswith("honoraires par ETP infirmier") for k in rows)
    from proxisante.report.plan_section import plan_section

    html = plan_section(plan, "CA de Lens-Liévin").html
    assert "masseurs-kinésithérapeutes" in html


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"professions": ("surgeon",)}, r"profession was 'surgeon'; expected one of gp, nurse"),
        ({"thresholds": {}}, r"threshold is required for profession 'physiotherapist'"),
        ({"thresholds": {"physiotherapist": -1.0}}, r"threshold of physiotherapist was -1.0"),
        ({"assumptions": PlanAssumptions()}, r"no cost per FTE for profession 'physiotherapist'"),
        ({"supply_fte": {"physiotherapist": pd.Series({"62498": 0.0})}},
         r"no physiotherapist supply known"),
        ({"supply_fte": {"physiotherapist": pd.Series({"99999": 3.0})}},
         r"communes without an official APL"),
    ],
)  # fmt: skip
def test_bad_parameters_are_named(kw, pattern):
    with pytest.raises(InputError, match=pattern):
        _physio(**kw)


def test_other_profession_assumptions_are_checked():
    with pytest.raises(InputError, match=r"physiotherapist_fte_eur_per_year was -1"):
        PlanAssumptions().with_overrides({"physiotherapist_fte_eur_per_year": -1})
    with pytest.raises(InputError, match=r"unknown assumption 'surgeon_fte_eur_per_year'"):
        PlanAssumptions().with_overrides({"surgeon_fte_eur_per_year": 1})
    a = PlanAssumptions().with_overrides({"midwife_fte_eur_per_year": 70_000,
                                          "midwife_fees_eur_per_fte": 50_000,
                                          "midwife_attrition_per_year": 0.1})  # fmt: skip
    assert (a.cost_per_fte("midwife"), a.fees_per_fte("midwife"), a.attrition("midwife")) == (
        70_000.0, 50_000.0, 0.1)  # fmt: skip
    assert PlanAssumptions().attrition("dentist") == PlanAssumptions().other_attrition_per_year


def test_cli_plan_other_profession(tmp_path):
    sup = tmp_path / "physiotherapists.csv"
    sup.write_text("commune,fte,profession\n" + "".join(
        f"{c},{v},physiotherapist\n" for c, v in PHYSIOS.items()) + "62498,30,gp\n",
        encoding="utf-8")  # fmt: skip
    base = ["plan", "optimise", "-t", "epci:246200364", "--budget", "2025=3e5,2026=3e5",
            "--hires", "3", "--max-candidates", "8", "--profession", "physiotherapist",
            "--supply", str(sup), "--time-limit", "20", "--store", str(tmp_path / "s.duckdb")]  # fmt: skip
    res = CliRunner().invoke(app, [*base, "--threshold", "60", "--fte-cost", "60000"])
    assert res.exit_code == 0, res.output
    assert ("kinésithérapeutes : accès en ETP pour 100 000 habitants standardisés, seuil 60"
            in " ".join(res.output.split()))  # fmt: skip
    res = CliRunner().invoke(app, [*base, "--fte-cost", "60000"])
    assert res.exit_code == 2 and "threshold is required" in res.output
    res = CliRunner().invoke(app, [*base, "--threshold", "60"])
    assert res.exit_code == 2 and "no cost per FTE for profession 'physiotherapist'" in res.output
    res = CliRunner().invoke(app, [*base, "--threshold", "dentist=60", "--fte-cost", "6e4"])
    assert res.exit_code == 2 and "profession 'dentist' that is not planned" in res.output
    cog = ["plan", "cog", "-t", "epci:246200364", "--from", "2025", "--to", "2026",
           "--budget-per-year", "3e5", "--hires", "3", "--max-candidates", "8", "--professions",
           "gp,physiotherapist", "--supply", str(sup), "--threshold", "60", "--fte-cost",
           "60000", "--time-limit", "20", "--out", str(tmp_path / "p.xlsx"), "--html",
           str(tmp_path / "p.html"), "--store", str(tmp_path / "s.duckdb")]  # fmt: skip
    res = CliRunner().invoke(app, cog)
    assert res.exit_code == 0, res.output
    xl = pd.read_excel(tmp_path / "p.xlsx", sheet_name="Synthèse")
    assert {"recrutements médecins (ETP)", "recrutements kinésithérapeutes (ETP)"} <= set(
        xl.columns)  # fmt: skip
    assert "kinésithérapeutes" in (tmp_path / "p.html").read_text("utf-8")


def test_without_a_supply_file_the_bpe_estimate_is_the_supply():
    """Physiotherapists planned with no supply file: the BPE 2021 estimate of the profession
    (« estimé », with its source row), equal to the estimated APL's supply."""
    from proxisante.access import baseline_professions
    from proxisante.offer import load_default_offer

    inst = _physio(supply_fte=None)
    ctx = EvaluationBaseline.official(2023)
    est = baseline_professions(ctx, load_default_offer())["physiotherapist"]
    full = two_step(ctx.catchment.weights, est.supply_fte, ctx.pop_standardisee) * 1e5
    rows = np.isin(ctx.codes, inst.codes)
    np.testing.assert_allclose(inst.block("physiotherapist").today, full[rows], rtol=1e-12)
    assert any(r["statut"] == "estimé" and "Base permanente des équipements 2021" in r["source"]
               for r in inst.sources)  # fmt: skip
