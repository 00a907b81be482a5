"""Access measures and travel providers are registries of small objects with one interface:
every registered measure computes through it, and a new one needs only an entry."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import (
    MEASURE_REGISTRY,
    MEASURES,
    RATIO_MEASURES,
    compute_access,
    measure_by_name,
    two_step,
)
from proxisante.access.measures import CatchmentMeasure
from proxisante.errors import InputError
from proxisante.travel import PROVIDERS, TRAVEL_PROVIDERS, travel_matrix
from proxisante.travel.base import TravelMatrix

TRAVEL = TravelMatrix(
    sp.csr_array(([0.0, 12.0, 8.0, 0.0, 25.0], ([0, 0, 1, 1, 2], [0, 1, 0, 1, 1])), shape=(3, 2)),
    np.array(["A", "B", "C"]), np.array(["sA", "sB"]), 30.0, "test",
)  # fmt: skip
SUPPLY, DEMAND = np.array([10.0, 4.0]), np.array([100.0, 50.0, 25.0])


def test_names_and_ratios_come_from_the_registry():
    assert MEASURES == tuple(MEASURE_REGISTRY) == (
        "apl", "2sfca", "e2sfca", "3sfca", "m2sfca", "bfca", "gravity", "nearest", "coverage")  # fmt: skip
    assert RATIO_MEASURES == ("2sfca", "e2sfca", "3sfca", "m2sfca", "bfca")
    assert all(m.summary for m in MEASURE_REGISTRY.values())


@pytest.mark.parametrize("name", [n for n in MEASURES if n != "gravity"])
def test_every_measure_computes_one_value_per_origin(name):
    out = compute_access(name, TRAVEL, supply=SUPPLY, demand=DEMAND)
    assert out["origin"].tolist() == ["A", "B", "C"] and out["value"].notna().all()


def test_nearest_and_coverage_by_hand():
    near = compute_access("nearest", TRAVEL, supply=SUPPLY, demand=DEMAND)["value"]
    assert near.tolist() == [0.0, 0.0, 25.0]
    cov = compute_access("coverage", TRAVEL, supply=SUPPLY, demand=DEMAND, max_minutes=20.0)
    assert cov["value"].tolist() == [1.0, 1.0, 0.0]


def test_a_new_measure_is_one_registry_entry(monkeypatch):
    half = CatchmentMeasure("half2sfca", "test", ratio=True,
                            engine=lambda w, s, d: two_step(w, s, d) / 2,
                            decay_for=MEASURE_REGISTRY["2sfca"].default_decay)  # fmt: skip
    monkeypatch.setitem(MEASURE_REGISTRY, "half2sfca", half)
    got = compute_access("half2sfca", TRAVEL, supply=SUPPLY, demand=DEMAND)["value"]
    ref = compute_access("2sfca", TRAVEL, supply=SUPPLY, demand=DEMAND)["value"]
    np.testing.assert_allclose(got, ref / 2)


def test_unknown_measure_lists_the_registry():
    with pytest.raises(InputError, match="expected one of apl, 2sfca, e2sfca"):
        measure_by_name("nope")
    assert dataclasses.is_dataclass(measure_by_name("apl"))


def test_travel_providers_registry():
    assert PROVIDERS == tuple(TRAVEL_PROVIDERS) == ("estimate", "osrm", "matrix")
    assert all(p.label_fr for p in TRAVEL_PROVIDERS.values())
    ids, lat, lon = np.array(["a", "b"]), np.array([50.0, 50.01]), np.array([3.0, 3.0])
    tm, cached = travel_matrix("estimate", ids, lat, lon, cutoff_minutes=20.0)
    assert tm.minutes.shape == (2, 2) and not cached
    with pytest.raises(InputError, match="expected one of estimate, osrm, matrix"):
        travel_matrix("walk", ids, lat, lon, cutoff_minutes=20.0)
    with pytest.raises(InputError, match="needs a matrix file"):
        travel_matrix("matrix", ids, lat, lon, cutoff_minutes=20.0)
    with pytest.raises(InputError, match="needs a network"):
        travel_matrix("osrm", ids, lat, lon, cutoff_minutes=20.0)
