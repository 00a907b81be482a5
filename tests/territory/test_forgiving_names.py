"""One forgiving name resolver for the CLI selectors, the territory selection and the web
search: what a person types finds what they mean (articles, prefixes, « St », word order),
and the mining basin of the Nord-Pas-de-Calais is a territory with a name."""

from __future__ import annotations

import pytest

from proxisante.errors import AmbiguousNameError, UnknownCodeError
from proxisante.territory import select
from proxisante.territory.mining_basins import mining_basin_codes
from proxisante.territory.search import close_hits, named, resolve

LE_CATEAU, SAINT_ETIENNE, CA_LENS_LIEVIN = "59136", "42218", "246200364"


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("le cateau", "commune", LE_CATEAU),  # the start of the name, with its article
        ("Le Cateau", "commune", LE_CATEAU),
        ("cateau", "commune", LE_CATEAU),  # … or without
        ("cateau cambresis", "commune", LE_CATEAU),
        ("le-cateau-cambrésis", "commune", LE_CATEAU),
        ("st etienne", "commune", SAINT_ETIENNE),
        ("st-etienne", "commune", SAINT_ETIENNE),
        ("St Étienne", "commune", SAINT_ETIENNE),
        ("saint etienne", "commune", SAINT_ETIENNE),
        ("lens lievin", "epci", CA_LENS_LIEVIN),  # the words of the EPCI's name
        ("lievin lens", "epci", CA_LENS_LIEVIN),  # in any order
        ("agglo lens lievin", "epci", CA_LENS_LIEVIN),
        ("ca lens lievin", "epci", CA_LENS_LIEVIN),
        ("lens", "commune", "62498"),  # an exact name still wins over the EPCI's words
        ("bassin minier", "bassin", "npdc"),
        ("bassin minier du Nord-Pas-de-Calais", "bassin", "npdc"),
        ("Bassin minier Nord Pas de Calais", "bassin", "npdc"),
        ("bassin:npdc", "bassin", "npdc"),
        ("name:le cateau", "commune", LE_CATEAU),
    ],
)
def test_select_finds_what_a_person_means(text, kind, key):
    t = select(text)  # the CLI selectors and the scenario files read names through select
    assert (t.kind, t.key) == (kind, key)
    assert (resolve(text).kind, resolve(text).key) == (kind, key)


def test_the_web_search_gives_the_same_first_hit(tmp_path):
    from fastapi.testclient import TestClient

    from proxisante.web import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1")
    for text, selector in [("le cateau", LE_CATEAU), ("st etienne", SAINT_ETIENNE),
                           ("lens lievin", f"epci:{CA_LENS_LIEVIN}"),
                           ("bassin minier", "bassin:npdc")]:  # fmt: skip
        hits = client.get("/api/search", params={"q": text}).json()
        assert hits and hits[0]["selector"] == selector, (text, hits[:3])
        assert named(text).selector == selector


def test_several_close_places_are_listed_not_guessed():
    with pytest.raises(AmbiguousNameError) as err:
        select("saint etienne du")  # Saint-Étienne-du-Rouvray, -du-Bois, …
    assert "76575" in str(err.value)
    assert close_hits("les") == []  # an article alone means nothing
    with pytest.raises(UnknownCodeError, match="closest matches: Loison-sous-Lens"):
        select("loisson sou lens")


def test_the_mining_basin_is_a_territory_with_its_330_communes():
    t = select("bassin:npdc")
    assert len(t) == 330 == len(mining_basin_codes("npdc"))
    assert "62523" in set(t.codes)  # Loison-sous-Lens
    deps = {k: v for k, v in t.communes["departement"].astype(str).value_counts().items() if v}
    assert deps == {"59": 180, "62": 150}
    assert t.label == "Bassin minier du Nord-Pas-de-Calais"
    assert t.place.of == "du bassin minier du Nord-Pas-de-Calais"
    with pytest.raises(UnknownCodeError, match=r"mining basin 'lorraine'.*npdc"):
        select("bassin:lorraine")


def test_the_mining_basin_in_the_report_and_on_the_web_map():
    import json
    import time

    from fastapi.testclient import TestClient

    from proxisante.report import render_html
    from proxisante.report.territory_report import build_territory_report
    from proxisante.web import create_app

    t0 = time.perf_counter()
    rep = build_territory_report(select("bassin minier"))
    page = render_html(rep)
    assert time.perf_counter() - t0 < 30
    contour = json.loads(rep.outline)
    assert contour["features"][0]["properties"]["nom"] == "BASSIN MINIER"
    assert "outline: {" in page and "contour du bassin minier" in page
    assert "rlespinasse/bassin-minier-unesco" in page  # the source of the perimeter
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    geo = client.get("/api/territory/bassin:npdc/geojson").json()
    assert len(geo["features"]) == 330 and geo["contour"]["type"] == "FeatureCollection"
    assert "contour" not in client.get("/api/territory/62523/geojson").json()


def test_long_selectors_are_read_whole():
    """An operator's communes as codes (the plan's network) are one selector of any length."""
    from proxisante.territory import load_communes

    codes = load_communes().query("departement == '62'")["code_insee"].head(60).tolist()
    text = ",".join(codes)
    assert len(text) > 200
    assert resolve(text).codes.tolist() == sorted(codes)
    assert len(resolve("commune:" + text)) == 60
