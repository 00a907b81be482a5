"""Home-care access: hand-computed 75+ demand measure, nurse estimate, SSIAD capacities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.errors import InputError
from proxisante.needs.home_care import (
    SSIAD_FRANCE_PER_1000,
    UNDER_SERVED_FRACTION,
    elderly_access,
    estimate_nurse_supply,
    home_care_access,
)
from proxisante.travel import TravelMatrix

IDS = np.array(["a", "b", "c"])


def _travel(cutoff: float = 20.0) -> TravelMatrix:
    # asymmetric on purpose: a→b 15 min, b→a 25 min (beyond the cut-off); c is isolated
    rows = [0, 0, 1, 2]
    cols = [0, 1, 1, 2]
    mins = [0.0, 15.0, 0.0, 0.0]
    t = sp.csr_array((mins, (rows, cols)), shape=(3, 3))
    return TravelMatrix(t, IDS, IDS, cutoff, "example")


def test_75_plus_measure_by_hand():
    supply = pd.Series({"a": 2.0, "b": 6.0, "c": 1.0})
    old = pd.Series({"a": 100.0, "b": 300.0, "c": 50.0})
    got = elderly_access(_travel(), supply, old)
    # site a reaches origin a only: R_a = 2/100; site b reaches a and b: R_b = 6/400;
    # site c: 1/50.  A_a = R_a + R_b, A_b = R_b, A_c = R_c; × 1000
    assert got.tolist() == pytest.approx([1000 * (2 / 100 + 6 / 400), 1000 * 6 / 400, 20.0])
    # naive loop reference
    t = _travel().minutes.toarray()
    reach = (t > 0) | (np.eye(3) > 0)
    reach &= t <= 20
    r = [supply.iloc[j] / sum(old.iloc[k] for k in range(3) if reach[k, j]) for j in range(3)]
    naive = [1000 * sum(r[j] for j in range(3) if reach[i, j]) for i in range(3)]
    assert got.tolist() == pytest.approx(naive)


def test_negative_supply_refused():
    with pytest.raises(InputError, match="≥ 0"):
        elderly_access(_travel(), pd.Series({"a": -1.0}), pd.Series({"a": 10.0}))


def test_nurse_estimate_by_hand():
    pop = pd.Series([1000.0, 3000.0, 2000.0, 2000.0], index=["a", "b", "c", "d"])
    dep = pd.Series(["01", "01", "02", "02"], index=pop.index)
    dens = pd.Series([20.0, 10.0, 15.0, np.nan], index=pop.index)
    counts = pd.Series({"01": 10.0, "02": 8.0})
    out = estimate_nurse_supply(pop, dep, dens, counts)
    # 01: raw 2 and 3 nurses, scaled to 10 → 4 and 6
    # 02: one density missing → spread by population: 4 and 4
    assert out["nurses"].tolist() == pytest.approx([4.0, 6.0, 4.0, 4.0])
    assert (
        out["basis"].tolist()
        == ["bv_density_x_departement_count"] * 2 + ["departement_count_by_population"] * 2
    )
    assert out["nurses"].groupby(dep).sum().tolist() == pytest.approx([10.0, 8.0])
    out = estimate_nurse_supply(pop, dep, dens, pd.Series({"01": 10.0}))
    assert out.loc["c", "basis"] == "no_departement_count" and np.isnan(out.loc["c", "nurses"])


def _sites(capacities):
    n = len(capacities)
    return pd.DataFrame({
        "site_id": [f"s{i}" for i in range(n)], "category": ["ssiad"] * n,
        "status": ["open"] * n, "commune": ["a", "b", "c"][:n],
        "capacity_places": pd.array(capacities, dtype="Int32"),
    })  # fmt: skip


NURSES = pd.DataFrame({"nurses": [2.0, 6.0, 1.0], "basis": ["x"] * 3}, index=IDS)
OLD = pd.Series({"a": 100.0, "b": 300.0, "c": 50.0})


def test_ssiad_of_unknown_places_give_a_count_not_a_zero():
    # a reaches the services of a and b (both of unknown places), b its own, c none
    hc = home_care_access(nurses=NURSES, pop_75_plus=OLD, sites=_sites([None, None]),
                          travel=_travel())  # fmt: skip
    assert hc.ssiad_missing == "" and hc.ssiad_unknown_capacity == 2 and hc.ssiad_sites == 2
    t = hc.table
    assert t["ssiad_unknown_in_reach"].tolist() == [2, 1, 0]
    assert t["ssiad_per_1000_75"].isna().tolist() == [True, True, False]
    assert t.loc["c", "ssiad_per_1000_75"] == 0.0  # no SSIAD at all within reach of c
    assert t["ssiad_under_served"].isna().tolist() == [True, True, False]
    # the nurse measure is still there, with its national reference and threshold
    assert hc.nurse_france == pytest.approx(1000 * 9 / 450)
    assert hc.nurse_threshold == pytest.approx(UNDER_SERVED_FRACTION * 1000 * 9 / 450)
    no_ssiad = home_care_access(nurses=NURSES, pop_75_plus=OLD, sites=_sites([]),
                                travel=_travel())  # fmt: skip
    assert "aucun SSIAD" in no_ssiad.ssiad_missing


def test_ssiad_places_with_one_unknown_capacity():
    hc = home_care_access(nurses=NURSES, pop_75_plus=OLD, sites=_sites([4, None, 2]),
                          travel=_travel())  # fmt: skip
    assert hc.ssiad_missing == "" and hc.ssiad_unknown_capacity == 1 and hc.ssiad_sites == 3
    # a: 4 known places (R_a = 4/100) and b's service of unknown places → 40, a minimum;
    # b: only its own service, places unknown → no value; c: 2/50
    t = hc.table
    assert t["ssiad_per_1000_75"].tolist() == pytest.approx([40.0, np.nan, 40.0], nan_ok=True)
    assert t["ssiad_unknown_in_reach"].tolist() == [1, 1, 0]
    # threshold: half of the DREES national rate; a minimum above it is not under-served
    assert hc.ssiad_threshold == pytest.approx(SSIAD_FRANCE_PER_1000 / 2)
    assert t["ssiad_under_served"].tolist() == [False, pd.NA, False]


def test_nurses_follow_the_bpe_commune_counts_where_known():
    """A département whose communes all have a BPE 2021 count is spread by those counts (the
    2021 distribution brought to the département's total); one with a missing count keeps
    the bassin densities."""
    pop = pd.Series([1000.0, 3000.0, 2000.0, 2000.0], index=["a", "b", "c", "d"])
    dep = pd.Series(["01", "01", "02", "02"], index=pop.index)
    dens = pd.Series([20.0, 10.0, 10.0, 10.0], index=pop.index)
    seen = pd.Series([1.0, 4.0, 3.0, np.nan], index=pop.index)
    out = estimate_nurse_supply(pop, dep, dens, pd.Series({"01": 10.0, "02": 8.0}), observed=seen)
    assert out["nurses"].tolist() == pytest.approx([2.0, 8.0, 4.0, 4.0])
    assert out["basis"].tolist() == ["bpe2021_x_departement_count"] * 2 + [
        "bv_density_x_departement_count"] * 2  # fmt: skip
