"""« Qualité du modèle »: the workspace's fit data rendered in French, in the territory report."""

from __future__ import annotations

import pytest

from proxisante.model.artefact import bundled_model
from proxisante.report import (
    MODEL_QUALITY_TITLE,
    build_territory_report,
    model_quality_section,
    render_html,
)
from proxisante.report.fr import fmt_dec
from proxisante.workspace import Workspace


def test_model_quality_note_in_the_commune_report():
    ws = Workspace(use_store=False)
    terr = ws.territory("62523")  # Loison-sous-Lens
    quality = ws.model_quality(terr)
    figures = bundled_model().metadata["figures"]
    assert quality["model_id"] == bundled_model().model_id
    assert quality["surroundings"]["n_communes"] > 1  # the commune and those within 20 min
    assert all(r["nom"] for r in quality["largest_residuals"])
    rep = build_territory_report(terr)
    rep.sections.append(model_quality_section(quality))
    html = render_html(rep)
    assert MODEL_QUALITY_TITLE in html and 'id="qualite-modele"' in html
    assert "APL officielle 2023" in html and "estimés" in html
    # the bundled model's fit figures, in-sample and held out, as stored
    assert fmt_dec(figures["in_sample"]["r"], 2) in html
    assert fmt_dec(figures["held_out"]["mae"], 2) in html
    worst = quality["largest_residuals"][0]
    assert f"{worst['nom']} ({worst['code_insee']})" in html
    travel = bundled_model().travel
    speeds = sorted(set(travel.speed_kmh))
    if len(speeds) == 1:
        assert f"vitesse moyenne estimée\n{speeds[0]:g} km/h" in html
    else:
        assert " / ".join(f"{v:g}" for v in travel.speed_kmh) + " km/h" in html
    if travel.terminal_minutes:
        assert f"{travel.terminal_minutes:g} min ajoutées à chaque trajet" in html


def test_no_note_without_a_model_of_the_year():
    ws = Workspace(use_store=False)
    assert ws.model_quality("62523", year=2022) is None


def test_residual_map_of_the_surroundings():
    """The note draws the residuals (official − model APL) of the territory and of the
    communes within 20 minutes on a map, coloured by the residual classes, in French."""
    import json
    import re

    from proxisante.report import RESIDUAL_CLASSES

    ws = Workspace(use_store=False)
    terr = ws.territory("62523")
    quality = ws.model_quality(terr)
    rows = {r["code_insee"]: r for r in quality["residuals"]}
    assert len(rows) == quality["surroundings"]["n_communes"]
    assert [c for c, r in rows.items() if r["in_territory"]] == ["62523"]
    html = model_quality_section(quality).html
    assert 'id="carte-qualite-modele"' in html and "Carte des résidus" in html
    data = json.loads(
        re.search(r'"carte-qualite-modele", (\{"type":"FeatureCollection".*?\}), \{', html).group(1)
    )
    props = {f["properties"]["code_insee"]: f["properties"] for f in data["features"]}
    assert set(props) == set(rows)  # every commune of the surroundings has a polygon
    for code, p in props.items():
        assert p["residual"] == rows[code]["residual"]
        assert p["residual"] == pytest.approx(p["apl_official"] - p["apl_model"])
        assert p["dans_territoire"] == (code == "62523") and p["nom"]
    for _, _, label in RESIDUAL_CLASSES:  # legend labels, JSON-escaped in the map script
        assert json.dumps(label)[1:-1] in html
    assert "APL du modèle (estimé)" in html


def test_residual_map_skipped_without_residual_rows():
    q = Workspace(use_store=False).model_quality("62523")
    q.pop("residuals")
    assert "carte-qualite-modele" not in model_quality_section(q).html


@pytest.mark.browser
def test_residual_map_renders_in_headless_chromium(tmp_path):
    import re

    from proxisante.report import write_html
    from tests.browser import render

    ws = Workspace(use_store=False)
    terr = ws.territory("62523")
    quality = ws.model_quality(terr)
    rep = build_territory_report(terr)
    rep.sections.append(model_quality_section(quality))
    dom = render(write_html(rep, tmp_path / "r.html"), tmp_path)
    m = re.search(r'id="carte-qualite-modele"[^>]*data-features="(\d+)"', dom)
    assert m, "the residual map script did not run"
    assert int(m.group(1)) == len(quality["residuals"])
    assert "Résidu (officiel – modèle)" in dom  # the legend
