"""The GP "sans COG" world: 65+ retirements, BPE installations, official anchor."""

import numpy as np
import pandas as pd
import pytest

from proxisante.plan import build_instance
from proxisante.plan.baseline import departement_installation_rates, gp_no_cog, retired_share
from proxisante.territory import load_official_apl, select


def test_retired_share_is_the_exponential_profile():
    got = retired_share([2023, 2025, 2028], apl_year=2023, mean_remaining_years=4.0)
    np.testing.assert_allclose(got, [1 - np.exp(-0.5 / 4), 1 - np.exp(-2.5 / 4),
                                     1 - np.exp(-5.5 / 4)])  # fmt: skip
    with pytest.raises(ValueError, match="expected years > 0"):
        retired_share([2025], apl_year=2023, mean_remaining_years=0.0)


def test_projection_by_hand():
    apl, a65 = np.array([3.0, 2.0, 4.0]), np.array([2.0, 2.0, np.nan])
    p = gp_no_cog(apl, a65, np.array([0.02, 0.0, 0.01]), [2025, 2026], apl_year=2023,
                  mean_remaining_years=4.0, mean_remaining_range=(2.5, 6.0),
                  install_factor_range=(0.5, 1.5))  # fmt: skip
    s = 1 - np.exp(-np.array([2.5, 3.5]) / 4)
    np.testing.assert_allclose(p.access[0], 3.0 - s * 1.0 + 0.02 * np.array([2.5, 3.5]) * 2.0)
    np.testing.assert_allclose(p.access[1], [2.0, 2.0])  # no gap, no installation
    np.testing.assert_allclose(p.access[2], 4.0 + 0.01 * np.array([2.5, 3.5]) * 4.0)
    np.testing.assert_allclose(p.zoning[0], 2.0 + 0.02 * np.array([2.5, 3.5]) * 2.0)
    assert (p.access_low <= p.access + 1e-12).all() and (p.access <= p.access_high + 1e-12).all()


def test_installation_rates_from_the_raw_bpe_files():
    rates = departement_installation_rates()
    # Aveyron by hand from the two INSEE files: 256 libéral GPs in 2017, 20 gained in the
    # communes that gained some by 2021 (SOURCE §7 and §9)
    assert rates["12"] == pytest.approx(20 / (4 * 256))
    assert 0.005 < rates["FR"] < 0.03 and rates["75"] == rates["FR"]


@pytest.fixture(scope="module")
def circo():
    terr = select("circo:12-02")
    return terr, build_instance(terr, budgets_eur={2025: 6e5, 2026: 6e5, 2027: 6e5, 2028: 6e5})


def test_network_baseline_is_no_kinder_than_the_official_anchor_by_2028(circo):
    _, inst = circo
    b = inst.block("gp")
    apl = load_official_apl(2023).set_index("code_insee").reindex(inst.codes)
    np.testing.assert_allclose(b.anchor, apl["apl_generalistes_moins65"].to_numpy())
    pop = inst.population
    under = [pop[b.baseline[:, t] < 2.5].sum() for t in range(4)]
    official_all, official_65 = pop[b.today < 2.5].sum(), pop[b.anchor < 2.5].sum()
    assert official_65 == 34_167 and official_all == 16_258
    # retirements push the sans-COG count from the all-ages figure toward the zoning one
    assert under[0] > official_all and under[-1] >= under[0]
    lo, hi = b.baseline_range
    assert (lo <= b.baseline + 1e-12).all() and (b.baseline <= hi + 1e-12).all()
    assert any("65 ans et plus" in n for n in inst.notes)
    assert pd.notna(under[-1])
