"""The web territory page and the CLI report show the same figures for the same territory:
same world (the workspace's calibrated model), same « Et si… » closure effects and ranges,
same « estimé » labels; figures checked against a scenario evaluated apart."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from proxisante.cli import app as cli_app
from proxisante.report.fr import fmt_dec, fmt_signed_dec
from proxisante.scenarios import parse_scenario
from proxisante.store import STORE_ENV
from proxisante.web import create_app
from proxisante.workspace import Workspace

BASE = "http://127.0.0.1"
AVION = "filieris-centre-de-sante-de-la-republique-avion"


def _text(page: str) -> str:
    page = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def _section(page: str, anchor: str) -> str:
    m = re.search(rf'<section[^>]*id="{anchor}".*?</section>', page, flags=re.S)
    assert m, anchor
    return _text(m.group(0))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Web page and CLI report of Loison-sous-Lens and of circo 12-02, on one store."""
    tmp = tmp_path_factory.mktemp("same-world")
    store = tmp / "s.duckdb"
    client = TestClient(create_app(store_path=str(store)), base_url=BASE)
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_ENV, str(store))
        for sel in ("62523", "circo:12-02"):
            web = client.get(f"/territoire/{sel}")
            assert web.status_code == 200
            path = tmp / f"{sel.replace(':', '-')}.html"
            res = CliRunner().invoke(cli_app, ["report", "--territory", sel, "--out", str(path)])
            assert res.exit_code == 0, res.output
            out[sel] = (web.text, path.read_text(encoding="utf-8"))
    return store, out


@pytest.mark.parametrize("selector", ["62523", "circo:12-02"])
def test_web_page_and_cli_report_show_the_same_briefing(pages, selector):
    _, out = pages
    web, cli = out[selector]
    for anchor in ("fiche", "sites", "et-si", "reseau", "zonage", "besoins"):
        assert _section(web, anchor) == _section(cli, anchor), anchor
    et_si = _section(web, "et-si")
    assert "modèle calibré" in et_si and "estimé" in et_si  # the world and its label


def test_closure_of_avion_matches_a_scenario_evaluated_apart(pages):
    """Loison-sous-Lens: the page's « Et si » closure of the Avion centre is the effect of
    the same closure run as a scenario in the workspace's world, with its P10–P90 range."""
    store, out = pages
    ws = Workspace(store)
    sc = parse_scenario({"name": "x", "edits": [{"kind": "close_sites", "sites": [AVION]}]})
    row = ws.evaluate(sc).communes.set_index("code_insee").loc["62523"]
    low, high = sorted([row["delta_apl_p10"], row["delta_apl_p90"]])
    expected = (
        f"APL {fmt_dec(row['apl_before'], 2)} → {fmt_dec(row['apl_after'], 2)} "
        f"({fmt_signed_dec(row['delta_apl'], 2)} ; fourchette P10–P90 : "
        f"{fmt_signed_dec(low, 2)} à {fmt_signed_dec(high, 2)})"
    )
    web, cli = out["62523"]
    assert expected in _section(web, "fiche") and expected in _section(cli, "fiche")
    assert row["delta_apl"] < 0 and low <= row["delta_apl"] <= high
