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
        assert "Taux de pauvreté" in text and "14,9" in text  # France, over every commune
        assert "77,2" in text and "80,0" in text  # men's life expectancy, Pas-de-Calais vs France
        assert "médiane" not in text.split("Sources")[0]
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
    # real SSIAD places of the Aveyron (FINESS 2026): figures before and after, never
    # « non disponible »
    assert "non disponible" not in text
    assert "883 places" in res.output.replace("\u202f", " ").replace("\xa0", " ")


def test_scenario_report_home_care_per_commune():
    """Closing the Avion centre (1 nurse; other centres and maisons de santé of the Lens area
    stay within 20 min): the scenario report's section lists each commune before/after, the
    communes that change first, with names, thresholds (« hypothèse ») and never n/a."""
    from proxisante.report import needs_section
    from proxisante.scenarios import parse_scenario
    from proxisante.workspace import Workspace

    ws = Workspace(use_store=False)
    sc = parse_scenario({"name": "x", "edits": [{"kind": "close_sites",
                         "sites": ["filieris-centre-de-sante-de-la-republique-avion"]}]})  # fmt: skip
    hc = ws.evaluate(sc).home_care(ws.territory("circo:62-03").codes)
    html = needs_section(ws.needs_report_inputs("circo:62-03"), change=hc).html
    table = re.search(r'<table class="needs-change-communes".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr data-code="(\d{5})">(.*?)</tr>', table, re.S)
    assert 1 <= len(rows) <= 15
    changed = hc.communes[~hc.communes["centre_after"] & hc.communes["centre_before"]]
    assert changed.empty  # the BPE centres and maisons de santé of the Lens area remain
    assert rows[0][0] in set(changed.index) | set(
        hc.communes.index[hc.communes["nurses_after"] != hc.communes["nurses_before"]]
    )
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", table)).split())
    assert "Loison-sous-Lens (62523)" in text and "oui → oui" in text
    assert "hypothèse" in text and "n/a" not in text
    # Pas-de-Calais SSIAD: number known (INSEE BPE 2021), places unknown — never a 0
    assert "places inconnues" in text and "non disponible" not in text
