"""The nurses' measure of a plan (75+ home-care access): by hand, cache, end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from proxisante.plan.home_care import HomeCareInputs, home_care_inputs, home_care_measure


def test_measure_and_effect_by_hand():
    # a–b under 20 min (any DREES weight), c alone
    w = sp.csr_array(np.array([[1.0, 1 / 3, 0.0], [1 / 3, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    inputs = HomeCareInputs(pd.Series({"a": 3.0, "c": 1.0}),
                            pd.Series({"a": 100.0, "b": 200.0, "c": 100.0}), cached=False)  # fmt: skip
    catchment, today, threshold, source = home_care_measure(np.array(["a", "b", "c"]), w, inputs)
    # D_a = D_b = 300 (binary), D_c = 100; A_a = A_b = 1000·3/300, A_c = 1000·1/100
    np.testing.assert_allclose(today, [10.0, 10.0, 10.0])
    # France: 1000·4/400 = 10, threshold half of it
    assert threshold == pytest.approx(5.0) and "10,0 infirmiers" in source
    # one more nurse in b: +1000/300 for a and b, nothing for c
    eff = catchment.per_unit_effect([1]).toarray().ravel() * 1000
    np.testing.assert_allclose(eff, [1000 / 300, 1000 / 300, 0.0])


def test_plan_nurses_match_the_needs_layer_and_the_cache(tmp_path):
    from proxisante.needs import load_needs
    from proxisante.plan import build_instance
    from proxisante.territory import select

    built = home_care_inputs(cache_dir=tmp_path)
    again = home_care_inputs(cache_dir=tmp_path)
    assert not built.cached and again.cached
    pd.testing.assert_series_equal(built.nurses, again.nurses, check_names=False)
    pd.testing.assert_series_equal(built.pop_75_plus, again.pop_75_plus, check_names=False)
    # a corrupt cache entry is rebuilt
    next(tmp_path.glob("*.npz")).write_bytes(b"not a cache")
    assert not home_care_inputs(cache_dir=tmp_path).cached
    # end to end on a small territory: the plan's nurse baseline is the needs layer's value
    inst = build_instance(select("epci:246200364"), budgets_eur={2025: 6e5}, max_candidates=5,
                          professions=("gp", "nurse"))  # fmt: skip
    nb = inst.block("nurse")
    hc = load_needs().home_care
    ref = hc.table["nurses_per_1000_75"].reindex(inst.codes).to_numpy(dtype=float)
    np.testing.assert_allclose(nb.today, ref, rtol=1e-9)
    assert nb.threshold == pytest.approx(hc.nurse_threshold, rel=1e-9)
    assert (nb.baseline[:, 0] <= nb.today + 1e-12).all()
