"""Plan vs the world without a COG, communes served by each site, sensitivity, costs bind."""

import numpy as np
import pandas as pd
import pytest

from proxisante.plan import build_cog_plan, build_instance, write_xlsx
from proxisante.plan.compare import VERSUS_COLUMNS
from proxisante.plan.optimise import activity
from proxisante.plan.sensitivity import scaled_instance
from proxisante.territory import select


@pytest.fixture(scope="module")
def plan():
    inst = build_instance(select("circo:12-02"),
                          budgets_eur={2025: 6e5, 2026: 6e5, 2027: 6e5, 2028: 6e5})  # fmt: skip
    return build_cog_plan(inst, time_limit_s=20, sensitivity=True)


def test_versus_table_by_hand(plan):
    inst, sol, v = plan.instance, plan.solution, plan.versus
    assert list(v.columns) == list(VERSUS_COLUMNS) and v["année"].tolist() == inst.years
    b = inst.block("gp")
    pop = inst.population
    for t in range(len(inst.years)):
        gain = b.effect_per_fte @ activity(inst, sol.fte)[0, :, t]
        z = b.zoning_baseline[:, t]
        assert v.iloc[t, 1] == pop[z < 2.5].sum()
        assert v.iloc[t, 3] == pop[z + gain < 2.5].sum() <= v.iloc[t, 1]
        assert v.iloc[t, 4] == pop[b.baseline[:, t] < 2.5].sum()
    # the official anchors of circo 12-02 (DREES APL 2023)
    assert (v.iloc[:, -2] == 34_167).all() and (v.iloc[:, -1] == 16_258).all()
    net = plan.summary["coût net (€)"].to_numpy()
    np.testing.assert_allclose(v["coût net cumulé (€)"], np.cumsum(net))
    lifted = v["habitants sortis au-dessus de 2,5 par le plan (APL zonage)"].iloc[-1]
    if lifted > 0:
        assert v.iloc[-1, 11] == pytest.approx(net.sum() / lifted)


def test_budget_binds_with_sourced_costs(plan):
    # a GP FTE costs more than it brings: the 600,000 € budget stops the plan in some year
    a = plan.instance.assumptions
    assert a.cost_per_fte("gp") + a.support_per_fte("gp") > a.income_per_fte("gp")
    assert plan.summary["contrainte limitante"].str.contains("budget").any()
    assert any(n.startswith("Le budget limite le plan de base dès") for n in plan.notes)


def test_served_communes_are_reached_by_the_site(plan):
    inst, served = plan.instance, plan.served
    assert not served.empty
    act = activity(inst, plan.solution.fte)[0, :, -1]
    b = inst.block("gp")
    for code_site, part in served.groupby("code site"):
        k = int(np.flatnonzero(inst.candidates["commune"].to_numpy() == code_site)[0])
        rows = np.searchsorted(inst.codes, part["code commune"])
        np.testing.assert_allclose(part["gain médecins (site)"],
                                   b.effect_per_fte[:, [k]].toarray().ravel()[rows] * act[k])  # fmt: skip
        assert (part["gain médecins (site)"] >= 0.01).all()
    assert served["zonage (APL des moins de 65 ans, officielle)"].str.len().gt(0).all()


def test_sensitivity_moves_the_plan_the_right_way(plan, tmp_path):
    s = plan.sensitivity.set_index("variante")
    assert list(s.index) == ["plan de base", "coûts −20 %", "coûts +20 %", "recettes −20 %",
                             "recettes +20 %", "activité des médecins −20 %",
                             "activité des médecins +20 %"]  # fmt: skip
    fte = s["ETP ajoutés (cumul)"]
    assert fte["coûts −20 %"] >= fte["coûts +20 %"]
    assert fte["recettes +20 %"] >= fte["recettes −20 %"]
    inst = plan.instance
    low = scaled_instance(inst, "activity", 0.8)
    np.testing.assert_allclose(low.block("gp").effect_per_fte.toarray(),
                               0.8 * inst.block("gp").effect_per_fte.toarray())  # fmt: skip
    assert low.assumptions.fees_per_fte("gp") == pytest.approx(0.8 * 4220 * 30)
    path = write_xlsx(plan, tmp_path / "p.xlsx")
    from openpyxl import load_workbook

    assert "Sensibilité" in load_workbook(path).sheetnames
    assert isinstance(plan.sensitivity, pd.DataFrame)


def test_html_section_has_the_comparison_the_where_and_the_sensitivity(plan):
    from proxisante.report import plan_section

    html = plan_section(plan, "2e circonscription de l'Aveyron", with_map=False).html
    assert "Le plan face à la situation sans COG" in html
    assert "Habitants sous 2,5 (APL zonage, estimé)" in html  # the paired-bar chart
    assert "ancrage officiel" in html and "Communes desservies" in html
    assert "Sensibilité : coûts, recettes et activité à ±20 %" in html
