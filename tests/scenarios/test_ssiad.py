"""SSIAD places per 1,000 inhabitants aged 75+: indicator, scenarios, store, CLI and COG."""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.errors import InputError
from proxisante.offer import Offer, load_default_offer
from proxisante.offer.model import CATEGORIES, PROFESSIONS
from proxisante.offer.ssiad import ssiad_coverage
from proxisante.professions import PROFESSION_CODES
from proxisante.scenarios import evaluate, parse_scenario
from proxisante.scenarios.model import Category
from proxisante.territory import AGE_BANDS, population_aged

LABELS = [b[0] for b in AGE_BANDS]


def _bands(per_band: dict[str, float]) -> pd.DataFrame:
    """Every band at 0 except those given; one row per commune code of ``per_band``' keys."""
    rows = {}
    for code, value in per_band.items():
        rows[code] = [value if b[1] >= 75 else 2 * value for b in AGE_BANDS]
    return pd.DataFrame.from_dict(rows, orient="index", columns=LABELS)


def _sites(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["site_id", "category", "status", "commune",
                                       "capacity_places"])  # fmt: skip


def test_scenario_literals_match_the_offer_model():
    # professions: the registry's codes, validated by the registry (aliases accepted)
    from proxisante.scenarios.model import PROFESSIONS as SCENARIO_PROFESSIONS

    assert SCENARIO_PROFESSIONS == PROFESSIONS == PROFESSION_CODES
    assert typing.get_args(Category) == CATEGORIES


def test_population_aged_sums_bands_from_75():
    bands = _bands({"62523": 100.0})
    # 75-79, 80-84, 85-89, 90+ → 4 bands of 100
    assert population_aged(bands, min_age=75).tolist() == [400.0]
    assert population_aged(bands, min_age=85).tolist() == [200.0]
    with pytest.raises(InputError, match="min_age was 77"):
        population_aged(bands, min_age=77)


def test_coverage_by_hand():
    # 62523: 4 × 100 = 400 aged 75+, a SSIAD of 30 places; 62498: 4 × 150 = 600, a SSIAD of
    # 10 places and one of unknown capacity; a closed SSIAD and an EHPAD that do not count.
    sites = _sites([
        ("a", "ssiad", "open", "62523", 30), ("b", "ssiad", "open", "62498", 10),
        ("c", "ssiad", "open", "62498", None), ("d", "ssiad", "closed", "62498", 500),
        ("e", "ehpad", "open", "62498", 80),
    ])  # fmt: skip
    bands = _bands({"62523": 100.0, "62498": 150.0})
    cov = ssiad_coverage(sites, bands, ["62523", "62498"])
    assert cov.places == 40 and cov.pop_75_plus == 1000
    assert cov.per_1000 == pytest.approx(1000 * 40 / 1000)
    assert cov.sites == 3 and cov.sites_without_capacity == 1
    assert cov.text_fr().startswith("40,0 places pour 1 000") and "minimum" in cov.text_fr()
    one = ssiad_coverage(sites, bands, ["62523"])
    assert one.per_1000 == pytest.approx(1000 * 30 / 400) and one.sites_without_capacity == 0
    # a population factor (scenario) divides the ratio
    half = ssiad_coverage(sites, bands, ["62523"],
                          population_factor=pd.Series({"62523": 2.0}))  # fmt: skip
    assert half.per_1000 == pytest.approx(one.per_1000 / 2)


def test_coverage_not_available_says_why():
    sites = _sites([("a", "ssiad", "open", "62523", None)])
    bands = _bands({"62523": 100.0})
    assert "populations par âge" in ssiad_coverage(sites, None, ["62523"]).missing
    assert "capacités" in ssiad_coverage(sites, bands, ["62523"]).missing
    assert "capacités" in ssiad_coverage(sites, bands, ["62498"]).missing
    # once some capacity is known, a territory without an open SSIAD has 0 places
    known = _sites([("a", "ssiad", "open", "62523", 12)])
    zero = ssiad_coverage(known, _bands({"62498": 10.0}), ["62498"])
    assert zero.available and zero.per_1000 == 0.0 and zero.sites == 0
    # open SSIAD of unknown capacity only: a count, « places inconnues » — not a 0
    low = ssiad_coverage(pd.concat([known, sites.assign(site_id="b", commune="62498")]),
                         _bands({"62498": 10.0}), ["62498"])  # fmt: skip
    assert np.isnan(low.per_1000) and low.count_only and not low.available
    assert low.text_fr().startswith("places inconnues (1 SSIAD")
    assert np.isnan(ssiad_coverage(sites, None, ["62523"]).per_1000)


