"""Every sentence of real reports reads as correct French: no « de le », « de les »,
« à le », « de » before a vowel, « de Communauté », no thousands separator that can wrap.

The reports are the ones users get: territory reports of each kind of territory (commune,
EPCI, département, constituency), a scenario report and a plan report, written by the CLI.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from tests.report.french_forms import bad_forms, text_of

runner = CliRunner()


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("reports")
    store = str(tmp / "s.duckdb")
    runs = {
        "commune": ["report", "-t", "62523"],
        "epci": ["report", "-t", "epci:246200364"],
        "departement": ["report", "-t", "dep:90"],
        "circonscription": ["report", "-t", "circo:12-02"],
        "scenario": ["scenario", "run", "examples/scenario_carmaux.yaml", "-t", "81060",
                     "--report"],
        "plan": ["plan", "cog", "-t", "circo:12-02", "--from", "2025", "--to", "2026",
                 "--time-limit", "10", "--out", str(tmp / "plan.xlsx"), "--html"],
    }  # fmt: skip
    out = {}
    for name, args in runs.items():
        path = tmp / f"{name}.html"
        args = [*args, str(path)] if args[-1] in ("--report", "--html") else [*args, "--out",
                                                                             str(path)]  # fmt: skip
        res = runner.invoke(app, [*args, "--store", store])
        assert res.exit_code == 0, (name, res.output)
        out[name] = path.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize(
    "kind", ["commune", "epci", "departement", "circonscription", "scenario", "plan"]
)
def test_no_forbidden_french_form(reports, kind):
    text = text_of(reports[kind])
    assert not bad_forms(text), "\n".join(bad_forms(text)[:20])


def test_places_are_written_with_their_article(reports):
    assert "habitants de la communauté d'agglomération de Lens-Liévin" in text_of(reports["epci"])
    assert "du Territoire de Belfort" in text_of(reports["departement"])
    assert "de la 2e circonscription de l'Aveyron" in text_of(reports["circonscription"])
    assert "à moins de 20 minutes de Loison-sous-Lens" in text_of(reports["commune"])


def test_scenario_and_plan_reports_open_on_the_question(reports):
    scenario = reports["scenario"]
    first = scenario.index('class="lead"')
    assert "<title>Scénario « " in scenario
    assert first < scenario.index('id="synthese"') < scenario.index('id="carte-section"')
    lead = text_of(scenario[first : scenario.index('id="synthese"')])
    assert "Que se passerait-il à Carmaux" in lead and "Ce qui change" in lead
    assert "passeraient sous le seuil de 2,5" in lead and "fourchette P10–P90" in lead
    plan = reports["plan"]
    first = plan.index('class="lead"')
    assert "<title>Plan 2025-2026 — " in plan
    assert first < plan.index('id="synthese"') < plan.index('id="carte-section"')
    lead = text_of(plan[first : plan.index('id="synthese"')])
    assert "Le plan année par année" in lead and "sans COG" in lead
