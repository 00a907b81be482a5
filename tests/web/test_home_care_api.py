"""Web API: a scenario's home care and prevention before/after, per commune and territory."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from proxisante.scenarios import parse_scenario
from proxisante.web import create_app
from proxisante.workspace import Workspace

TOKEN = "test-token-hc"
BASE = "http://127.0.0.1"
AVION = "filieris-centre-de-sante-de-la-republique-avion"
CLOSE_AVION = {"name": "Fermeture Avion", "edits": [{"kind": "close_sites", "sites": [AVION]}]}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return tmp_path_factory.mktemp("store") / "s.duckdb"


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(token=TOKEN, store_path=str(store)), base_url=BASE)


def _home_care(client, body, territory):
    return client.post("/api/scenarios/home-care", params={"territory": territory}, json=body,
                       headers=AUTH)  # fmt: skip


def test_closing_avion_home_care_and_prevention(client, store):
    """The Avion centre (1 nurse): nurses per 1,000 aged 75+ fall; the other centres de santé
    and maisons de santé of the Lens area (INSEE BPE 2021) stay within 20 min, so no one
    loses a centre; same figures as the CLI's path (the scenario evaluated, then
    ScenarioResult.home_care)."""
    r = _home_care(client, CLOSE_AVION, "62523")
    assert r.status_code == 200, r.text
    hc = r.json()
    assert hc["territoire"].startswith("Loison-sous-Lens") and hc["nurse_fte_change"] == -1
    assert hc["nurses_after"] < hc["nurses_before"] and hc["nurse_label"] == "estimé"
    assert "hypothèse" in hc["threshold_label"] and hc["nurse_threshold"] > 0
    # the SSIAD of the Pas-de-Calais are known by their number only (INSEE BPE 2021): no
    # value, « places inconnues » with the count instead of "n/a" or « non disponible »
    assert hc["ssiad_before"] is None and hc["ssiad_note"].startswith("places inconnues")
    assert hc["ssiad_missing"] == hc["ssiad_note"]  # why the value is missing
    prev = {p["key"]: p for p in hc["prevention"]}
    assert prev["screening_50_74"]["lost"] == 0 and prev["screening_50_74"]["after"] > 0
    assert prev["home_75_plus"]["label"].startswith("75 ans ou plus")
    (loison,) = hc["communes"]
    assert loison["code_insee"] == "62523" and loison["nom"] == "Loison-sous-Lens"
    assert loison["centre_before"] and loison["centre_after"]
    assert loison["ssiad_before"] is None and loison["ssiad_unknown_before"] > 0
    assert loison["nurse_under_before"] is (loison["nurses_before"] < hc["nurse_threshold"])
    ws = Workspace(store)
    ref = ws.evaluate(parse_scenario(CLOSE_AVION)).home_care(["62523"])
    assert hc["nurses_before"] == pytest.approx(ref.nurses_before)
    assert hc["nurses_after"] == pytest.approx(ref.nurses_after)
    assert prev["screening_50_74"]["before"] == pytest.approx(
        ref.prevention.loc["screening_50_74", "before"]
    )


def test_opening_an_ssiad_gives_places_after_with_their_note(client):
    body = {"name": "SSIAD Loison", "edits": [{
        "kind": "open_site", "site": "ssiad-loison", "name": "SSIAD de Loison", "commune": "62523",
        "category": "ssiad", "fte": {"nurse": 6}, "capacity_places": 30}]}  # fmt: skip
    hc = _home_care(client, body, "circo:62-03").json()
    assert hc["ssiad_before"] is None and hc["ssiad_note"].startswith("places inconnues")
    assert hc["nurse_fte_change"] == 6 and hc["nurses_after"] > hc["nurses_before"]
    rows = {c["code_insee"]: c for c in hc["communes"]}
    # Loison: the 30 places the scenario adds are known, the BPE SSIAD around are not: a
    # minimum, never flagged under the threshold on a minimum alone
    loison = rows["62523"]
    assert loison["ssiad_after"] > 0 and loison["ssiad_unknown_after"] > 0
    for c in hc["communes"]:
        assert c["ssiad_after"] is not None or c["ssiad_unknown_after"] > 0
        if c["ssiad_after"] is not None and not math.isnan(c["ssiad_after"]):
            below = c["ssiad_after"] < hc["ssiad_threshold"]
            assert c["ssiad_under_after"] is (None if below and c["ssiad_unknown_after"]
                                              else below)  # fmt: skip


def test_ssiad_rate_reason_no_ssiad_or_unknown_capacity(client):
    """Loison has no SSIAD (INSEE BPE 2021: none in the commune): the DREES rate of the
    commune is 0; a SSIAD the scenario opens without a capacity makes it « places
    inconnues » with the count, not a 0 and not « non disponible »."""
    body = {"name": "SSIAD sans capacité", "edits": [{
        "kind": "open_site", "site": "ssiad-loison", "name": "SSIAD de Loison", "commune": "62523",
        "category": "ssiad", "fte": {"nurse": 2}}]}  # fmt: skip
    r = _home_care(client, body, "62523")
    assert r.status_code == 200, r.text
    hc = r.json()
    assert hc["ssiad_rate_before"] == 0 and hc["ssiad_rate_after"] is None
    assert hc["ssiad_rate_before_reason"] is None and hc["ssiad_rate_after_reason"] is None
    assert hc["ssiad_rate_after_text"].startswith("places inconnues (1 SSIAD")
    assert "non disponible" not in hc["ssiad_rate_after_text"]


def test_scenario_report_ssiad_line_is_a_figure(store):
    """The scenario report's SSIAD line gives the commune's DREES rate (no SSIAD seated in
    Loison: 0 places), never « non disponible » now that the offer holds SSIAD."""
    import html as html_lib
    import re

    from proxisante.report import scenario_section

    ws = Workspace(store)
    res = ws.evaluate(parse_scenario(CLOSE_AVION))
    html = scenario_section(res, ws.territory("62523")).html
    line = html_lib.unescape(re.search(r'<p[^>]*data-figure="ssiad">(.*?)</p>', html, re.S)[1])
    assert "non disponible" not in line and "aucun SSIAD dans l'offre chargée" not in line
    assert "places pour 1 000 habitants de 75 ans et plus" in line


@pytest.mark.parametrize(
    ("body", "territory", "headers", "status"),
    [
        (CLOSE_AVION, "62523", {}, 401),
        (CLOSE_AVION, "99999", AUTH, 404),
        (
            {
                "name": "p",
                "edits": [{"kind": "population_change", "territory": "62523", "factor": 1.1}],
            },
            "62523",
            AUTH,
            400,
        ),
        ({"name": "x", "edits": [{"kind": "close_sites", "sites": ["nope"]}]}, "62523", AUTH, 400),
    ],
)
def test_home_care_errors(client, body, territory, headers, status):
    r = client.post("/api/scenarios/home-care", params={"territory": territory}, json=body,
                    headers=headers)  # fmt: skip
    assert r.status_code == status and "error" in r.json() and "Traceback" not in r.text


def test_ehpad_places_edit_is_shown(client):
    """The EHPAD of Montceau-les-Mines (capacity unknown in the bundled offer): setting its
    places makes them known after; before, « capacité inconnue » is counted, not 0 places."""
    ehpad = "filieris-ehpad-germaine-tillon-montceau-les-mines"
    body = {"name": "EHPAD", "edits": [{"kind": "change_capacity", "site": ehpad,
                                         "capacity_places": 80}]}  # fmt: skip
    r = _home_care(client, body, "71306")
    assert r.status_code == 200, r.text
    rows = {m["category"]: m for m in r.json()["medico_social"]}
    e = rows["ehpad"]
    assert e["label"] == "EHPAD" and e["sites_before"] == e["sites_after"] == 1
    assert (e["places_before"], e["unknown_before"]) == (0, 1)
    assert (e["places_after"], e["unknown_after"]) == (80, 0)
    # the 2 SSIAD of Montceau known by their number only (INSEE BPE 2021): places unknown
    assert rows["ssiad"]["sites_before"] == rows["ssiad"]["unknown_before"] == 2
