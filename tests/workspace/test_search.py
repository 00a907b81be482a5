"""One search for the CLI and the web: exact names first, then the other kinds."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.errors import AmbiguousNameError, UnknownCodeError
from proxisante.workspace import Workspace, resolve, search, search_key

WS = Workspace(use_store=False)


@pytest.mark.parametrize(
    ("text", "selector", "kind"),
    [
        ("la bassee", "59051", "commune"),  # not the EPCI Bassée-Montois
        ("La Bassée", "59051", "commune"),
        ("bassee", "59051", "commune"),  # the article may be left out
        ("le havre", "76351", "commune"),  # not the urban community
        ("LE-HAVRE", "76351", "commune"),
        ("aveyron", "dep:12", "dep"),  # the département, not one of its EPCI
        ("circo:12-02", "circo:12-02", "circo"),
        ("circo 12-02", "circo:12-02", "circo"),
        ("circonscription 12-2", "circo:12-02", "circo"),
        ("2e circonscription de l'Aveyron", "circo:12-02", "circo"),
        ("1re circonscription du Pas-de-Calais", "circo:62-01", "circo"),
        ("st etienne", "42218", "commune"),
        ("Saint-Étienne", "42218", "commune"),
        ("hauts de france", "reg:32", "reg"),
        ("dep:62", "dep:62", "dep"),
        ("62523", "62523", "commune"),
    ],
)
def test_exact_first(text, selector, kind):
    hits = WS.search(text)
    assert (hits[0].selector, hits[0].kind, hits[0].exact) == (selector, kind, True)
    assert WS.territory(text).key == selector.split(":")[-1]


def test_partial_matches_follow_exact_ones():
    kinds = [h.kind for h in WS.search("le havre", limit=50)]
    assert kinds[0] == "commune" and "epci" in kinds
    assert all(not h.exact for h in WS.search("le havre", limit=50)[1:])


def test_operator_and_its_sites():
    hits = WS.search("Filieris", limit=50)
    op = hits[0]
    assert op.kind == "operator" and op.exact
    sites = WS.offer().sites
    filieris = sites[(sites["operator"] == "filieris") & (sites["status"] != "closed")]
    assert set(op.selector.split(",")) == set(filieris["commune"])
    assert any(h.kind == "site" for h in hits)
    assert set(WS.territory("filieris").codes) >= set(filieris["commune"]) - {"75056"}
    assert search("Filieris") == []  # territories only without the offer's sites


def test_ambiguous_names_list_the_candidates():
    with pytest.raises(AmbiguousNameError) as err:
        resolve("saint denis")
    lines = str(err.value).splitlines()
    assert "names" in lines[0] and {"93066", "97411", "11339"} <= {
        ln.split()[0] for ln in lines[1:]
    }


def test_unknown_name_suggests():
    with pytest.raises(UnknownCodeError, match="closest"):
        WS.territory("loison sous lenss")
    assert WS.search("x") == [] and WS.search(" - ") == []


def test_search_key():
    assert search_key("Ste-Marie-aux-Mines") == "sainte marie aux mines"
    assert search_key("L'Abergement-Clémenciat") == "l abergement clemenciat"


def test_cli_show_ambiguous_exits_2_with_the_list():
    res = CliRunner().invoke(app, ["territory", "show", "saint denis"])
    assert res.exit_code == 2
    assert "93066" in res.output and "97411" in res.output and "Traceback" not in res.output


def test_cli_search_and_show_by_name():
    runner = CliRunner()
    res = runner.invoke(app, ["territory", "search", "aveyron"])
    assert res.exit_code == 0 and "dep:12" in res.output.splitlines()[3]
    res = runner.invoke(app, ["territory", "show", "la bassee"])
    assert res.exit_code == 0 and "59051" in res.output


def test_web_search_shows_exact_then_others():
    from fastapi.testclient import TestClient

    from proxisante.web import create_app

    c = TestClient(create_app(), base_url="http://127.0.0.1")
    hits = c.get("/api/search", params={"q": "aveyron"}).json()
    assert hits[0] == {"selector": "dep:12", "label": "Aveyron (12) — département",
                       "kind": "dep", "exact": True}  # fmt: skip
    assert any(h["kind"] == "epci" for h in hits)
    amb = c.get("/api/search", params={"q": "saint denis"}).json()
    assert sum(h["exact"] for h in amb) >= 3
    op = c.get("/api/search", params={"q": "filieris"}).json()[0]
    assert op["kind"] == "operator"
    assert c.get(f"/api/territory/{op['selector']}").status_code == 200


def test_an_unknown_explicit_selector_fails_without_loading_the_offer():
    def sites():
        raise AssertionError("the offer was loaded for an explicit selector")

    for text, message in (("dep:99", "unknown département code '99'"),
                          ("epci:123", "unknown EPCI SIREN '123'")):  # fmt: skip
        with pytest.raises(UnknownCodeError, match=message):
            resolve(text, sites=sites)
