"""Territory report: content checked against independent pandas computations; offline map."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from proxisante.report import build_territory_report, render_html, write_html
from proxisante.report.fr import fmt_int
from proxisante.territory import select
from tests.browser import render

REPO = Path(__file__).resolve().parents[2]


def _independent_under_served(codes, year: int) -> tuple[float, float]:
    """Read the bundled DREES table with plain pandas and recompute the figure."""
    apl = pd.read_parquet(REPO / "src/proxisante/data/apl_generalistes.parquet")
    apl = apl[(apl["year"] == year) & apl["code_insee"].isin(list(codes))]
    return apl.loc[apl["apl_generalistes"] < 2.5, "pop_totale"].sum(), apl["pop_totale"].sum()


@pytest.fixture(scope="module")
def circo_report():
    return build_territory_report(select("circo:12-02"), today=date(2026, 11, 25))


def test_summary_equals_independent_computation(circo_report):
    t = circo_report.territory
    under23, total23 = _independent_under_served(t.codes, 2023)
    under22, _ = _independent_under_served(t.codes, 2022)
    assert circo_report.summary["under_served"] == under23
    assert circo_report.summary["population"] == total23
    assert circo_report.summary_previous["under_served"] == under22
    html = render_html(circo_report)
    m = re.search(r'id="pop-sous-dotee">([^<]+)<', html)
    assert m and m.group(1) == fmt_int(under23)
    m = re.search(r'id="pop-sous-dotee-prev">([^<]+)<', html)
    assert m and m.group(1) == fmt_int(under22)
    change = under23 - under22
    m = re.search(r'id="evolution">([^<]+)<', html)
    expected = ("−" if change < 0 else "+") + fmt_int(abs(change))
    assert m and m.group(1) == expected


def test_report_content_in_french(circo_report):
    html = render_html(circo_report)
    assert '<html lang="fr">' in html
    assert "Aveyron – 2e circonscription (12-02)" in html
    assert "Laurent Alexandre" in html  # the constituency's deputy (seed question's author)
    assert "25 novembre 2026" in html
    # every commune of the territory is in the table
    for code in circo_report.territory.codes:
        assert f"<td>{code}</td>" in html
    # sources with years
    assert "APL aux médecins généralistes 2023 et 2022" in html
    assert "populations INSEE 2021 et 2020" in html
    # worst communes sorted by APL 2023
    worst = circo_report.worst["apl_2023"].tolist()
    assert worst == sorted(worst) and len(worst) == 5


def test_report_is_self_contained(circo_report):
    html = render_html(circo_report)
    # no external resource: every script and style is inline
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    markup = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"""(src|href)=["']https?://""", markup)
    assert "L.geoJSON" in html and "Leaflet" in html


def test_small_territory_shows_neighbours():
    from proxisante.workspace import Workspace

    terr = select("62523")
    rep = build_territory_report(
        terr, neighbours=Workspace(use_store=False).report_neighbours(terr)
    )
    assert len(rep.communes) == 1
    assert len(rep.neighbours) > 10
    assert (rep.neighbours["minutes_estimees"] <= 20).all()
    assert "62498" in set(rep.neighbours["code_insee"])  # Lens is next door
    html = render_html(rep)
    assert "6,558" in html  # APL 2023 of Loison-sous-Lens, French decimal
    assert "Communes voisines" in html


def test_write_html_refuses_missing_folder(tmp_path):
    from proxisante.errors import InputError

    rep = build_territory_report(select("62523"))
    with pytest.raises(InputError, match="does not exist"):
        write_html(rep, tmp_path / "nope" / "r.html")
    assert not (tmp_path / "nope").exists()


@pytest.mark.browser
def test_map_renders_in_headless_chromium(circo_report, tmp_path):
    path = write_html(circo_report, tmp_path / "circo.html")
    shots = REPO / "out" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "report-circo-12-02.png"
    dom = render(path, tmp_path, screenshot=shot)
    assert shot.stat().st_size > 20_000
    m = re.search(r'id="map"[^>]*data-features="(\d+)"', dom)
    assert m, "the map script did not run"
    assert int(m.group(1)) == len(circo_report.territory)
    # Leaflet drew one SVG path per commune
    assert dom.count("leaflet-interactive") >= len(circo_report.territory)
    assert "leaflet-container" in dom