@pytest.mark.parametrize("ages", [True, False])
def test_no_ssiad_is_told_apart_from_unknown_capacity(ages):
    """No SSIAD in the offer, none of the territory in it, and SSIAD without known capacity
    are three different reasons (the first two used to say « capacités non renseignées »)."""
    bands = _bands({"62523": 100.0, "62498": 100.0}) if ages else None
    none = _sites([("e", "ehpad", "open", "62523", 80), ("d", "ssiad", "closed", "62523", None)])
    why = ssiad_coverage(none, bands, ["62523"]).missing
    assert "aucun SSIAD dans l'offre chargée" in why and "non renseignées" not in why
    unknown = _sites([("a", "ssiad", "open", "62523", None)])
    elsewhere = ssiad_coverage(unknown, bands, ["62498"])
    assert "aucun SSIAD du territoire dans l'offre chargée" in elsewhere.missing
    here = ssiad_coverage(unknown, bands, ["62523"])
    assert "capacités des SSIAD non renseignées (1 SSIAD dans le territoire)" in here.missing
    assert np.isnan(elsewhere.per_1000) and elsewhere.text_fr().startswith("non disponible (")
    # with the ages loaded, a territory with a SSIAD is never « non disponible »: its count,
    # places unknown
    assert np.isnan(here.per_1000)
    assert here.text_fr().startswith("places inconnues (1 SSIAD" if ages else "non disponible (")
    assert ("populations par âge INSEE non chargées" in why) is not ages


def _offer_with_ssiad() -> Offer:
    base = load_default_offer()
    extra = pd.DataFrame({
        "site_id": ["ssiad-lens", "ssiad-loison"], "name": ["SSIAD Lens", "SSIAD Loison"],
        "category": "ssiad", "operator": "filieris", "commune": ["62498", "62523"],
        "status": "open", "capacity_places": [50, 20],
    })  # fmt: skip
    sites = pd.concat([base.sites, extra], ignore_index=True)
    return Offer(sites=sites, staff=base.staff)


def test_scenario_closing_and_opening_ssiad():
    offer = _offer_with_ssiad()
    bands = _bands({"62498": 500.0, "62523": 250.0})  # 2,000 and 1,000 aged 75+
    sc = parse_scenario({
        "name": "ssiad", "edits": [
            {"kind": "close_sites", "sites": ["ssiad-lens"]},
            {"kind": "open_site", "site": "ssiad-new", "name": "Nouveau SSIAD", "commune": "62523",
             "category": "ssiad", "fte": {"nurse": 4}, "capacity_places": 15},
        ],
    })  # fmt: skip
    res = evaluate(sc, offer=offer, pop_by_age=bands)
    before, after = res.ssiad(["62498", "62523"])
    assert before.per_1000 == pytest.approx(1000 * 70 / 3000)
    assert after.per_1000 == pytest.approx(1000 * 35 / 3000)
    s = res.summary(["62498", "62523"])
    assert s["ssiad_per_1000_after"] == pytest.approx(after.per_1000)
    # no GP involved: the APL is unchanged
    assert (res.communes["delta_apl"] == 0).all()
    # without INSEE age data: the needs layer's estimate of the 75+, said so (never n/a)
    from proxisante.needs import default_ages

    res_est = evaluate(sc, offer=offer)
    est_before, est_after = res_est.ssiad(["62523"])
    old = default_ages().aged(75).loc["62523"]
    assert est_before.per_1000 == pytest.approx(1000 * 20 / old)
    assert est_after.per_1000 == pytest.approx(1000 * 35 / old)
    assert "estimés" in est_after.text_fr()
    assert res_est.summary(["62523"])["ssiad_per_1000_after"] == pytest.approx(est_after.per_1000)
    # home care before/after: the new SSIAD's 4 nurse FTE and its places are counted
    hc = res_est.home_care(["62498", "62523"])
    assert hc.nurse_fte_change == 4.0
    assert hc.nurses_after > hc.nurses_before
    assert hc.ssiad_missing == "" and hc.ssiad_after < hc.ssiad_before  # 70 → 35 places


