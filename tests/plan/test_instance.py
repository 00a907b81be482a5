"""Bundled-data instances: candidate rule, freeze baseline, replacements, nurses, exports."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.access import two_step
from proxisante.errors import DataFileError, InputError
from proxisante.plan import (
    PlanAssumptions,
    budget_scenarios,
    build_cog_plan,
    build_instance,
    read_assumptions,
    write_xlsx,
)
from proxisante.plan.candidates import CandidateRule, eligible_communes, population_within
from proxisante.plan.freeze import freeze_losses
from proxisante.plan.instance import network_codes
from proxisante.territory import select

GARD = select("dep:30")
BUDGET = {2025: 1e6, 2026: 2e6}


@pytest.fixture(scope="module")
def gard():
    return build_instance(GARD, budgets_eur=BUDGET, hires_fte=4)


def test_candidate_rule_by_hand():
    ok = eligible_communes(
        attraction_category=np.array([11, 30, 20, 20, 13, np.nan]),
        urban_unit_size_class=np.array([5, 0, 1, 0, 0, 2]),
        gp_count=np.array([12, 3, 1, 4, 0, 2]),
        population_15_min=np.array([90_000, 20_000, 6_000, 30_000, 8_000, 4_000]),
    )
    # pôle ✓; rural outside any area ✗; bourg ✓; couronne rural ✗; pôle without GP ✗;
    # bourg under 5,000 people within 15 minutes ✗
    assert ok.tolist() == [True, False, True, False, False, False]
    loose = CandidateRule(min_population_15_min=1000, require_gp=False)
    assert eligible_communes(attraction_category=np.array([13]), urban_unit_size_class=[0],
                             gp_count=[0], population_15_min=[1500], rule=loose).tolist() == [True]  # fmt: skip


def test_population_within_15_minutes_by_hand():
    # weights 1 (< 10 min), 2/3 (10-15), 1/3 (15-20): only the first two count
    w = sp.csr_array(np.array([[1.0, 2 / 3, 1 / 3], [2 / 3, 1.0, 0.0], [1 / 3, 0.0, 1.0]]))
    got = population_within(w, np.array([100.0, 10.0, 1.0]), min_weight=2 / 3)
    assert got.tolist() == [110.0, 110.0, 1.0]


def test_default_candidates_follow_the_rule_and_start_with_existing_centres(gard):
    from proxisante.offer import load_default_offer

    c = gard.candidates
    n = int(c["existing"].sum())
    assert c["existing"].iloc[:n].all() and not c["existing"].iloc[n:].any()
    s = load_default_offer().sites
    mine = s[(s["operator"] == "filieris") & (s["category"] == "centre_de_sante")
             & (s["status"] == "open") & s["commune"].isin(GARD.codes)]  # fmt: skip
    assert set(c.loc[c["existing"], "candidate_id"]) == set(mine["site_id"])
    assert {"Bessèges", "Saint-Ambroix", "Saint-Christol-lez-Alès", "Salindres"} <= set(
        c.loc[c["existing"], "name"])  # fmt: skip
    # the villages of the issue are not candidates any more
    assert not {"30310", "30230"} & set(c["commune"])  # Saumane, Saint-André-de-Roquepertuis
    assert (c["name"] != "").all()
    assert any("pôles" in n for n in gard.notes)


def test_freeze_losses_by_hand():
    staff = pd.DataFrame({  # FTE already converted from headcounts (offer.staff_fte)
        "site_id": ["mine", "mine", "other", "other"], "fte": [10.0, 2.0, 3.0, 2.0],
        "birth_year": [None, 1958, 1959, None],
    })  # fmt: skip
    lost, by_birth = freeze_losses(staff, [2025, 2026, 2027], attrition_per_year=0.05,
                                   retirement_age=67, operator_sites={"mine"})  # fmt: skip
    np.testing.assert_allclose(lost[0], [0.5, 0.975, 10 * (1 - 0.95**3)])
    assert lost[1].tolist() == [2.0, 2.0, 2.0]  # 67 in 2025
    assert lost[2].tolist() == [0.0, 3.0, 3.0]  # another operator's GP retiring at 67
    assert lost[3].tolist() == [0.0, 0.0, 0.0]  # another operator: no birth year, kept
    assert by_birth.tolist() == [False, True, True, False]


def test_sans_cog_baseline_worsens_every_year_and_departures_are_replaced(gard):
    b = gard.block("gp")
    # Filieris GPs stated in the Gard: Bessèges 6, Saint-Ambroix 2, Saint-Christol 2; Salindres
    # (no source states its GPs) enters with the calibrated model's estimate (« estimé »)
    c = gard.candidates.set_index("candidate_id")
    sal = c.loc["filieris-centre-de-sante-de-salindres"]
    assert sal["gp_staff_basis"] == "estimé"
    assert sal["gp_fte_today"] == pytest.approx(3.0)  # 16,200 consultations
    # 10 GPs stated (Bessèges 6, Saint-Ambroix 2, Saint-Christol 2) + every estimate
    est = c.loc[c["existing"] & (c["gp_staff_basis"] == "estimé"), "gp_fte_today"]
    staff = 10 + est.sum()
    np.testing.assert_allclose(b.lost_fte, [staff * 0.05, staff * (1 - 0.95**2)])
    # the freeze's loss grows every year, on top of retirements and installations
    freeze = b.no_cog.access - b.baseline
    assert (freeze[:, 1] >= freeze[:, 0] - 1e-12).all() and (freeze[:, 1] > freeze[:, 0]).any()
    assert (b.baseline[:, 0] < b.today).any()
    # retirements outweigh installations where GPs aged 65+ hold much of the access
    heavy = (b.today - b.anchor) > 0.3 * b.today
    assert (b.baseline[heavy, 1] < b.baseline[heavy, 0]).all()
    besseges = np.flatnonzero(gard.candidates["candidate_id"] == "filieris-centre-de-besseges")[0]
    assert gard.min_fte[0, besseges].tolist() == [0.5, 0.5]  # 0.3 then 0.585 FTE, nearest 0.5
    plan = build_cog_plan(gard, time_limit_s=20)
    assert (plan.solution.fte[0, besseges] >= [0.5, 0.5]).all()
    s = plan.summary
    assert s["habitants sous 2,5 (médecins) sans COG"].is_monotonic_increasing
    assert (s["habitants sous 2,5 (médecins) avec le plan"]
            <= s["habitants sous 2,5 (médecins) sans COG"]).all()  # fmt: skip
    np.testing.assert_allclose(s["coût brut (€)"] - s["recettes (€)"], s["coût net (€)"])
    assert (s["coût net (€)"] <= s["budget net (€)"] + 1e-6).all()


def test_plan_effects_and_freeze_are_computed_in_the_calibrated_world(gard):
    from proxisante.access import EvaluationBaseline
    from proxisante.model import default_baseline
    from proxisante.model.site_estimate import unknown_staff_estimates
    from proxisante.offer import load_default_offer, site_supply

    ctx = default_baseline(2023)
    assert ctx.calibrated
    rows = ctx.index_of(gard.codes)
    b = gard.block("gp")
    np.testing.assert_allclose(b.today, ctx.baseline_apl[rows])  # the official APL is shown
    # one GP FTE hired at Bessèges: the calibrated world's delta, not the official world's
    k = int(np.flatnonzero(gard.candidates["name"] == "Bessèges")[0])
    j = ctx.index_of([gard.candidates["commune"].iloc[k]])
    hire = (ctx.apl_after(j, [4220.0]) - ctx.baseline_apl)[rows]  # a salaried GP's activity
    np.testing.assert_allclose(b.effect_per_fte[:, [k]].toarray().ravel(), hire, atol=1e-12)
    official = EvaluationBaseline.official(2023).catchment.delta(j, [4220.0])[rows]
    assert np.abs(hire - official).max() > 1e-3
    # the first freeze year: 5 % of each Filieris centre's GPs removed in the same world
    # (Salindres, staff unknown: its estimate, removed at its commune)
    offer = load_default_offer()
    s = offer.sites
    mine = s[(s["operator"] == "filieris") & (s["status"] == "open")
             & s["commune"].isin(GARD.codes)]  # fmt: skip
    known = mine.merge(site_supply(offer), on=["site_id", "commune"])
    est = unknown_staff_estimates(offer, ctx, mine[mine["category"] == "centre_de_sante"])
    assert "filieris-centre-de-sante-de-salindres" in est
    removals = [e.removal(0.05 * e.consultations) for e in est.values()]
    after = ctx.apl_after(
        np.concatenate([ctx.index_of(known["commune"]), *[c for c, _ in removals]]),
        np.concatenate([-0.05 * known["fte"].to_numpy() * 5400, *[d for _, d in removals]]),
    )  # fmt: skip
    # the freeze comes on top of the retirements and installations of the "sans COG" world
    freeze = ctx.baseline_apl[rows] - after[rows]
    np.testing.assert_allclose(b.baseline[:, 0], b.no_cog.access[:, 0] - freeze, atol=1e-12)
    model = [r for r in gard.sources if r["valeur"] == ctx.model_id]
    assert model and model[0]["statut"] == "estimé" and "corrélation" in model[0]["source"]
    assert any("modèle calibré" in n for n in gard.notes)


def test_headcount_conversion_is_the_one_of_scenarios():
    import dataclasses

    from proxisante.offer import load_default_offer, site_supply, staff_fte

    offer = dataclasses.replace(load_default_offer(), centre_gp_fte_per_person=0.5)
    st = offer.staff
    gp_heads = st[(st["profession"] == "gp") & st["fte"].isna() & st["headcount"].notna()]
    centre = gp_heads["site_id"].isin(offer.sites.loc[
        offer.sites["category"] == "centre_de_sante", "site_id"])  # fmt: skip
    np.testing.assert_allclose(staff_fte(offer, gp_heads),
                               gp_heads["headcount"] * np.where(centre, 0.5, 1.0))  # fmt: skip
    assert site_supply(offer)["fte"].sum() < site_supply(load_default_offer())["fte"].sum()
    inst = build_instance(GARD, budgets_eur=BUDGET, hires_fte=4, offer=offer)
    # 10 Filieris GPs known by headcount in the Gard count 5 FTE at 0.5 FTE per person, and
    # the estimates (median of the known centres, converted the same way) halve too
    c = inst.candidates.set_index("candidate_id")
    assert c.loc["filieris-centre-de-sante-de-salindres", "gp_fte_today"] == pytest.approx(1.5)
    est = c.loc[c["existing"] & (c["gp_staff_basis"] == "estimé"), "gp_fte_today"]
    assert (est == 1.5).all()
    staff = 5 + est.sum()
    np.testing.assert_allclose(inst.block("gp").lost_fte, [staff * 0.05, staff * (1 - 0.95**2)])
    row = next(r for r in inst.sources if r["unité"] == "ETP par personne")
    assert row["valeur"] == 0.5 and row["statut"] == "valeur utilisateur"
    assert "0,5 ETP" in row["source"]
    # a conversion set in the assumptions must be the offer's: refused, never ignored
    with pytest.raises(InputError, match=r"assumptions count 0\.8 FTE .* the offer 0\.5"):
        build_instance(GARD, budgets_eur=BUDGET, hires_fte=4, offer=offer,
                       assumptions=PlanAssumptions(centre_gp_fte_per_person=0.8))  # fmt: skip
    with pytest.raises(
        InputError, match=r"centre_gp_fte_per_person was 1.5; expected a number of FTE/person"
    ):
        PlanAssumptions(centre_gp_fte_per_person=1.5)


def test_birth_years_drive_the_freeze_when_known():
    from proxisante.offer import Offer, load_default_offer

    offer = load_default_offer()
    staff = offer.staff.copy()
    staff["birth_year"] = staff["birth_year"].astype("Int16")
    carmaux = staff["site_id"] == "filieris-centre-de-sante-de-carmaux"
    staff.loc[carmaux, "birth_year"] = 1959  # 67 in 2026
    inst = build_instance(select("dep:81"), budgets_eur=BUDGET, hires_fte=8,
                          offer=Offer(offer.sites, staff))  # fmt: skip
    b = inst.block("gp")
    # Carmaux: 6 GPs all gone in 2026; the others (Albi 4 GPs, estimates) at 5 % a year
    c = inst.candidates.set_index("candidate_id")
    others = c.loc[c["existing"], "gp_fte_today"].drop("filieris-centre-de-sante-de-carmaux")
    rest = float(others.sum())
    np.testing.assert_allclose(b.lost_fte, [rest * 0.05, 6 + rest * (1 - 0.95**2)])
    assert "années de naissance" in b.lost_basis


def test_nurses_in_the_same_plan_match_an_independent_2sfca():
    from proxisante.access import EvaluationBaseline

    nurses = pd.Series({"62498": 40.0, "62523": 6.0, "62510": 12.0, "62065": 9.0})
    terr = select("epci:246200364")
    inst = build_instance(terr, budgets_eur=BUDGET, hires_fte=4, max_candidates=8,
                          professions=("gp", "nurse"), supply_fte={"nurse": nurses},
                          thresholds={"nurse": 60.0})  # fmt: skip
    assert inst.professions == ["gp", "nurse"]
    ctx = EvaluationBaseline.official(2023)  # nurses: the needs layer's travel estimate
    s = nurses.reindex(ctx.codes).fillna(0.0).to_numpy()
    full = two_step(ctx.catchment.weights, s, ctx.pop_standardisee) * 1e5
    rows = np.isin(ctx.codes, inst.codes)
    nb = inst.block("nurse")
    np.testing.assert_allclose(nb.today, full[rows], rtol=1e-12)
    s2 = s.copy()
    s2[ctx.index_of([inst.candidates["commune"].iloc[0]])[0]] += 1.0
    after = two_step(ctx.catchment.weights, s2, ctx.pop_standardisee)[rows] * 1e5
    np.testing.assert_allclose(after - full[rows], nb.effect_per_fte[:, [0]].toarray().ravel(),
                               rtol=1e-9, atol=1e-12)  # fmt: skip
    plan = build_cog_plan(inst, time_limit_s=20)
    assert {"recrutements médecins (ETP)", "recrutements infirmiers (ETP)",
            "habitants sous 60 (infirmiers) avec le plan"} <= set(plan.summary.columns)  # fmt: skip
    with pytest.raises(InputError, match="threshold is required for profession 'nurse'"):
        build_instance(terr, budgets_eur=BUDGET, professions=("gp", "nurse"),
                       supply_fte={"nurse": nurses})  # fmt: skip
    with pytest.raises(InputError, match="profession was 'surgeon'; expected one of gp, nurse"):
        build_instance(terr, budgets_eur=BUDGET, professions=("gp", "surgeon"))


def test_network_territory_is_around_the_operator_centres():
    codes = network_codes("filieris")
    assert {"30037", "12089", "62065", "57227"} <= set(codes)
    assert "75056" not in codes and len(codes) < 2000
    with pytest.raises(InputError, match="operator 'nobody' has no open centre"):
        network_codes("nobody")


def test_assumptions_yaml_overrides_and_errors(tmp_path):
    f = tmp_path / "hyp.yaml"
    f.write_text("gp_tariff_eur: 31.5\nmin_team_gp_fte: 3\n", encoding="utf-8")
    a = read_assumptions(f)
    assert a.gp_tariff_eur == 31.5 and a.fees_per_fte("gp") == 4220 * 31.5
    t = a.table()
    assert (
        t.loc[t["hypothèse"] == "tarif de la consultation G", "statut"] == "valeur utilisateur"
    ).all()
    assert t["source"].str.len().gt(5).all() and set(t["statut"]) <= {
        "sourcé", "estimé", "hypothèse", "valeur utilisateur", "calculé"}  # fmt: skip
    f.write_text("gp_tarif: 31.5\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"hyp.yaml: unknown assumption 'gp_tarif'"):
        read_assumptions(f)
    f.write_text("gp_tariff_eur: trente\n", encoding="utf-8")
    with pytest.raises(
        DataFileError, match=r"'gp_tariff_eur' was 'trente'; expected a decimal number"
    ):
        read_assumptions(f)
    with pytest.raises(DataFileError, match="file not found"):
        read_assumptions(tmp_path / "none.yaml")
    assert PlanAssumptions().fees_per_fte("gp") == 4220 * 30.0  # a salaried GP's activity


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        # deeper than libyaml's own limit: PyYAML's Python loader used to recurse (and take
        # seconds) on it
        ("gp_tariff_eur: " + "[" * 20_000 + "]" * 20_000 + "\n", r"nested too deeply"),
        ("gp_tariff_eur: " + "[" * 50 + "]" * 50 + "\n", r"nested deeper than 8 levels"),
        ("a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "".join(
            f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 7)),
         r"more than 100,000 values"),
    ],
)  # fmt: skip
def test_assumptions_yaml_is_read_with_bounds(tmp_path, text, pattern):
    """Plan assumptions are read like scenario files (libyaml, nesting and size bounded):
    a hostile file is a one-line error naming the file, quickly."""
    f = tmp_path / "hyp.yaml"
    f.write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(DataFileError, match=r"hyp.yaml(, line \d+)?: .*" + pattern):
        read_assumptions(f)
    assert time.perf_counter() - t0 < 5
    f.write_bytes("gp_tariff_eur: 30\n# é\n".encode("latin-1"))
    with pytest.raises(DataFileError, match=r"hyp.yaml, line 2: byte 0xE9 is not UTF-8"):
        read_assumptions(f)


def test_assumptions_yaml_loads_as_before(tmp_path):
    """A normal file gives the same assumptions as PyYAML's plain safe loading did (BOM,
    comments, integers, floats, other professions' keys)."""
    import yaml

    text = ("# hypothèses du réseau\ngp_tariff_eur: 31.5\nmin_team_gp_fte: 3\n"
            "fixed_payment_share: 1.5e-1\nphysiotherapist_fte_eur_per_year: 60000\n")  # fmt: skip
    f = tmp_path / "hyp.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    expected = PlanAssumptions().with_overrides(yaml.safe_load(text))
    assert read_assumptions(f) == expected
    assert (
        expected.gp_tariff_eur == 31.5
        and expected.other["physiotherapist_fte_eur_per_year"] == 60000
    )


