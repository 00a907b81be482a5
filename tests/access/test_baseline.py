"""The evaluation baseline: constructors, validation, and the catchment's demand swap."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import Catchment, EvaluationBaseline
from proxisante.errors import InputError, UnknownCodeError
from proxisante.travel import TravelMatrix

CODES = np.array(["62523", "62498", "62510"])
_DENSE = np.array([[0.0, 6.0, 12.0], [6.0, 0.0, 9.0], [12.0, 9.0, 0.0]])
# every pair stored (a stored 0.0 is 0 minutes: each commune reaches itself)
MINUTES = sp.csr_array((_DENSE.ravel(), (np.repeat(np.arange(3), 3), np.tile(np.arange(3), 3))))


def _travel() -> TravelMatrix:
    return TravelMatrix(MINUTES, CODES, CODES, cutoff_minutes=20.0, provider="test")


def test_from_supply_is_the_engine_on_that_supply():
    supply = np.array([10_800.0, 0.0, 5_400.0])
    b = EvaluationBaseline.from_supply(_travel(), supply, year=2023)
    assert list(b.codes) == list(CODES)
    expected = Catchment.build(MINUTES, b.pop_standardisee).accessibility(supply)
    np.testing.assert_allclose(b.baseline_apl, expected)
    # by hand: every pair within 15 min weighs 1, the 12-minute pair 2/3 (DREES step)
    w = np.array([[1, 1, 2 / 3], [1, 1, 1], [2 / 3, 1, 1]])
    d = w.T @ b.pop_standardisee
    np.testing.assert_allclose(b.baseline_apl, w @ (supply / d))


def test_official_on_a_matrix_keeps_the_published_apl():
    b = EvaluationBaseline.official(2023, travel=_travel())
    assert b.baseline_apl[b.index_of(["62523"])[0]] == 6.558
    with pytest.raises(UnknownCodeError, match="62065"):
        b.index_of(["62065"])


def test_validation():
    b = EvaluationBaseline.official(2023, travel=_travel())
    with pytest.raises(InputError, match="catchment has shape"):
        EvaluationBaseline(2023, CODES[:2], b.baseline_apl[:2], b.pop_standardisee[:2],
                           b.pop_totale[:2], b.catchment)  # fmt: skip
    with pytest.raises(InputError, match="baseline_apl"):
        EvaluationBaseline(2023, CODES, np.array([1.0, np.nan, 2.0]), b.pop_standardisee,
                           b.pop_totale, b.catchment)  # fmt: skip
    rect = TravelMatrix(
        sp.csr_array(np.ones((3, 2))), CODES, CODES[:2], cutoff_minutes=20.0, provider="test"
    )
    with pytest.raises(InputError, match="square"):
        EvaluationBaseline.official(2023, travel=rect)


def test_catchment_with_demand_equals_a_fresh_build():
    pop = np.array([100.0, 200.0, 50.0])
    a = Catchment.build(MINUTES, pop).with_demand(pop * 2)
    b = Catchment.build(MINUTES, pop * 2)
    np.testing.assert_allclose(a.site_demand, b.site_demand)
    with pytest.raises(InputError, match="demand"):
        Catchment.build(MINUTES, pop).with_demand([1.0, -1.0, 0.0])
