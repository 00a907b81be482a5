"""Calibration recovers a known synthetic world; held-out prediction; imported supply."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.errors import InputError, UnknownCodeError
from proxisante.model import FitWeights, TravelParameters, calibrate, departement_folds
from tests.model.conftest import TRUE_TRAVEL

WRONG = (
    TravelParameters((60.0, 60.0, 60.0), 1.3, 0.0),
    TravelParameters((30.0, 30.0, 30.0), 1.3, 0.0),
    TravelParameters((70.0, 50.0, 35.0), 1.3, 3.0),
)
# Exact data: the penalties only break ties (the prior is the truth up to activity).
LIGHT = FitWeights(prior_per_gp2=1e-4, implausible_per_gp=1e-3, departement_total=0.1)


@pytest.fixture(scope="module")
def fitted(country):
    inputs, _ = country
    return calibrate(
        inputs,
        candidates=(*WRONG, TRUE_TRAVEL),
        penalties=LIGHT,
        search_iterations=300,
        iterations=1500,
        folds=2,
    )


def test_search_finds_the_true_speeds(fitted, country):
    """The search ranks candidates by the APL they predict for held-out départements."""
    assert fitted.params == TRUE_TRAVEL
    search = fitted.figures["search"]
    maes = [s["mae"] for s in search]
    assert maes[-1] == min(maes)
    assert all(s["criterion"] == "held_out" and s["n"] == country[0].n for s in search)


def test_supply_is_recovered(fitted, country):
    """Tolerance: APL within 0.05, national supply within 3 %, communes within 15 % of the
    largest supply (the step decay makes neighbouring villages nearly interchangeable)."""
    inputs, true_supply = country
    assert np.max(np.abs(fitted.predicted_apl - inputs.apl)) < 0.05
    assert fitted.figures["in_sample"]["r"] > 0.999
    assert abs(fitted.consultations.sum() / true_supply.sum() - 1) < 0.03
    assert np.max(np.abs(fitted.consultations - true_supply)) < 0.15 * true_supply.max()
    assert np.all(fitted.consultations >= 0)


def test_held_out_prediction(fitted, country):
    """Each département's APL predicted with its own APL left out of the fit."""
    inputs, _ = country
    ho = fitted.figures["held_out"]
    assert ho["n"] == inputs.n
    assert np.isfinite(fitted.heldout_apl).all()
    assert ho["r"] > 0.9
    assert ho["same_side_2_5"] > 0.85


def test_departement_totals_and_activity(fitted):
    d = fitted.figures["departement_totals"]
    assert d["within_tolerance"] == d["n"] == 2
    assert 3600 <= fitted.consultations_per_gp <= 6000


def test_folds_keep_departements_whole():
    dep = np.array(["01", "01", "02", "03", "02", "04"])
    f = departement_folds(dep, 2)
    for d in np.unique(dep):
        assert len(set(f[dep == d])) == 1
    assert set(f) == {0, 1}


def test_known_supply_replaces_the_estimate(country):
    inputs, true_supply = country
    j = int(np.argmax(true_supply))
    known = inputs.with_known_supply([inputs.codes[j]], [1234.0])
    cal = calibrate(known, candidates=(TRUE_TRAVEL,), penalties=LIGHT, iterations=200)
    assert cal.consultations[j] == pytest.approx(1234.0)


def test_imported_supply_with_an_unknown_commune_is_refused(country):
    inputs, _ = country
    with pytest.raises(UnknownCodeError, match="'00000'"):
        inputs.with_known_supply(["00000"], [10.0])
    with pytest.raises(InputError, match="≥ 0"):
        inputs.with_known_supply([inputs.codes[0]], [-1.0])


def test_imported_staff_of_the_offer_is_held_at_its_commune():
    """A staff imported into the workspace's offer (here 2 FTE at the Decazeville centre,
    whose staff no public source states) is held in the calibration's inputs at 12089."""
    import dataclasses

    import pandas as pd

    from proxisante.model import load_inputs
    from proxisante.offer import load_default_offer

    offer = load_default_offer()
    row = offer.staff.iloc[[0]].copy()
    row["site_id"], row["commune"] = "filieris-centre-de-decazeville", "12089"
    row["fte"] = pd.array([2.0], dtype="Float64")
    row["activity_consultations"] = pd.array([pd.NA], dtype="Float64")
    imported = dataclasses.replace(offer, staff=pd.concat([offer.staff, row], ignore_index=True))
    base, mine = load_inputs(2023), load_inputs(2023, offer=imported)
    j = int(np.flatnonzero(base.codes == "12089")[0])
    assert base.staff_consultations[j] == 0.0 and mine.staff_gp[j] == pytest.approx(2.0)
    assert mine.staff_consultations[j] == pytest.approx(2 * 5400.0)
    assert mine.staff_consultations.sum() == pytest.approx(base.staff_consultations.sum() + 10800)
