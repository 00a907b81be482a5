"""DREES APL rules: activity → counted consultations, under-65 variant, standardised
population, DREES step boundaries, other professions' fte; the modules' doctests."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
import scipy.sparse as sp

from proxisante.access import (
    DREES_APL_STEP,
    LinearDecay,
    apl,
    apl_under_65,
    consultations_by_site,
    counted_consultations,
    fte_from_activity,
    fte_per_100k,
    standardise_population,
)
from proxisante.errors import InputError


@pytest.mark.parametrize("name", ["decay", "apl", "api", "incremental", "fca"])
def test_doctests(name):
    # the attribute proxisante.access.apl is the function: import the module by name
    module = importlib.import_module(f"proxisante.access.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_drees_step_boundaries():
    # < 10 → 1; 10 → 2/3 (not "< 10"); 15 → 1/3 (start of 15–20); 20 → 1/3 (not "> 20")
    t = np.array([0.0, 9.999, 10.0, 14.999, 15.0, 19.999, 20.0, 20.001, 45.0])
    expected = [1, 1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3, 0, 0]
    np.testing.assert_array_equal(DREES_APL_STEP(t), expected)


@pytest.mark.parametrize("bad", [[-1.0], [np.nan], [np.inf]])
def test_decay_rejects_bad_minutes(bad):
    with pytest.raises(InputError, match="finite minutes"):
        DREES_APL_STEP(bad)


def test_counted_consultations_bounds_and_exceptions():
    activity = [0, 250, 251, 3600, 3601, 6000, 6001]
    assert counted_consultations(activity).tolist() == [0, 0, 3600, 3600, 3601, 6000, 6000]
    cds = [True] * 7  # centres de santé: actual activity, no bounds
    assert counted_consultations(activity, centre_de_sante=cds).tolist() == activity
    new = [False, True, False, False, False, False, False]  # newly installed: 5,400
    assert counted_consultations(activity, newly_installed=new)[1] == 5400
    with pytest.raises(InputError, match=r"activity\[1\] is -5.0"):
        counted_consultations([10, -5])
    with pytest.raises(InputError, match="centre_de_sante has shape"):
        counted_consultations([10, 5], centre_de_sante=[True])


def test_under_65_variant_by_hand():
    # 2 communes, both 0 min from the one site (commune 0); 3 GPs at the site:
    # GP a: 64 years, 4,000 acts → 4,000; GP b: 65 years, 9,000 → 6,000 (excluded from
    # the variant: not under 65); GP c: 30 years, newly installed → 5,400.
    m = sp.csr_array(([0.0, 0.0], ([0, 1], [0, 0])), shape=(2, 1))
    pop = np.array([1000.0, 1000.0])
    site, act, age = [0, 0, 0], [4000, 9000, 100], [64, 65, 30]
    new = [False, False, True]
    all_gps = consultations_by_site(site, act, n_sites=1, newly_installed=new)
    assert all_gps.tolist() == [4000 + 6000 + 5400]
    np.testing.assert_allclose(apl(m, all_gps, pop), [15400 / 2000] * 2)
    got = apl_under_65(m, pop, site=site, activity=act, age=age, newly_installed=new)
    np.testing.assert_allclose(got, [(4000 + 5400) / 2000] * 2)


def test_consultations_by_site_rejects_misaligned():
    with pytest.raises(InputError, match=r"outside 0\.\.1"):
        consultations_by_site([2], [4000], n_sites=2)
    with pytest.raises(InputError, match="integer destination indexes"):
        consultations_by_site(["a"], [4000], n_sites=2)
    with pytest.raises(InputError, match="age and under_age go together"):
        consultations_by_site([0], [4000], n_sites=1, age=[40])


def test_standardise_population_by_hand():
    bands = np.zeros((2, 19))
    bands[0, 0] = 100  # 100 children 0-4: weight 2023 1.12, 2022 0.93
    bands[1, 18] = 10  # 10 people 90+: weight 2023 2.26
    bands[1, 6] = 50  # 50 aged 30-34: weight 2023 0.82
    np.testing.assert_allclose(standardise_population(bands, year=2023), [112.0, 22.6 + 41.0])
    np.testing.assert_allclose(standardise_population(bands, year=2022)[0], 93.0)
    with pytest.raises(InputError, match=r"expected \(n_communes, 19\)"):
        standardise_population(np.zeros((2, 18)), year=2023)
    bands[1, 3] = -1
    with pytest.raises(InputError, match=r"pop_by_band\[1, 3\] is -1.0"):
        standardise_population(bands, year=2023)


def test_fte_other_professions_parameters_are_explicit():
    act = np.array([40.0, 100.0, 250.0, 500.0, 30.0])
    got = fte_from_activity(
        act,
        activity_per_fte=100.0,
        bounds=(0.5, 2.0),
        newly_installed_fte=1.0,
        centre_de_sante=[False, False, False, True, False],
        newly_installed=[False, False, False, False, True],
    )
    # 0.4 < 0.5 → 0; 1; 2.5 > 2 → 2; centre de santé 5 (no bounds); newly installed → 1
    assert got.tolist() == [0.0, 1.0, 2.0, 5.0, 1.0]
    with pytest.raises(TypeError):
        fte_from_activity(act)  # no silent default for unsourced parameters
    with pytest.raises(InputError, match="activity_per_fte"):
        fte_from_activity(act, activity_per_fte=0, bounds=None, newly_installed_fte=1)


def test_fte_per_100k_by_hand():
    # one site 0 min from both origins: 3 fte for 2,000 + 1,000 standardised inhabitants
    m = sp.csr_array(([0.0, 5.0], ([0, 1], [0, 0])), shape=(2, 1))
    got = fte_per_100k(m, [3.0], [2000.0, 1000.0], decay=LinearDecay(10))
    d = 2000 * 1 + 1000 * 0.5  # 2,500
    np.testing.assert_allclose(got, [1e5 * 3 / d, 1e5 * 0.5 * 3 / d])
