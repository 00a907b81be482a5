"""The French section « Personnes âgées, maladies chroniques et prévention » in the reports."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.scenarios import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NNBSP = "\u202f"


def _text(html: str) -> str:
    i = html.index('data-section="besoins"')
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html[i : i + 20_000])).split())


def test_commune_and_epci_reports_show_the_lens_case(tmp_path):
    runner = CliRunner()
    for sel in ("62523", "epci:246200364"):
        out = tmp_path / "r.html"
        res = runner.invoke(app, ["report", "-t", sel, "--out", str(out)])
        assert res.exit_code == 0, res.output
        html = out.read_text(encoding="utf-8")
        assert "Personnes âgées, maladies chroniques et prévention" in html
        text = _text(html)
        assert "Taux de pauvreté" in text and "13,0" in text
        assert "77,2" in text and "79,5" in text  # men's life expectancy, Pas-de-Calais vs median
        assert "Estimations :" in text and "hypothèse" in text
        if sel == "62523":
            assert "23,3 valeur du bassin de vie de Lens" in text


def test_constituency_report_has_the_section(tmp_path):
    out = tmp_path / "c.html"
    res = CliRunner().invoke(app, ["report", "-t", "circo:12-02", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = _text(out.read_text(encoding="utf-8"))
    assert "Aveyron" in text and "Centre Filieris de Decazeville" in text  # prevention reach


def test_occitanie_examples_parse_and_report(tmp_path):
    keep = load_scenario(EXAMPLES / "scenario_occitanie_filieris.yaml")
    drop = load_scenario(EXAMPLES / "scenario_occitanie_filieris_fermeture.yaml")
    assert keep.edits[0].action == "transfer" and drop.edits[0].action == "close"
    out = tmp_path / "s.html"
    res = CliRunner().invoke(app, ["scenario", "run", str(EXAMPLES / "scenario_occitanie_filieris.yaml"),
                                   "-t", "dep:12", "--report", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "n/a" not in res.output
    text = _text(out.read_text(encoding="utf-8"))
    assert "Avant / après le scénario" in text
    assert "places connues après le scénario seulement" in text
    assert "non disponible (aucun SSIAD dans l'offre chargée" in text
