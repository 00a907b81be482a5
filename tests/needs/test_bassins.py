"""Attachment of communes to bassins de vie 2022."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from proxisante.needs.bassins import attach_communes, attachment_counts


def _communes():
    # D and Lx are centres in 2022; D was the 2012 centre of A, B, L and Lx.
    return pd.DataFrame({
        "code_insee": ["D", "Lx", "A", "B", "C", "Z", "Q"],
        "lat": [50.37, 50.43, 50.36, 50.42, 50.45, np.nan, np.nan],
        "lon": [3.08, 2.83, 3.10, 2.86, 2.60, np.nan, np.nan],
    })  # fmt: skip


def _membership():
    return pd.DataFrame({
        "code_insee_current": ["D", "Lx", "A", "B", "C", "Z", "Q", ""],
        "bassin_vie_2012": ["D", "D", "D", "D", "OLD", "D", "OLD", "D"],
    })  # fmt: skip


def test_rule_by_hand():
    out = attach_communes(_communes(), _membership(), ["D", "Lx"]).set_index("code_insee")
    assert out.loc["D", "attachment"] == "centre" and out.loc["D", "distance_km"] == 0
    # A is next to D, B next to Lx: both lay in the 2012 bassin of D, which was split
    assert (out.loc["A", "bassin_vie_2022"], out.loc["A", "attachment"]) == ("D", "bv2012_nearest")
    assert (out.loc["B", "bassin_vie_2022"], out.loc["B", "attachment"]) == ("Lx", "bv2012_nearest")
    # C: its 2012 centre is no centre any more and no 2022 centre lay in it → nearest centre
    assert out.loc["C", "attachment"] == "nearest_centre"
    assert out.loc["C", "bassin_vie_2022"] == "Lx"  # 16 km west of Lx, 34 km from D
    # Z has no point but its 2012 centre is still a centre; Q has neither
    assert (out.loc["Z", "bassin_vie_2022"], out.loc["Z", "attachment"]) == ("D", "bv2012")
    assert (out.loc["Q", "bassin_vie_2022"], out.loc["Q", "attachment"]) == ("", "none")
    counts = attachment_counts(out.reset_index())
    assert counts == {"centre": 2, "bv2012": 1, "bv2012_nearest": 2, "nearest_centre": 1,
                      "none": 1, "approximate": 4}  # fmt: skip


def test_single_candidate_is_bv2012():
    c = pd.DataFrame({"code_insee": ["D", "A"], "lat": [45.0, 45.2], "lon": [3.0, 3.0]})
    m = pd.DataFrame({"code_insee_current": ["D", "A"], "bassin_vie_2012": ["D", "D"]})
    out = attach_communes(c, m, ["D"]).set_index("code_insee")
    assert out.loc["A", "attachment"] == "bv2012"
    # 0.2° of latitude on a sphere of radius 6,371.0088 km
    assert out.loc["A", "distance_km"] == pytest.approx(6371.0088 * np.radians(0.2), abs=1e-6)
