"""One rule for every supply change in the calibrated world (property tests, real model).

On the bundled national model: every consultation added or removed is seen
(``Σ ΔAPL·Pstd = ΔS``; a published-staff closure is 100 % visible, whatever supply the
model holds there), a change located in one commune moves every APL in one direction, and
a closure then a reopening returns exactly to the baseline.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxisante.access import CONSULTATIONS_PER_FTE
from proxisante.model import calibrated_baseline
from proxisante.offer import load_default_offer, site_supply
from proxisante.scenarios import Scenario, evaluate

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@pytest.fixture(scope="module")
def base():
    return calibrated_baseline()


@pytest.fixture(scope="module")
def staffed():
    """The offer's sites with published GP staff (site, commune, consultations)."""
    offer = load_default_offer()
    return offer, site_supply(offer, profession="gp")


def _seen(base, after) -> float:
    return float(((after - base.baseline_apl) * base.pop_standardisee).sum())


changes = st.lists(
    st.tuples(st.integers(0, 34_000), st.floats(-60_000, 60_000).filter(lambda v: abs(v) > 1)),
    min_size=1, max_size=6,
)  # fmt: skip


@SETTINGS
@given(changes)
def test_every_consultation_is_seen(base, edits):
    j = np.array([c for c, _ in edits]) % len(base.codes)
    ds = np.array([d for _, d in edits])
    rows, delta = base.delta_rows(j, ds)
    assert float((delta * base.pop_standardisee[rows]).sum()) == pytest.approx(ds.sum(), rel=1e-9,
                                                                               abs=1e-6)  # fmt: skip
    for m in base.members:  # the same identity in every member's catchment
        rows, delta = base.delta_rows(j, ds, member=m)
        assert float((delta * base.pop_standardisee[rows]).sum()) == pytest.approx(
            ds.sum(), rel=1e-9, abs=1e-6
        )
    after = base.apl_after(j, ds)
    floored = base.floored_rows(j, ds)
    if not len(floored):
        assert _seen(base, after) == pytest.approx(ds.sum(), rel=1e-9, abs=1e-6)
    assert after.min() >= 0.0


@SETTINGS
@given(st.integers(0, 34_000), st.floats(-60_000, 60_000).filter(lambda v: abs(v) > 1))
def test_a_change_in_one_commune_moves_every_apl_one_way(base, col, ds):
    j = col % len(base.codes)
    delta = base.apl_after([j], [ds]) - base.baseline_apl
    assert (np.sign(delta) * np.sign(ds) >= 0).all() and (delta != 0).any()
    for m in base.members:
        rows, after = base.changed_rows([j], [ds], member=m)
        assert (np.sign(after - base.baseline_apl[rows]) * np.sign(ds) >= 0).all()


@SETTINGS
@given(st.data())
def test_published_staff_closures_are_fully_visible_and_reopen_exactly(base, staffed, data):
    offer, supply = staffed
    ids = supply["site_id"].tolist()
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    removed = float(supply.set_index("site_id").loc[chosen, "consultations"].sum())
    close = {"kind": "close_sites", "sites": chosen}
    res = evaluate(Scenario.model_validate({"name": "t", "baseline_year": 2023,
                                            "edits": [close]}), offer=offer, baseline=base)  # fmt: skip
    c = res.communes
    seen = float(((c["apl_after"] - c["apl_before"]) * c["pop_standardisee"]).sum())
    j = base.index_of(supply.set_index("site_id").loc[chosen, "commune"])
    cons = supply.set_index("site_id").loc[chosen, "consultations"].to_numpy()
    # 100 % of the staff is seen: the travel times hold no known staff closer to a commune
    # than its official APL allows (model.reach), so no commune is floored at 0, in the
    # central world nor in any member
    assert seen == pytest.approx(-removed, rel=1e-9)
    assert len(base.floored_rows(j, -cons)) == 0
    for m in base.members:
        rows, d = base.delta_rows(j, -cons, member=m)
        assert (base.baseline_apl[rows] + d >= 0).all()
    assert (c["delta_apl"] <= 0).all() and c["apl_after"].min() >= 0
    hit = c["delta_apl"] != 0
    assert (c.loc[hit, "delta_apl_p10"] <= c.loc[hit, "delta_apl"] + 1e-12).all()
    assert (c.loc[hit, "delta_apl"] <= c.loc[hit, "delta_apl_p90"] + 1e-12).all()
    # the same staff reopened in the same communes: exactly the baseline
    per_site = supply.set_index("site_id").loc[chosen]
    reopen = [
        {"kind": "open_site", "site": f"re-{k}", "name": f"re {k}", "commune": row.commune,
         "fte": {"gp": row.consultations / CONSULTATIONS_PER_FTE}}
        for k, row in enumerate(per_site.itertuples())
    ]  # fmt: skip
    both = evaluate(Scenario.model_validate({"name": "t", "baseline_year": 2023,
                                             "edits": [close, *reopen]}), offer=offer,
                    baseline=base)  # fmt: skip
    np.testing.assert_array_equal(both.communes["apl_after"], both.communes["apl_before"])


def test_behren_closure_is_seen_although_the_model_held_less(base, staffed):
    """Behren-lès-Forbach: 3 published GPs (16,200 consultations); the previous rule capped
    the removal at the model's supply there and showed no change at all."""
    offer, supply = staffed
    site = "filieris-centre-de-sante-de-behren-les-forbach"
    cons = float(supply.set_index("site_id").loc[site, "consultations"])
    res = evaluate(Scenario.model_validate({"name": "t", "baseline_year": 2023, "edits": [
        {"kind": "close_sites", "sites": [site]}]}), offer=offer, baseline=base)  # fmt: skip
    c = res.communes
    assert cons == 16_200
    assert float((c["delta_apl"] * c["pop_standardisee"]).sum()) == pytest.approx(-cons)
    assert (c["delta_apl"] < 0).sum() > 1