def test_scenarios_and_french_xlsx(gard, tmp_path):
    from openpyxl import load_workbook

    plan = build_cog_plan(gard, time_limit_s=20)
    sc = budget_scenarios(gard, time_limit_s=20)
    freeze, flat, _growth = sc.columns
    assert sc.loc["coût net cumulé (€)", freeze] == 0.0
    assert sc.loc["habitants sous 2,5 (médecins) (2026)", freeze] == pytest.approx(
        plan.summary["habitants sous 2,5 (médecins) sans COG"].iloc[-1]
    )
    assert (
        sc.loc["habitants sous 2,5 (médecins) (2026)", flat]
        < sc.loc["habitants sous 2,5 (médecins) (2026)", freeze]
    )
    path = write_xlsx(plan, tmp_path / "plan.xlsx", scenarios=sc)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Plan 2025", "Plan 2026", "Plan et sans COG",
                             "Communes desservies", "Communes", "Scénarios budgétaires",
                             "Sources et hypothèses", "Sources", "Notes"]  # fmt: skip
    sources = [[c.value for c in r] for r in wb["Sources"].iter_rows(min_row=2)]
    assert any("drees" in str(v) for r in sources for v in r)
    floats = [c.value for row in wb["Communes"].iter_rows(min_row=2) for c in row
              if isinstance(c.value, float)]  # fmt: skip
    assert floats and all(v == round(v, 3) for v in floats)  # no 2.061346867785548
    head = [c.value for c in wb["Plan 2025"][1]]
    assert head[:6] == ["année", "code commune", "commune", "site", "centre existant",
                        "ouverture cette année"]  # fmt: skip
    values = {c.value for row in wb["Plan 2025"].iter_rows(min_row=2) for c in row}
    assert {"Oui", "Non"} & values and not any(isinstance(v, bool) for v in values)
    assert "Bessèges" in values
    assert any("plus bas = meilleur" in str(r[0].value) for r in wb["Notes"].iter_rows())


