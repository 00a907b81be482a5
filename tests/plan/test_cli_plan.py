"""``plan optimise`` and ``plan cog`` from the command line: outputs, defaults, errors."""

from __future__ import annotations

import re

import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app


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
    plan = pd.read_csv(tmp_path / "p.csv", dtype={"commune": str})
    assert plan["year"].is_monotonic_increasing
    assert plan["name"].notna().all()
    # no village of a few hundred inhabitants gets a centre (candidate rule)
    assert not {"12167", "12268"} & set(plan["commune"])  # Najac, Sénergues


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
