"""Scenario impacts: delta = full recompute, linearity, no-op closures, ranking order, bad edits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.access import Catchment, EvaluationBaseline
from proxisante.errors import InputError
from proxisante.offer import Offer
from proxisante.scenarios import (
    criticality_ranking,
    evaluate,
    parse_scenario,
    supply_changes,
)

# Five real communes (codes must exist), a hand-made symmetric-ish travel matrix (minutes).
CODES = np.array(["62523", "62498", "62510", "62065", "62427"])
MIN = np.array(
    [
        [0, 6, 12, 30, 16],
        [6, 0, 9, 11, 25],
        [12, 9, 0, 18, 40],
        [30, 11, 18, 0, 14],
        [16, 26, 40, 14, 0],
    ],
    dtype=float,
)
POP = np.array([5000.0, 30000.0, 8000.0, 17000.0, 3000.0])


def _context(baseline: np.ndarray | None = None) -> EvaluationBaseline:
    keep = MIN <= 20
    rows, cols = np.nonzero(keep)
    m = sp.csr_array((MIN[rows, cols], (rows, cols)), shape=MIN.shape)
    cat = Catchment.build(m, POP)
    return EvaluationBaseline(
        year=2023, codes=CODES,
        baseline_apl=np.zeros(5) if baseline is None else baseline,
        pop_standardisee=POP, pop_totale=POP, catchment=cat,
    )  # fmt: skip


def _offer() -> Offer:
    sites = pd.DataFrame({
        "site_id": ["s1", "s2", "s3", "s4", "s5"],
        "name": ["A", "B", "C", "D", "E"],
        "category": "centre_de_sante",
        "operator": ["filieris", "filieris", "filieris", "other", "filieris"],
        "commune": ["62523", "62498", "62065", "62510", "62427"],
        "status": ["open", "open", "open", "open", "closed"],
    })  # fmt: skip
    staff = pd.DataFrame({
        "site_id": ["s1", "s2", "s2", "s3", "s4"],
        "profession": ["gp", "gp", "nurse", "gp", "gp"],
        "headcount": [2, 5, 3, 3, 4],
        "fte": pd.array([1.5, pd.NA, pd.NA, 0.0, 4.0], dtype="Float64"),
        "activity_consultations": pd.array([pd.NA, pd.NA, pd.NA, pd.NA, 20000], dtype="Float64"),
        "birth_year": pd.array([1955, 1980, pd.NA, 1990, 1958], dtype="Int16"),
    })  # fmt: skip
    return Offer(sites=sites, staff=staff)


def _full_supply(offer: Offer) -> pd.Series:
    from proxisante.offer import site_supply

    s = site_supply(offer).groupby("commune")["consultations"].sum()
    return s.reindex(CODES).fillna(0.0)


def _sc(*edits) -> object:
    return parse_scenario({"name": "t", "edits": list(edits)})


def test_delta_equals_full_recompute():
    offer = _offer()
    full = _full_supply(offer)
    ctx0 = _context()
    base = ctx0.catchment.accessibility(full.to_numpy())
    ctx = _context(base)  # baseline = our own full computation
    sc = _sc(
        {"kind": "close_sites", "sites": ["s2"]},
        {"kind": "open_site", "site": "n1", "name": "N", "commune": "62510", "fte": {"gp": 2}},
        {"kind": "change_staff", "site": "s1", "profession": "gp", "delta_fte": 0.5},
    )
    delta_mode = evaluate(sc, offer=offer, baseline=ctx)
    full_mode = evaluate(sc, offer=offer, baseline=ctx, full_supply=full)
    np.testing.assert_allclose(delta_mode.communes["apl_before"], base, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        delta_mode.communes["apl_after"], full_mode.communes["apl_after"], rtol=0, atol=1e-12
    )


def test_closing_zero_fte_site_changes_nothing():
    res = evaluate(
        _sc({"kind": "close_sites", "sites": ["s3"]}), offer=_offer(), baseline=_context()
    )
    assert (res.communes["delta_apl"] == 0).all()
    assert len(res.changes) == 0 and any("aucun médecin" in n for n in res.notes)


def test_close_then_reopen_restores_baseline_exactly():
    ctx = _context(np.array([3.0, 2.0, 1.0, 4.0, 5.0]))
    sc = _sc(
        {"kind": "close_sites", "sites": ["s1"]},
        {"kind": "open_site", "site": "back", "name": "A2", "commune": "62523", "fte": {"gp": 1.5}},
    )
    res = evaluate(sc, offer=_offer(), baseline=ctx)
    assert (res.communes["apl_after"].to_numpy() == ctx.baseline_apl).all()


def test_break_up_equals_sum_of_site_deltas():
    offer, ctx = _offer(), _context(np.full(5, 3.0))
    whole = evaluate(
        _sc({"kind": "operator_exit", "operator": "filieris", "territory": "dep:62"}),
        offer=offer, baseline=ctx,
    )  # fmt: skip
    parts = sum(
        evaluate(_sc({"kind": "close_sites", "sites": [s]}), offer=offer, baseline=ctx)
        .communes["delta_apl"]
        .to_numpy()
        for s in ("s1", "s2", "s3")
    )
    np.testing.assert_allclose(whole.communes["delta_apl"], parts, rtol=0, atol=1e-15)
    assert whole.summary()["fte_change"] == -(1.5 + 5 + 0)


def test_transfer_has_no_access_effect():
    res = evaluate(
        _sc({"kind": "operator_exit", "operator": "filieris", "territory": "dep:62",
             "action": "transfer", "to_operator": "ch-lens"}),
        offer=_offer(), baseline=_context(),
    )  # fmt: skip
    assert (res.communes["delta_apl"] == 0).all() and "Transfert" in res.notes[0]


def test_retirements_use_birth_years():
    res = evaluate(
        _sc({"kind": "retirements", "profession": "gp", "age_at_least": 67, "year": 2025}),
        offer=_offer(), baseline=_context(),
    )  # fmt: skip
    # born 1955 (s1, 1.5 FTE) and 1958 (s4, 4 FTE) are >= 67 in 2025
    assert sorted(res.changes["site_id"]) == ["s1", "s4"]
    assert res.changes["delta_fte"].sum() == pytest.approx(-5.5)


def test_population_change_needs_full_supply():
    offer = _offer()
    sc = _sc({"kind": "population_change", "territory": "62498", "factor": 1.2})
    with pytest.raises(InputError, match="full recompute"):
        evaluate(sc, offer=offer, baseline=_context())
    full = _full_supply(offer)
    res = evaluate(sc, offer=offer, baseline=_context(), full_supply=full)
    # more people sharing the same doctors: nobody gains access
    assert (res.communes["delta_apl"] <= 1e-12).all() and (res.communes["delta_apl"] < 0).any()


@pytest.mark.parametrize(
    ("edits", "pattern"),
    [
        ([{"kind": "close_sites", "sites": ["nope"]}], r"edit #1 \(close_sites\): unknown site"),
        ([{"kind": "close_sites", "sites": ["s5"]}], r"already closed"),
        ([{"kind": "close_sites", "sites": ["s1"]}, {"kind": "close_sites", "sites": ["s1"]}],
         r"edit #2 .*already closed"),
        ([{"kind": "change_staff", "site": "s1", "profession": "gp", "delta_fte": -2}],
         r"would become -0.5"),
        ([{"kind": "open_site", "site": "s1", "name": "x", "commune": "62523", "fte": {"gp": 1}}],
         r"already exists"),
        ([{"kind": "open_site", "site": "z", "name": "x", "commune": "62999", "fte": {"gp": 1}}],
         r"unknown commune '62999'"),
        ([{"kind": "operator_exit", "operator": "nobody", "territory": "dep:62"}], r"no open site"),
        ([{"kind": "retirements", "profession": "nurse"}], r"no birth year"),
    ],
)  # fmt: skip
def test_bad_edits(edits, pattern):
    with pytest.raises(InputError, match=pattern):
        supply_changes(_sc(*edits), _offer())


def test_criticality_ranking_order_on_bundled_data():
    rank = criticality_ranking(operator="filieris", territory="dep:81")
    # Carmaux (6 GPs, rural catchment) before Albi (4 GPs, urban): hand-checked order
    assert rank["name"].iloc[0] == "Centre de santé Filieris de Carmaux"
    assert rank["newly_under"].is_monotonic_decreasing
    assert rank["rank"].tolist() == list(range(1, len(rank) + 1))


def test_bundled_context_reproduces_official_baseline():
    ctx = EvaluationBaseline.official(2023)
    i = ctx.index_of(["62523"])[0]
    assert ctx.baseline_apl[i] == 6.558
    res = evaluate(_sc({"kind": "close_sites", "sites": ["filieris-centre-de-sante-de-carmaux"]}))
    carmaux = res.communes.set_index("code_insee").loc["81060"]
    # 6 GPs = 32,400 consultations lost at Carmaux; its own APL falls
    assert carmaux["delta_apl"] < 0
    assert res.summary()["consultations_change"] == -32400


def test_criticality_ranking_hand_built():
    # baselines just above 2.5 where s2 (5 GPs at 62498) weighs most
    base = np.array([2.6, 2.55, 2.52, 2.7, 9.0])
    ctx = _context(base)
    rank = criticality_ranking(operator="filieris", offer=_offer(), baseline=ctx)
    # s3 has 0 FTE -> last; s2 (27,000 consultations) pushes more people under 2.5 than s1
    assert rank["site_id"].tolist() == ["s2", "s1", "s3"]
    eff = ctx.catchment.delta(ctx.index_of(["62498"]), [-5 * 5400.0])
    newly = ((base >= 2.5) & (base + eff < 2.5)) * POP
    assert rank.loc[0, "newly_under"] == newly.sum()


def test_national_context_is_built_once_per_year():
    # the web app and every CLI evaluation rely on this cache (0.3 s per build otherwise)
    assert EvaluationBaseline.official(2023) is EvaluationBaseline.official(2023)
    assert EvaluationBaseline.official(2022) is not EvaluationBaseline.official(2023)


def test_centre_gp_headcount_converted_at_the_stated_assumption():
    import dataclasses

    from proxisante.offer import CONSULTATIONS_PER_FTE, site_supply

    offer = _offer()
    assert offer.centre_gp_fte_per_person == 1.0  # default: 1 person = 1 FTE (hypothèse)
    half = dataclasses.replace(offer, centre_gp_fte_per_person=0.5)
    sup = site_supply(half).set_index("site_id")
    assert sup.loc["s2", "fte"] == 2.5  # 5 centre GPs by headcount × 0.5
    assert sup.loc["s2", "consultations"] == 2.5 * CONSULTATIONS_PER_FTE
    assert sup.loc["s1", "fte"] == 1.5  # a stated FTE is kept
    res = evaluate(_sc({"kind": "close_sites", "sites": ["s2"]}), offer=half, baseline=_context())
    assert res.changes["delta_fte"].sum() == -2.5
    assert any("1 personne = 0,5 ETP" in n and "hypothèse" in n for n in res.notes)
    with pytest.raises(InputError, match="expected a number in"):
        dataclasses.replace(offer, centre_gp_fte_per_person=1.5)
