"""``plan optimise`` and ``plan cog`` from the command line: outputs, defaults, errors."""

from __future__ import annotations

import re

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app
from tests.csv_fr import read_fr_csv


def _run(tmp_path, *args):
    return CliRunner().invoke(app, [*args, "--store", str(tmp_path / "s.duckdb")])


def test_optimise_sorted_by_year_with_names_and_units(tmp_path):
    res = _run(tmp_path, "plan", "optimise", "-t", "circo:12-02", "--budget",
               "2025=1e6,2026=1e6", "--time-limit", "20", "--csv", str(tmp_path / "p.csv"))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "plus bas = meilleur" in res.output and "écart d'optimalité prouvé" in res.output
    # numbers in French: decimal comma, no decimal point in the table's FTE
    assert re.search(r"\b\d+,\d\b", res.output) and not re.search(r"\b\d+\.\d\b", res.output)
    assert "estimé" in res.output and "modèle calibré" in res.output  # the plan's world
    plan = read_fr_csv(tmp_path / "p.csv", dtype={"code_commune": str})
    assert plan["annee"].is_monotonic_increasing
    assert plan["commune"].notna().all() and set(plan["ouverture"]) <= {"oui", "non"}
    fte = plan["etp_medecins_generalistes_recrutes"]
    assert (fte == fte.round(1)).all()  # rounded for people
    # no village of a few hundred inhabitants gets a centre (candidate rule)
    assert not {"12167", "12268"} & set(plan["code_commune"])  # Najac, Sénergues


def test_plan_csv_goes_through_the_table_writer(tmp_path):
    """``--csv`` is checked before the optimisation and written by the writer of every
    other CSV export (``workspace.write_table``: same convention, written whole)."""
    args = ["plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1e6"]
    res = _run(tmp_path, *args, "--csv", str(tmp_path / "p.txt"))
    assert res.exit_code == 2 and "--csv must end in .csv; got '.txt'" in res.output
    assert not (tmp_path / "p.txt").exists()
    res = _run(tmp_path, *args, "--csv", str(tmp_path / "absent" / "p.csv"), "--time-limit", "20")
    assert res.exit_code == 2, res.output
    assert "output folder" in res.output and "does not exist" in res.output
    assert "Traceback" not in res.output


def test_infeasible_budget_is_one_line_exit_2(tmp_path):
    res = _run(tmp_path, "plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1000",
               "--candidates", "12052")  # fmt: skip
    assert res.exit_code == 2
    assert "budget 1,000 € a year is below the cheapest action" in res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    res = _run(tmp_path, "plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1e6",
               "--set", "gp_tarif=31")  # fmt: skip
    assert res.exit_code == 2 and "unknown assumption 'gp_tarif'" in res.output


def test_cog_writes_french_xlsx_and_html_with_where_and_who(tmp_path):
    hyp = tmp_path / "hyp.yaml"
    hyp.write_text("gp_tariff_eur: 31.5\nramp_up_share: 0.6\n", encoding="utf-8")
    res = _run(tmp_path, "plan", "cog", "-t", "circo:12-02", "--from", "2025", "--to", "2026",
               "--budget-per-year", "8e5", "--assumptions", str(hyp), "--time-limit", "20",
               "--centre-gp-fte-per-person", "0.8",
               "--out", str(tmp_path / "p.xlsx"), "--html", str(tmp_path / "p.html"))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert not re.search(r"\b\d+\.\d\b", res.output)  # French numbers only
    out = " ".join(res.output.split())
    assert "Centre Filieris de Decazeville : personnel médical inconnu, effectif" in out
    assert "Fourchette des effets du plan" in out and "P10–P90" in out
    xl = pd.read_excel(tmp_path / "p.xlsx", sheet_name=None)
    src = xl["Sources et hypothèses"].set_index("hypothèse")
    conv = src.loc["ETP par médecin salarié de centre de santé connu en personnes"]
    assert conv["valeur"] == 0.8 and conv["statut"] == "valeur utilisateur"
    model = src.loc["modèle d'évaluation des effets sur l'APL"]
    assert model["statut"] == "estimé" and "modèle calibré" in model["source"]
    assert {"Synthèse", "Plan 2025", "Plan 2026", "Scénarios budgétaires",
            "Sources et hypothèses"} <= set(xl)  # fmt: skip
    assert {"coût brut (€)", "recettes (€)", "coût net (€)"} <= set(xl["Synthèse"].columns)
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "Où et qui, année par année" in html and "map-plan" in html
    assert "plus bas = meilleur" in html and "gel des embauches" in html
    assert "valeur utilisateur" in html  # the YAML values are marked as the user's


def test_headcount_conversion_from_the_assumptions_file_or_the_option(tmp_path):
    """``centre_gp_fte_per_person`` in the assumptions file gives the same plan as
    ``--centre-gp-fte-per-person``; the option overrides the file; bad values are one line
    naming the file."""
    args = ["plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1e6",
            "--time-limit", "20"]  # fmt: skip
    hyp = tmp_path / "hyp.yaml"
    plans = {}
    for name, text, option in [
        ("file", "centre_gp_fte_per_person: 0.5\n", []),
        ("option", "gp_tariff_eur: 30\n", ["--centre-gp-fte-per-person", "0.5"]),
        ("both", "centre_gp_fte_per_person: 0.8\n", ["--centre-gp-fte-per-person", "0.5"]),
    ]:
        hyp.write_text(text, encoding="utf-8")
        csv = tmp_path / f"{name}.csv"
        res = _run(tmp_path, *args, "--assumptions", str(hyp), *option, "--csv", str(csv))
        assert res.exit_code == 0, res.output
        assert "1 personne = 0,5 ETP" in " ".join(res.output.split())  # the world's conversion
        plans[name] = read_fr_csv(csv, dtype={"code_commune": str})
    pd.testing.assert_frame_equal(plans["file"], plans["option"])
    pd.testing.assert_frame_equal(plans["both"], plans["option"])
    for value, expected in [("0", r"expected a number of FTE/person in \(0, 1\]"),
                            ("1.5", r"expected a number of FTE/person in \(0, 1\]"),
                            (".nan", "expected a decimal number"),
                            ("un", "expected a decimal number")]:  # fmt: skip
        hyp.write_text(f"centre_gp_fte_per_person: {value}\n", encoding="utf-8")
        res = _run(tmp_path, *args, "--assumptions", str(hyp))
        assert res.exit_code == 2, res.output
        out = " ".join(res.output.split())
        assert "hyp.yaml" in out and re.search(expected, out), out
        assert "Traceback" not in res.output
