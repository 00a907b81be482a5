"""`proxisante scenario …` end to end on the bundled data, with a temporary store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.store import MIGRATIONS, Store
from proxisante.territory import select
from tests.csv_fr import read_fr_csv

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_new_list_edit_export_run_compare(tmp_path):
    store = tmp_path / "s.duckdb"
    res = _run("scenario", "new", "carmaux", "--close", "filieris-centre-de-sante-de-carmaux",
               "--store", store)  # fmt: skip
    assert res.exit_code == 0, res.output
    res = _run("scenario", "new", "gard", "--operator-exit", "filieris:dep:30", "--store", store)
    assert res.exit_code == 0, res.output
    res = _run("scenario", "list", "--store", store)
    assert "carmaux" in res.output and "2 scénario(s)" in res.output
    res = _run("scenario", "edit", "carmaux", "--open", "81060=3", "--store", store)
    assert res.exit_code == 0, res.output
    out = tmp_path / "carmaux.yaml"
    assert _run("scenario", "export", "carmaux", out, "--store", store).exit_code == 0
    assert "open_site" in out.read_text(encoding="utf-8")
    csv = tmp_path / "impact.csv"
    res = _run("scenario", "run", "carmaux", "-t", "dep:81", "--csv", csv, "--store", store)
    assert res.exit_code == 0, res.output
    df = read_fr_csv(csv, dtype={"code_commune": str})
    assert len(df) == len(select("dep:81"))
    cmp_csv = tmp_path / "compare.csv"
    res = _run("scenario", "compare", "carmaux", "gard", "-t", "dep:30", "--csv", cmp_csv,
               "--store", store)  # fmt: skip
    assert res.exit_code == 0 and "Comparaison" in res.output
    cmp = read_fr_csv(cmp_csv, dtype=str).set_index("code_commune")
    assert list(cmp.columns) == ["commune", "departement", "population", "apl_avant",
                                 "apl_apres_carmaux", "apl_apres_gard"]  # fmt: skip
    assert cmp.loc["30037", "commune"] == "Bessèges"
    assert cmp["apl_apres_gard"].str.fullmatch(r"\d+,\d{1,3}").all()


def test_run_example_with_report(tmp_path):
    html, csv, xlsx = tmp_path / "gard.html", tmp_path / "gard.csv", tmp_path / "gard.xlsx"
    res = _run("scenario", "run", EXAMPLES / "scenario_gard_filieris.yaml", "-t", "dep:30",
               "--report", html, "--csv", csv, "--xlsx", xlsx)  # fmt: skip
    assert res.exit_code == 0, res.output
    # the CSV is an export like the others: French columns, names beside codes, rounded
    # figures, estimates said so with their P10–P90 range
    df = read_fr_csv(csv, dtype=str).set_index("code_commune")
    assert len(df) == len(select("dep:30"))
    assert {"commune", "departement", "population", "apl_avant", "variation_apl",
            "variation_apl_p10", "variation_apl_p90", "apl_apres", "apl_apres_p10",
            "apl_apres_p90", "statut_apl_apres", "passe_sous_2_5"} <= set(df.columns)  # fmt: skip
    assert "population_apres" not in df.columns  # no population edit
    bonnevaux = df.loc["30044"]
    assert bonnevaux["commune"] == "Bonnevaux" and bonnevaux["departement"] == "30 Gard"
    assert df["population"].str.fullmatch(r"\d+").all()
    for col in ("apl_avant", "variation_apl", "apl_apres", "variation_apl_p10"):
        assert df[col].str.fullmatch(r"-?\d+,\d{1,3}").all(), col
    assert (df["apl_apres"].str.replace(",", ".").astype(float) >= 0).all()
    assert (df["apl_apres_p10"].str.replace(",", ".").astype(float) >= 0).all()
    changed = df[df["variation_apl"].str.replace(",", ".").astype(float) != 0]
    assert len(changed) > 10 and (changed["statut_apl_apres"] == "estimée").all()
    assert changed["methode"].str.contains("modèle calibré").all()
    p10, p90 = (
        changed["variation_apl_p10"].str.replace(",", ".").astype(float),
        changed["variation_apl_p90"].str.replace(",", ".").astype(float),
    )
    assert (p10 <= p90).all()
    same = df[df["variation_apl"].str.replace(",", ".").astype(float) == 0]
    assert (same["statut_apl_apres"] == "officielle DREES 2023 (inchangée)").all()
    assert set(df["passe_sous_2_5"]) <= {"oui", "non"}
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"impacts", "Sources"}
    assert sheets["Sources"]["Adresse"].str.contains("drees").any()
    text = html.read_text(encoding="utf-8")
    assert "Si… les centres de santé Filieris du Gard fermaient" in text
    assert "Bessèges" in text and 'data-figure="newly-under"' in text
    # the public page behind each closed site's staff is printed, not only claimed
    assert '<a href="https://objectifgard.com/' in text


def test_criticality_cli(tmp_path):
    csv = tmp_path / "rank.csv"
    res = _run("scenario", "criticality", "--operator", "filieris", "--csv", csv)
    assert res.exit_code == 0, res.output
    rank = read_fr_csv(csv, dtype=str)
    assert rank["rang"].iloc[0] == "1" and len(rank) >= 9
    # names beside codes, one row per physical site, unknown staff written « inconnu »
    assert {"code_commune", "commune", "nom_du_site"} <= set(rank.columns)
    assert rank["site"].is_unique
    assert (rank["nom_du_site"].str.contains("Freyming")).sum() == 1
    decaz = rank[rank["nom_du_site"] == "Centre Filieris de Decazeville"].iloc[0]
    assert decaz["commune"] == "Decazeville"
    # a centre whose staff no source states gets the calibrated model's estimate, said so
    assert decaz["effectif_medecins_generalistes"] == "estimé"
    assert decaz["consultations_perdues_par_an"].isdigit()
    assert "estimé" in decaz["methode_estimation"]
    # a site neither published nor estimated (the Freyming hospital) is « inconnu », not 0
    freyming = rank[rank["site"] == "570000091"].iloc[0]
    assert freyming["effectif_medecins_generalistes"] == "inconnu"
    assert freyming["habitants_passant_sous_2_5"] == "inconnu"
    # rounded figures: no float noise, populations whole
    known = rank[rank["effectif_medecins_generalistes"] == "publié"]
    assert known["habitants_touches"].str.fullmatch(r"\d+").all()
    assert known["baisse_max_apl"].str.fullmatch(r"\d+(,\d{1,3})?").all()


def test_criticality_xlsx_has_a_sources_sheet(tmp_path):
    out = tmp_path / "rank.xlsx"
    res = _run("scenario", "criticality", "--operator", "filieris", "--xlsx", out)
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"criticite", "Sources"}
    src = sheets["Sources"]
    assert src["Adresse"].str.startswith("http").all()
    assert src["Adresse"].str.contains("drees").any()
    assert src["Adresse"].str.contains("centrepresseaveyron").any()


def test_bad_scenarios_save_nothing(tmp_path):
    store = tmp_path / "s.duckdb"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nedits:\n  - kind: close_sites\n    sites: [nope]\n", encoding="utf-8")
    for args in (
        ("scenario", "import", bad, "--store", store),
        ("scenario", "new", "y", "--close", "nope", "--store", store),
        ("scenario", "new", "z", "--open", "62523=abc", "--store", store),
        ("scenario", "run", "missing-name", "--store", store),
    ):
        res = _run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "error:" in res.output and "Traceback" not in res.output
    with Store(store) as st:
        assert st.list_scenarios() == []


def test_store_transaction_rolls_back(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        st.save_scenario("a", {"v": 1})
        try:
            with st.transaction() as con:
                con.execute("UPDATE scenarios SET body = '{\"v\": 2}' WHERE name = 'a'")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert st.get_scenario("a") == {"v": 1}
        assert st.schema_version() == MIGRATIONS[-1][0]


def test_population_change_with_full_supply(tmp_path):
    sc = tmp_path / "pop.yaml"
    sc.write_text('name: pop\nedits:\n  - kind: population_change\n    territory: "62498"\n'
                  "    factor: 1.2\n", encoding="utf-8")  # fmt: skip
    res = _run("scenario", "run", sc, "-t", "62498")
    assert res.exit_code == 2 and "--full-supply" in res.output
    supply = tmp_path / "supply.csv"
    supply.write_text("commune,fte\n62523,3\n62498,25\n62065,6\n", encoding="utf-8")
    out = tmp_path / "impact.csv"
    res = _run("scenario", "run", sc, "-t", "62498", "--full-supply", supply, "--csv", out)
    assert res.exit_code == 0, res.output
    lens = read_fr_csv(out, dtype={"code_commune": str}).set_index("code_commune").loc["62498"]
    assert lens["variation_apl"] < 0  # 20 % more people share the same doctors
    assert lens["population_apres"] == round(1.2 * lens["population"])
    # a full recompute from the user's supply is neither official nor estimated by us
    assert lens["source_apl_avant"] == "calculée (offre fournie)"


def test_scenarios_use_the_offer_imported_in_the_store(tmp_path):
    from tests.offer.fixtures import good_finess_lines, write_finess

    store = tmp_path / "s.duckdb"
    f = write_finess(tmp_path, good_finess_lines())
    assert _run("offer", "import", "finess", f, "--store", store).exit_code == 0
    assert _run("offer", "edit", "620000001", "--fte", "gp=+3", "--store", store).exit_code == 0
    # the imported Filieris centre of Loison-sous-Lens (3 GP FTE added) can be closed
    csv = tmp_path / "impact.csv"
    res = _run("scenario", "new", "loison", "--close", "620000001", "--store", store)
    assert res.exit_code == 0, res.output
    res = _run("scenario", "run", "loison", "-t", "62523", "--csv", csv, "--store", store)
    assert res.exit_code == 0, res.output
    row = read_fr_csv(csv, dtype={"code_commune": str}).set_index("code_commune").loc["62523"]
    assert row["variation_apl"] < 0
    # without the store the site is unknown
    res = _run(
        "scenario", "new", "loison2", "--close", "620000001", "--store", tmp_path / "other.duckdb"
    )
    assert res.exit_code == 2 and "unknown site" in res.output


def test_run_with_imported_travel_matrix(tmp_path):
    matrix = tmp_path / "m.csv"
    assert (
        _run("travel", "matrix", "-t", "dep:30", "--cutoff", "20", "--out", matrix).exit_code == 0
    )
    csv = tmp_path / "impact.csv"
    ex = EXAMPLES / "scenario_gard_filieris.yaml"
    res = _run("scenario", "run", ex, "-t", "dep:30", "--travel", "matrix", "--matrix", matrix,
               "--csv", csv)  # fmt: skip
    assert res.exit_code == 0, res.output
    df = read_fr_csv(csv, dtype={"code_commune": str})
    assert len(df) == len(select("dep:30")) and (df["variation_apl"] <= 0).all()
    assert (df["variation_apl"] < 0).sum() > 10
    res = _run("scenario", "run", ex, "--travel", "matrix", "--matrix", matrix)
    assert res.exit_code == 2 and "needs --territory" in res.output


def test_criticality_centre_gp_fte_per_person_is_a_stated_assumption(tmp_path):
    csv = tmp_path / "rank.csv"
    res = _run("scenario", "criticality", "--operator", "filieris", "--csv", csv,
               "--centre-gp-fte-per-person", "0.5")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "hypothèse" in res.output and "0,5 ETP" in " ".join(res.output.split())
    rank = read_fr_csv(csv, dtype=str).set_index("site")
    # Carmaux: 6 GPs published as a headcount → 3 FTE at 0.5 FTE per person
    assert rank.loc["filieris-centre-de-sante-de-carmaux", "medecins_generalistes_etp"] == "3,0"
    res = _run("scenario", "criticality", "--operator", "filieris",
               "--centre-gp-fte-per-person", "0")  # fmt: skip
    assert res.exit_code == 2 and "expected a number in (0, 1]" in res.output
