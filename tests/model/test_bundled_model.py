"""The bundled calibrated model reproduces its stored fit figures with the engine."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.access import Catchment
from proxisante.model import commune_pairs, fit_figures, load_inputs
from proxisante.model.artefact import bundled_model
from proxisante.model.reach import official_reach


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
    least = t["least_consultations"].to_numpy()
    np.testing.assert_allclose(least, t["staff_consultations"])  # no imported supply
    practising = t["gp_practising"].to_numpy(dtype=bool)
    assert (practising >= (t["bpe2021_gp"] > 0)).all() and (practising >= (least > 0)).all()
    minutes, reach = official_reach(pairs.minutes(travel), inputs.pop_standardisee, inputs.apl,
                                    least, practising=practising)  # fmt: skip
    assert reach.as_dict() == model.metadata["figures"]["reach"]
    assert reach.communes_left == 0
    cat = Catchment.build(minutes, inputs.pop_standardisee)
    apl = cat.accessibility(t["supply_consultations"].to_numpy())
    np.testing.assert_allclose(apl, t["apl_model"], atol=1e-9)
    figs = fit_figures(apl, inputs.apl, inputs.pop_standardisee)
    assert figs == pytest.approx(model.metadata["figures"]["in_sample"], rel=1e-9)


def test_bundled_model_is_plausible(model):
    t = model.table
    assert (t["supply_consultations"] >= 0).all()
    np.testing.assert_allclose(t["supply_fte"] * 5400.0, t["supply_consultations"], rtol=1e-6)
    assert model.member_supply().shape == (len(t), len(model.members))
    assert (model.member_supply() >= 0).all()
    assert set(model.metadata["provenance"]) >= {"apl", "prior", "known_staff"}
    assert "held_out" in model.metadata["figures"]


def test_bundled_model_is_made_of_real_doctors(model):
    """Supply within its stated bound of BPE 2021, known staff held, residual explicit."""
    t = model.table
    liberal = t["gp"] - t["staff_gp"]
    assert (liberal >= t["gp_low"] - 1e-3).all() and (liberal <= t["gp_high"] + 1e-3).all()
    assert (t["supply_consultations"] >= t["staff_consultations"] - 1e-6).all()
    behren = t.set_index("code_insee").loc["57058"]  # 3 published Filieris GPs
    assert behren["staff_consultations"] == 16_200 and behren["supply_consultations"] >= 16_200
    np.testing.assert_allclose(t["residual"], t["apl_official"] - t["apl_model"], atol=1e-12)
    none = (t["bpe2021_gp"] <= 0) & (t["staff_gp"] <= 0)
    assert t.loc[none, "gp"].sum() <= 0.03 * t["gp"].sum()
    from proxisante.model import load_inputs

    small = load_inputs(model.year).pop_totale < 1000
    assert not (small & (t["gp"] > t["bpe2021_gp"] + 2 + 1e-3)).any()
    # GPs aged 65+: a part of the GPs; the supply under 65 within the supply
    assert (t["gp_65_plus"] >= 0).all() and (t["gp_65_plus"] <= t["gp"] + 1e-3).all()
    assert (t["supply_under65_consultations"] <= t["supply_consultations"] * (1 + 1e-6) + 1).all()
    # ranges contain the central supply
    assert (t["supply_p10"] <= t["supply_consultations"] * (1 + 1e-6) + 1e-3).all()
    assert (t["supply_consultations"] <= t["supply_p90"] * (1 + 1e-6) + 1e-3).all()


def test_bundled_model_beats_its_prior_and_states_honest_ranges(model):
    """Held out by département the fit beats the prior alone; its held-out P10–P90 (the
    central model and its ensemble members, each fitted without the fold's APL) covers the
    official APL for 70–90 % of communes (recomputed from the table, not read back)."""
    f = model.metadata["figures"]
    assert f["held_out"]["r"] > f["prior_only_held_out"]["r"]
    assert f["held_out"]["mae"] < f["prior_only_held_out"]["mae"]
    t = model.table
    inside = (t["apl_official"] >= t["apl_heldout_low"] - 1e-5) & (
        t["apl_official"] <= t["apl_heldout_high"] + 1e-5
    )
    assert 0.70 <= inside.mean() <= 0.90
    assert inside.mean() == pytest.approx(f["coverage_held_out"]["share"], abs=1e-3)
    assert (t["apl_heldout_low"] <= t["apl_heldout"] + 1e-5).all()
    assert (t["apl_heldout"] <= t["apl_heldout_high"] + 1e-5).all()