def test_operator_centres_with_unknown_staff_enter_with_an_estimate():
    """Decazeville and Firmi (circo 12-02): no source states their GPs; the plan reinforces
    them with their estimated staff (« estimé »), which leaves under the freeze too."""
    inst = build_instance(select("circo:12-02"), budgets_eur=BUDGET, hires_fte=4)
    c = inst.candidates.set_index("candidate_id")
    for site in ("filieris-centre-de-decazeville", "filieris-centre-de-firmi"):
        assert c.loc[site, "existing"] and c.loc[site, "gp_staff_basis"] == "estimé"
        assert c.loc[site, "gp_fte_today"] > 0
    b = inst.block("gp")
    fte = c.loc[["filieris-centre-de-decazeville", "filieris-centre-de-firmi"], "gp_fte_today"]
    np.testing.assert_allclose(b.lost_fte, fte.sum() * np.array([0.05, 1 - 0.95**2]))
    assert (b.baseline[:, 0] < b.today - 1e-9).any()  # the estimated departures count
    assert "estimé" in b.lost_basis and "Decazeville" in b.lost_basis
    est = [r for r in inst.sources if r["statut"] == "estimé" and "Decazeville" in r["hypothèse"]]
    assert est and est[0]["valeur"] > 0 and "retirée dans la commune du centre" in est[0]["source"]
    plan = build_cog_plan(inst, time_limit_s=20)
    d = plan.detail
    assert (d.loc[d["commune"] == "Decazeville", "source de l'effectif"] == "estimé").all()


def test_plan_indicators_get_an_ensemble_range(gard):
    from proxisante.model import default_baseline
    from proxisante.plan.optimise import access_after_worlds

    ctx = default_baseline(2023)
    b = gard.block("gp")
    assert len(b.member_effects) == len(ctx.members) > 0
    # member effects: the per-unit effects of each member's catchment (hand check, one column)
    k = 0
    j = ctx.index_of([gard.candidates["commune"].iloc[k]])
    rows = ctx.index_of(gard.codes)
    m = ctx.members[0]
    want = m.catchment.delta(j, [4220.0])[rows]
    np.testing.assert_allclose(b.member_effects[0][:, [k]].toarray().ravel(), want, atol=1e-12)
    plan = build_cog_plan(gard, time_limit_s=20)
    worlds = access_after_worlds(gard, plan.solution.fte)[0]
    np.testing.assert_allclose(worlds[0], plan.communes.iloc[:, -1].to_numpy())  # central
    note = next(n for n in plan.notes if n.startswith("Fourchette des effets du plan"))
    assert "P10–P90" in note and "estimé" in note
