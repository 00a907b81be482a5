"""The same fact in the same words across the CLI, the reports and the web: a site whose GP
staff no source states carries the calibrated model's estimate (« estimé ») in the editor as
in the criticality ranking, and an operator's network counts the same sites everywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from proxisante.access import CONSULTATIONS_PER_FTE
from proxisante.web import create_app
from proxisante.workspace import Workspace

DECAZEVILLE = "filieris-centre-de-decazeville"


@pytest.fixture(scope="module")
def ranking():
    ws = Workspace(use_store=False)
    return ws, ws.criticality(operator="filieris")


def test_the_editor_shows_the_estimate_the_ranking_uses(ranking):
    _, rank = ranking
    row = rank.set_index("site_id").loc[DECAZEVILLE]
    assert not row["gp_staff_known"] and row["gp_estimated"]
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    sites = client.get("/api/sites", params={"territory": "12089"}).json()
    site = next(s for s in sites if s["site_id"] == DECAZEVILLE)
    assert site["gp_fte"] is None  # no source states it: not a published figure …
    expected = [round(row[c] / CONSULTATIONS_PER_FTE, 1) for c in
                ("consultations_lost", "consultations_low", "consultations_high")]  # fmt: skip
    got = [site["gp_fte_estimated"], site["gp_fte_low"], site["gp_fte_high"]]
    assert got == expected and got[0] > 0  # … but the estimate of the ranking and the report
    published = next(s for s in client.get("/api/sites", params={"territory": "81060"}).json()
                     if s["site_id"] == "filieris-centre-de-sante-de-carmaux")  # fmt: skip
    assert published["gp_fte"] == 6 and published["gp_fte_estimated"] is None
    app_js = client.get("/static/app.js").text
    assert "ETP de médecin estimé" in app_js  # how the editor writes it


def test_the_network_counts_the_sites_the_ranking_lists(ranking):
    ws, rank = ranking
    hit = next(h for h in ws.search("filieris") if h.kind == "operator")
    assert f"{len(rank)} sites ouverts" in hit.label  # 23 open sites ranked …
    sites = ws.offer().sites
    planned = int(((sites["operator"] == "filieris") & (sites["status"] == "planned")).sum())
    assert planned > 0 and f"et {planned} en projet" in hit.label  # … and the planned ones
    assert ws.territory("filieris").label.startswith(f"Filieris : {len(rank)} sites ouverts")


def test_the_report_sites_table_shows_the_same_estimate(ranking):
    """The briefing's table of the network's sites gives Decazeville the editor's « estimé »
    figure and range, not « inconnu » (issue: the editor and the report disagreed)."""
    import re

    from proxisante.report import render_html, territory_report

    ws, rank = ranking
    row = rank.set_index("site_id").loc[DECAZEVILLE]
    central, low, high = (round(row[c] / CONSULTATIONS_PER_FTE, 1) for c in
                          ("consultations_lost", "consultations_low", "consultations_high"))  # fmt: skip
    html = render_html(territory_report(ws, "12089"))
    table = html.split('id="table-sites-reseau"', 1)[1].split("</table>", 1)[0]
    line = next(r for r in table.split("<tr>") if "Centre Filieris de Decazeville" in r)
    text = re.sub(r"<[^>]+>", "", line)
    fr = lambda v: f"{v:.1f}".replace(".", ",")  # noqa: E731
    assert f"{fr(central)} ETP estimé ({fr(low)} à {fr(high)})" in text, text
    assert "inconnu" not in text
