"""The bundled calibrated model reproduces its stored fit figures with the engine."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.access import Catchment
from proxisante.model import commune_pairs, fit_figures, load_inputs
from proxisante.model.artefact import bundled_model


@pytest.fixture(scope="module")
def model():
    return bundled_model()


def test_bundled_model_reproduces_its_fit(model):
    inputs = load_inputs(model.year)
    t = model.table
    assert t["code_insee"].tolist() == inputs.codes.tolist()
    travel = model.travel
    pairs = commune_pairs(
        inputs.codes,
        inputs.lat,
        inputs.lon,
        inputs.speed_class,
        max_km=20 / 60 * max(travel.speed_kmh) / travel.detour_factor,
    )
    cat = Catchment.build(pairs.minutes(travel), inputs.pop_standardisee)
    apl = cat.accessibility(t["supply_consultations"].to_numpy())
    np.testing.assert_allclose(apl, t["apl_model"], atol=1e-9)
    figs = fit_figures(apl, inputs.apl, inputs.pop_standardisee)
    assert figs == pytest.approx(model.metadata["figures"]["in_sample"], rel=1e-9)


def test_bundled_model_is_plausible(model):
    t = model.table
    assert (t["supply_consultations"] >= 0).all()
    np.testing.assert_allclose(t["supply_fte"] * 5400.0, t["supply_consultations"])
    assert model.member_supply().shape == (len(t), len(model.members))
    assert (model.member_supply() >= 0).all()
    assert set(model.metadata["provenance"]) >= {"apl", "prior", "departement_totals"}
    assert "held_out" in model.metadata["figures"]