def _pop1b(tmp_path, per_age: dict[str, float]):
    path = tmp_path / "TD_POP1B_2021.csv"
    lines = ["NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB"]
    for code, nb in per_age.items():
        for sex in ("1", "2"):
            lines += [f"COM;{code};X;{sex};{age:03d};{nb}" for age in range(101)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_store_scenario_report_and_cog(tmp_path):
    from tests.offer.fixtures import good_finess_lines, write_finess

    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, [str(a) for a in args])

    store = tmp_path / "s.duckdb"
    # 62498 Lens: 2 sexes × 1 per single age → 2 × 26 = 52 aged 75..100
    pop = _pop1b(tmp_path, {"62498": 1.0, "62523": 1.0})
    res = run("offer", "import", "pop-age", pop, "--store", store)
    assert res.exit_code == 0, res.output
    assert "404 ligne(s) de données lue(s)" in " ".join(res.output.split())
    res = run("offer", "import", "pop-age", pop, "--lenient", "--store", store)
    assert res.exit_code == 2 and "census table must be complete" in res.output
    assert run("offer", "import", "finess", write_finess(tmp_path, good_finess_lines()),
               "--store", store).exit_code == 0  # fmt: skip
    # 620000002 is the SSIAD of Lens in the fixture; FINESS gives no capacity
    res = run("scenario", "run", _close_file(tmp_path), "-t", "62498", "--store", store)
    assert res.exit_code == 0, res.output
    assert "places inconnues" in " ".join(res.output.split())
    res = run("offer", "edit", "620000002", "--capacity-places", "-3", "--store", store)
    assert (
        res.exit_code == 2
        and "capacity_places was -3; expected a whole number of places" in res.output
    )
    assert run("offer", "edit", "620000002", "--capacity-places", "26", "--store",
               store).exit_code == 0  # fmt: skip
    report = tmp_path / "r.html"
    res = run("scenario", "run", _close_file(tmp_path), "-t", "62498", "--store", store,
              "--report", report)  # fmt: skip
    assert res.exit_code == 0, res.output
    # 26 places / 52 aged 75+ = 500 per 1,000 before; 0 after the closure
    assert "500,0" in res.output
    html = report.read_text(encoding="utf-8").replace("\u202f", " ")
    assert "avant 500,0 places pour 1 000 habitants de 75 ans et plus (26 places)" in html
    assert "après 0,0 places pour 1 000" in html
    assert "définition DREES (STATISS)" in html  # its source is in the footnotes
    res = run("plan", "cog", "-t", "62498", "--from", "2025", "--to", "2026",
              "--budget-per-year", "8e5", "--time-limit", "10", "--candidates", "62498",
              "--out", tmp_path / "p.xlsx",
              "--html", tmp_path / "p.html", "--store", store)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "500,0 places pour 1 000" in (tmp_path / "p.html").read_text(encoding="utf-8").replace(
        "\u202f", " "
    )
    xl = pd.read_excel(tmp_path / "p.xlsx", sheet_name="Synthèse")
    assert xl["places de SSIAD pour 1 000 habitants de 75 ans et plus"].tolist() == [500.0] * 2


def _close_file(tmp_path):
    path = tmp_path / "close-ssiad.yaml"
    path.write_text(
        "name: fermeture SSIAD Lens\nedits:\n  - kind: close_sites\n    sites: ['620000002']\n",
        encoding="utf-8",
    )
    return path
