"""The calibrated model as the default world: APL never negative, estimates, ranges."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.model import calibrated_baseline
from proxisante.offer import load_default_offer
from proxisante.scenarios import Scenario, criticality_ranking, evaluate


@pytest.fixture(scope="module")
def base():
    return calibrated_baseline()


def test_closing_every_bundled_site_one_by_one_never_gives_a_negative_apl(base):
    offer = load_default_offer()
    open_sites = offer.sites.loc[offer.sites["status"] == "open", "site_id"].tolist()
    rng = np.random.default_rng(0)
    # every site with GP staff, plus a sample of the others (no GP: nothing to remove)
    from proxisante.offer import site_supply

    staffed = set(site_supply(offer)["site_id"])
    chosen = [s for s in open_sites if s in staffed]
    others = [s for s in open_sites if s not in staffed]
    chosen += list(rng.choice(others, size=min(20, len(others)), replace=False))
    for site in chosen:
        sc = Scenario.model_validate(
            {
                "name": "t",
                "baseline_year": 2023,
                "edits": [{"kind": "close_sites", "sites": [site]}],
            }
        )
        res = evaluate(sc, offer=offer, baseline=base)
        assert res.communes["apl_after"].min() >= 0.0, site


def test_unknown_staff_gets_an_estimate_not_zero(base):
    rank = criticality_ranking(operator="filieris", baseline=base).set_index("name")
    for name in (
        "Centre Filieris de Firmi",
        "Centre de santé Filieris de Salindres",
        "Centre de santé Filieris de Ham-en-Artois",
        "Centre Filieris de Decazeville",
    ):
        row = rank.loc[name]
        assert bool(row["gp_estimated"]) and "estimé" in row["estimate_method"]
        assert row["consultations_high"] > 0
        assert row["newly_under_p90"] >= row["newly_under_p10"]
    assert rank.loc["Centre Filieris de Firmi", "max_apl_drop"] > 0


def test_scenario_ranges_bracket_the_central_delta(base):
    sc = Scenario.model_validate({"name": "t", "baseline_year": 2023, "edits": [
        {"kind": "close_sites", "sites": ["filieris-centre-de-sante-de-carmaux"]}]})  # fmt: skip
    c = evaluate(sc, baseline=base).communes
    hit = c["delta_apl"] != 0
    assert hit.any()
    assert (c.loc[hit, "delta_apl_p10"] <= c.loc[hit, "delta_apl"] + 1e-12).all()
    assert (c.loc[hit, "delta_apl"] <= c.loc[hit, "delta_apl_p90"] + 1e-12).all()


def test_model_quality_note_data(base):
    from proxisante.model.quality import model_quality

    q = model_quality(["62523"])
    assert q["in_sample"]["r"] == pytest.approx(base_fit_r())
    s = q["surroundings"]
    assert s["n_communes"] > 1 and s["mae"] >= abs(s["mean_residual"])
    i = base.index_of(["62523"])[0]
    rows = {r["code_insee"]: r for r in q["largest_residuals"]}
    if "62523" in rows:
        assert rows["62523"]["apl_official"] == pytest.approx(base.baseline_apl[i])
    largest = [abs(r["residual"]) for r in q["largest_residuals"]]
    assert largest == sorted(largest, reverse=True) and largest[0] >= s["mae"]
    for r in q["largest_residuals"]:
        assert r["residual"] == pytest.approx(r["apl_official"] - r["apl_model"])


def base_fit_r() -> float:
    from proxisante.model.artefact import bundled_model

    return bundled_model().metadata["figures"]["in_sample"]["r"]
