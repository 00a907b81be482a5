"""Scenarios for every profession: departures by count, sites with nurses, physiotherapists,
midwives, dentists; each profession's access before/after conserves Σ ΔAPL·P = scale·ΔS."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.access import EvaluationBaseline
from proxisante.errors import InputError
from proxisante.offer import load_default_offer
from proxisante.scenarios import dump_scenario, evaluate, load_scenario, parse_scenario

FORBACH = "filieris-centre-de-sante-de-forbach"  # 3 GPs, 3 nurses, 2 dentists (salaried)


@pytest.fixture(scope="module")
def ctx():
    return EvaluationBaseline.official(2023)


def _run(ctx, *edits):
    return evaluate(parse_scenario({"name": "t", "edits": list(edits)}), baseline=ctx)


def _conserved(res, code):
    imp = res.professions[code]
    scale = imp.profession.apl.scale
    got = float(((imp.after - imp.before) * imp.demand).sum())
    assert got == pytest.approx(scale * imp.fte_change, rel=1e-9, abs=1e-6)
    return got


def test_departures_by_count_in_a_commune(ctx):
    res = _run(
        ctx,
        {"kind": "departures", "commune": "62523", "profession": "nurse", "count": 5},
        {"kind": "departures", "commune": "62523", "profession": "kine", "count": 2},
        {"kind": "departures", "commune": "62523", "profession": "gp", "count": 1},
    )
    assert res.professions["nurse"].fte_change == -5.0
    assert res.professions["physiotherapist"].fte_change == -2.0
    assert _conserved(res, "nurse") == pytest.approx(-500_000.0)
    assert _conserved(res, "physiotherapist") == pytest.approx(-200_000.0)
    assert not res.professions["midwife"].changed  # untouched professions are not recomputed
    table = res.profession_table(["62523"]).set_index("profession")
    assert table.loc["nurse", "delta"] < 0 and table.loc["midwife", "delta"] == 0
    assert (table["status"] == "estimé").all()
    # the GP departure is a supply change at the commune (5,400 consultations)
    gp = res.changes
    assert gp["site_id"].tolist() == ["commune:62523"]
    assert gp["delta_consultations"].tolist() == [-5400.0]
    row = res.communes.set_index("code_insee").loc["62523"]
    assert row["delta_apl"] < 0


def test_departures_cannot_exceed_the_professionals_known(ctx):
    # BPE 2021: 15 nurses in Loison-sous-Lens; two edits of 10 take 20
    with pytest.raises(InputError, match=r"edit #2 \(departures\): 10 professionals of 'nurse' "
                       r"leave commune 62523 but 5 are known there \(BPE 2021: 15"):  # fmt: skip
        _run(ctx, *[{"kind": "departures", "commune": "62523", "profession": "nurse",
                     "count": 10}] * 2)  # fmt: skip
    with pytest.raises(InputError, match="99999"):
        _run(ctx, {"kind": "departures", "commune": "99999", "profession": "nurse", "count": 1})


def test_closing_a_centre_removes_its_nurses_and_dentists(ctx):
    offer = load_default_offer()
    staff = offer.staff[offer.staff["site_id"] == FORBACH].set_index("profession")
    res = _run(ctx, {"kind": "close_sites", "sites": [FORBACH]})
    assert res.professions["nurse"].fte_change == -float(staff.loc["nurse", "headcount"])
    assert res.professions["dentist"].fte_change == -float(staff.loc["dentist", "headcount"])
    for code in ("nurse", "dentist"):
        assert _conserved(res, code) < 0
    forbach = res.profession_table(["57227"]).set_index("profession")
    assert forbach.loc["dentist", "delta"] < 0


def test_opening_a_site_and_changing_staff_of_other_professions(ctx):
    res = _run(
        ctx,
        {"kind": "open_site", "site": "msp-test", "name": "MSP test", "commune": "30132",
         "fte": {"physio": 2.0, "midwife": 1.0, "gp": 1.0}},
        {"kind": "change_staff", "site": "msp-test", "profession": "sage-femme",
         "delta_fte": 0.5},
    )  # fmt: skip
    assert res.professions["physiotherapist"].fte_change == 2.0
    assert res.professions["midwife"].fte_change == 1.5
    assert _conserved(res, "midwife") == pytest.approx(150_000.0)
    grand_combe = res.profession_table(["30132"]).set_index("profession")
    assert grand_combe.loc["physiotherapist", "delta"] > 0
    per_commune = res.profession_communes(["30132"])
    assert (per_commune["midwife_after"] > per_commune["midwife_before"]).all()


def test_departures_round_trip_through_yaml(tmp_path):
    sc = parse_scenario({"name": "retraites", "edits": [
        {"kind": "departures", "commune": "62523", "profession": "kiné", "count": 3}]})  # fmt: skip
    path = tmp_path / "s.yaml"
    dump_scenario(sc, path)
    back = load_scenario(path)
    assert back == sc and back.edits[0].profession == "physiotherapist"
    with pytest.raises(InputError, match="count"):
        parse_scenario({"name": "x", "edits": [
            {"kind": "departures", "commune": "62523", "profession": "nurse", "count": 0}]})  # fmt: skip


def test_no_edit_of_other_professions_keeps_their_access(ctx):
    res = _run(ctx, {"kind": "departures", "commune": "62523", "profession": "gp", "count": 1})
    assert all(not imp.changed for imp in res.professions.values())
    assert np.isfinite(res.profession_table()["before"]).all()


def test_cli_departures_and_per_profession_columns(tmp_path):

    import pandas as pd
    from typer.testing import CliRunner

    from proxisante.cli import app

    runner = CliRunner()
    store = str(tmp_path / "s.duckdb")
    res = runner.invoke(app, ["scenario", "new", "loison", "--departure", "62523:infirmier=5",
                              "--departure", "62523:gp=1", "--store", store])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = tmp_path / "impacts.csv"
    res = runner.invoke(app, ["scenario", "run", "loison", "-t", "62523", "--store", store,
                              "--csv", str(out), "--csv-format", "international"])  # fmt: skip
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "Accès aux autres professions (estimé)" in text and "infirmiers" in text
    row = pd.read_csv(out, dtype={"code_commune": str}).iloc[0]
    assert row["apl_infirmiers_apres"] < row["apl_infirmiers_avant"]
    assert row["apl_dentistes_apres"] == row["apl_dentistes_avant"]
    assert row["unite_apl_sages_femmes"] == "ETP pour 100 000 femmes"
    assert row["statut_apl_autres_professions"].startswith("estimé")
    bad = runner.invoke(app, ["scenario", "new", "x", "--departure", "62523=5", "--store", store])
    assert bad.exit_code == 2 and "expected COMMUNE:PROFESSION=COUNT" in bad.output


def test_closing_a_centre_of_unknown_staff_says_the_other_professions_are_not_counted(ctx):
    offer = load_default_offer()
    sites, staffed = offer.sites, set(offer.staff["site_id"])
    centre = sites[(sites["category"] == "centre_de_sante") & (sites["status"] == "open")
                   & ~sites["site_id"].isin(staffed)].iloc[0]  # fmt: skip
    res = _run(ctx, {"kind": "close_sites", "sites": [centre["site_id"]]})
    assert all(not imp.changed for imp in res.professions.values())
    assert any(n.startswith(f"{centre['name']} : aucun effectif salarié connu sur ce site pour "
                            "les infirmiers") for n in res.notes)  # fmt: skip
