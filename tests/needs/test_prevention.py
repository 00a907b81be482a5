"""Prevention reach of centres: hand-computed catchments, closure and opening effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.errors import InputError
from proxisante.needs.age_estimate import AGE_LABELS, AgeEstimate
from proxisante.needs.prevention import centre_reach, reach_change, target_populations
from proxisante.travel import TravelMatrix


def _travel() -> TravelMatrix:
    # communes a, b, c × centres k1, k2; a reaches k1 (5 min) and k2 (18), b only k2,
    # c reaches k1 at 25 min (beyond a 20-minute catchment)
    t = sp.csr_array(([5.0, 18.0, 12.0, 25.0], ([0, 0, 1, 2], [0, 1, 1, 0])), shape=(3, 2))
    return TravelMatrix(t, np.array(["a", "b", "c"]), np.array(["k1", "k2"]), 30.0, "example")


def _targets() -> pd.DataFrame:
    bands = pd.DataFrame(0.0, index=["a", "b", "c"], columns=AGE_LABELS)
    bands.loc[:, "50-54"] = [100.0, 50.0, 10.0]
    bands.loc[:, "65-69"] = [40.0, 30.0, 5.0]
    bands.loc[:, "80-84"] = [20.0, 10.0, 1.0]
    est = AgeEstimate(bands, pd.Series("x", index=bands.index), 2021)
    return target_populations(est)


def test_target_groups():
    t = _targets()
    assert t["screening_50_74"].tolist() == [140.0, 80.0, 15.0]
    assert t["flu_65_plus"].tolist() == [60.0, 40.0, 6.0]
    assert t["home_75_plus"].tolist() == [20.0, 10.0, 1.0]


def test_reach_and_sole_by_hand():
    r = centre_reach(_travel(), _targets(), cutoff_minutes=20.0)
    assert r["flu_65_plus"].tolist() == [60.0, 100.0]  # k1: a; k2: a + b
    assert r["flu_65_plus_sole"].tolist() == [0.0, 40.0]  # a has both; b only k2
    closed = centre_reach(_travel(), _targets(), is_open=[False, True], cutoff_minutes=20.0)
    assert closed["flu_65_plus"].tolist() == [0.0, 100.0]
    assert closed["flu_65_plus_sole"].tolist() == [0.0, 100.0]  # k2 alone now
    with pytest.raises(InputError, match="exceeds"):
        centre_reach(_travel(), _targets(), cutoff_minutes=45.0)


def test_closing_and_opening():
    ch = reach_change(_travel(), _targets(), open_before=[True, True],
                      open_after=[False, True], cutoff_minutes=20.0)  # fmt: skip
    assert ch.loc["flu_65_plus"].to_dict() == {"before": 100.0, "after": 100.0, "change": 0.0,
                                               "lost": 0.0, "gained": 0.0}  # fmt: skip
    ch = reach_change(_travel(), _targets(), open_before=[True, True],
                      open_after=[True, False], cutoff_minutes=20.0)  # fmt: skip
    assert ch.loc["home_75_plus", "lost"] == 10.0  # b loses its only centre
    ch = reach_change(_travel(), _targets(), open_before=[False, False],
                      open_after=[True, False], cutoff_minutes=30.0)  # fmt: skip
    assert ch.loc["screening_50_74", "gained"] == 155.0  # a and c within 30 min of k1
