"""Ensemble on a Dask LocalCluster of 2 workers; artefact round trip (file and store)."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.model import FitWeights, calibrate
from proxisante.model.artefact import (
    list_store_models,
    load_store_model,
    model_from_calibration,
    read_model,
    save_store_model,
    write_model,
)
from proxisante.model.ensemble import run_ensemble
from proxisante.store import Store
from tests.model.conftest import TRUE_TRAVEL


@pytest.fixture(scope="module")
def small_fit(country):
    inputs, _ = country
    return calibrate(
        inputs, candidates=(TRUE_TRAVEL,), iterations=300, penalties=FitWeights(1e-4, 1e-3, 0.1)
    )


def test_ensemble_on_a_local_cluster_of_two_workers(small_fit):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        members = run_ensemble(small_fit, scheduler=cluster.scheduler_address, iterations=200)
    assert [m[0]["kind"] for m in members] == ["travel", "travel", "activity", "activity",
                                               "low", "high", "low", "high"]  # fmt: skip
    supplies = np.array([m[1] for m in members])
    assert supplies.shape == (8, small_fit.inputs.n)
    assert (supplies >= 0).all()
    # slower travel reaches fewer people per GP: the members differ
    assert not np.allclose(supplies[0], supplies[1])
    assert members[0][0]["travel"]["speed_kmh"][0] == pytest.approx(0.85 * 50.0)
    # more consultations per GP widen the supply bounds upward: more supply in total
    assert supplies[3].sum() >= supplies[2].sum()
    # no held-out folds: no held-out range
    assert small_fit.heldout_low is None and "coverage_held_out" not in small_fit.figures


def test_held_out_range_is_the_p10_p90_of_members_fitted_without_the_fold(country):
    """With held-out folds, every member predicts each fold without its APL: the range is
    their P10–P90 with the central prediction, recomputed here from the members."""
    from proxisante.access.baseline import range_with_central
    from proxisante.model.calibrate import departement_folds
    from proxisante.model.ensemble import ensemble_specs, predict_member_fold

    inputs, _ = country
    cal = calibrate(inputs, candidates=(TRUE_TRAVEL,), iterations=150, folds=2,
                    penalties=FitWeights(1e-4, 1e-3, 0.1))  # fmt: skip
    members = ({"kind": "activity", "activity_factor": 0.9},
               {"kind": "high", "activity_factor": 1.1, "supply_position": 1.0})  # fmt: skip
    run_ensemble(cal, members=members, n_workers=1, iterations=150)
    fold = departement_folds(inputs.departement, 2)
    held = []
    for spec in ensemble_specs(TRUE_TRAVEL, members):
        parts = [predict_member_fold(inputs, spec, fold == k, iterations=150, pairs=cal.pairs)
                 for k in range(2)]  # fmt: skip
        held.append(np.where(fold == 0, parts[0], parts[1]))
    lo, hi = range_with_central(np.vstack([cal.heldout_apl, *held]))
    np.testing.assert_allclose(cal.heldout_low, lo, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(cal.heldout_high, hi, rtol=1e-9, atol=1e-12)
    assert (cal.heldout_low <= cal.heldout_apl).all() and (
        cal.heldout_apl <= cal.heldout_high
    ).all()
    assert not np.allclose(cal.heldout_low, cal.heldout_high)  # the members differ
    inside = (inputs.apl >= lo - 1e-9) & (inputs.apl <= hi + 1e-9)
    assert cal.figures["coverage_held_out"]["share"] == pytest.approx(inside.mean())


def test_artefact_round_trip(small_fit, tmp_path):
    members = [
        (
            {"kind": "travel", "speed_factor": 1.0, "travel": TRUE_TRAVEL.as_dict()},
            small_fit.consultations,
        )
    ]
    model = model_from_calibration(small_fit, members=members, provenance={"apl": "synthetic"})
    back = read_model(write_model(model, tmp_path / "m.parquet"))
    assert back.model_id == model.model_id
    assert back.travel == TRUE_TRAVEL
    assert back.metadata["figures"]["in_sample"] == pytest.approx(small_fit.figures["in_sample"])
    np.testing.assert_allclose(back.table["supply_consultations"], small_fit.consultations)
    np.testing.assert_allclose(back.member_supply()[:, 0], small_fit.consultations, rtol=1e-6)
    with Store(tmp_path / "s.duckdb") as st:
        assert load_store_model(st) is None
        save_store_model(st, model)
        assert list_store_models(st)["model_id"].tolist() == [model.model_id]
        again = load_store_model(st, year=2023)
    assert again.metadata["provenance"] == {"apl": "synthetic"}
