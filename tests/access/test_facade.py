"""DataFrame façade: documented columns in, one row per origin out; misaligned ids rejected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.access import MEASURES, PowerDecay, access_table, compute_access
from proxisante.errors import InputError, UnknownCodeError
from proxisante.travel.base import TravelMatrix

# 4 communes A, B, C, D (origins) × 3 sites at A, B and D (destinations), minutes.
# Asymmetric on purpose (A → site B 12 min, B → site A 8 min).
#          site A  site B  site D
#   A         0      12      —
#   B         8       0      —
#   C        18      25      —
#   D         —       —      0
ROWS = np.array([0, 0, 1, 1, 2, 2, 3])
COLS = np.array([0, 1, 0, 1, 0, 1, 2])
TIMES = np.array([0.0, 12.0, 8.0, 0.0, 18.0, 25.0, 0.0])
TRAVEL = TravelMatrix(
    sp.csr_array((TIMES, (ROWS, COLS)), shape=(4, 3)),
    np.array(["A", "B", "C", "D"]),
    np.array(["sA", "sB", "sD"]),
    30.0,
    "test",
)
DEMAND = pd.DataFrame({"origin": ["D", "C", "B", "A"], "demand": [100.0, 300.0, 200.0, 1000.0]})
SUPPLY = pd.DataFrame({"destination": ["sA", "sB", "sA"], "supply": [3000.0, 2400.0, 3000.0]})


def _values(measure, **kw):
    return access_table(measure, TRAVEL, supply=SUPPLY, demand=DEMAND, **kw)["value"].to_numpy()


def test_apl_and_2sfca_by_hand():
    # supply summed by site: sA 6,000, sB 2,400, sD 0. Demand in matrix order A..D:
    # 1000, 200, 300, 100.
    # APL (DREES step): weights A [1, 2/3]; B [1, 1]; C [1/3, 0 (25 min)]
    d_a = 1000 * 1 + 200 * 1 + 300 / 3  # 1300
    d_b = 1000 * 2 / 3 + 200 * 1  # 866.67
    r_a, r_b = 6000 / d_a, 2400 / d_b
    np.testing.assert_allclose(
        _values("apl"), [r_a + 2 / 3 * r_b, r_a + r_b, r_a / 3, 0.0], rtol=1e-12
    )
    # 2SFCA binary within 30 min: every pair stored counts 1
    d_a, d_b = 1000 + 200 + 300, 1000 + 200 + 300
    r = 6000 / d_a + 2400 / d_b
    np.testing.assert_allclose(_values("2sfca"), [r, r, r, 0.0], rtol=1e-12)


def test_e2sfca_luo_qi_zones_by_hand():
    # zones (closed right): 0–10 → 1, 10–20 → 0.68, 20–30 → 0.22
    # weights A [1, 0.68]; B [1, 1]; C [0.68, 0.22]
    d_a = 1000 + 200 + 0.68 * 300  # 1404
    d_b = 0.68 * 1000 + 200 + 0.22 * 300  # 946
    r_a, r_b = 6000 / d_a, 2400 / d_b
    expected = [r_a + 0.68 * r_b, r_a + r_b, 0.68 * r_a + 0.22 * r_b, 0.0]
    np.testing.assert_allclose(_values("e2sfca"), expected, rtol=1e-12)


def test_gravity_nearest_coverage_by_hand():
    g = _values("gravity", decay=PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0))
    # A: 6000/1 + 2400/12; B: 6000/8 + 2400/1; C: 6000/18 + 2400/25; D: site D has no supply
    np.testing.assert_allclose(g, [6200.0, 3150.0, 6000 / 18 + 96.0, 0.0], rtol=1e-12)
    np.testing.assert_array_equal(_values("nearest"), [0.0, 0.0, 18.0, np.inf])
    np.testing.assert_array_equal(_values("coverage", max_minutes=15), [1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(_values("coverage"), [1.0, 1.0, 1.0, 0.0])  # 30-min cut-off


def test_output_layout_and_inputs_unchanged():
    sup, dem = SUPPLY.copy(), DEMAND.copy()
    out = access_table("3sfca", TRAVEL, supply=SUPPLY, demand=DEMAND)
    assert out.columns.tolist() == ["origin", "demand", "value", "measure"]
    assert out["origin"].tolist() == ["A", "B", "C", "D"]
    assert out["demand"].tolist() == [1000.0, 200.0, 300.0, 100.0]
    pd.testing.assert_frame_equal(SUPPLY, sup)
    pd.testing.assert_frame_equal(DEMAND, dem)
    assert np.isfinite(out["value"]).all()


@pytest.mark.parametrize(
    ("supply", "demand", "error", "pattern"),
    [
        (SUPPLY.assign(destination="sX"), DEMAND, UnknownCodeError, "sX"),
        (SUPPLY.assign(supply=-1.0), DEMAND, InputError, "expected a finite number ≥ 0"),
        (SUPPLY.assign(supply=np.nan), DEMAND, InputError, "field 'supply'"),
        (SUPPLY.drop(columns="supply"), DEMAND, InputError, "lacks column 'supply'"),
        (SUPPLY, DEMAND.iloc[:3], UnknownCodeError, "origin without demand 'A'"),
        (SUPPLY, DEMAND.assign(origin=["D", "C", "B", "Z"]), UnknownCodeError, "'Z'"),
        (SUPPLY, pd.concat([DEMAND, DEMAND.iloc[:1]]), InputError, "several rows for origin 'D'"),
        (SUPPLY, DEMAND.assign(demand=[1.0, np.nan, 1.0, 1.0]), InputError, "origin 'C' is nan"),
        (SUPPLY, DEMAND.assign(demand=[1.0, -2.0, 1.0, 1.0]), InputError, "origin 'C' is -2.0"),
    ],
)
def test_bad_tables(supply, demand, error, pattern):
    with pytest.raises(error, match=pattern):
        access_table("apl", TRAVEL, supply=supply, demand=demand)


def test_bad_measure_and_missing_decay():
    with pytest.raises(InputError, match="expected one of apl, 2sfca"):
        access_table("foo", TRAVEL, supply=SUPPLY, demand=DEMAND)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="needs an explicit decay"):
        access_table("gravity", TRAVEL, supply=SUPPLY, demand=DEMAND)
    assert set(MEASURES) >= {"apl", "2sfca", "e2sfca", "3sfca", "gravity", "nearest"}


def test_empty_territory():
    empty = TravelMatrix(sp.csr_array((0, 0)), np.array([], str), np.array([], str), 30.0, "t")
    with pytest.raises(InputError, match="empty territory"):
        compute_access("apl", empty, supply=np.array([]), demand=np.array([]))
