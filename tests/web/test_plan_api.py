"""GET /api/territory/{selector}/plan: the plan of ``plan cog -t`` against no COG, per year.

The JSON rows are checked against :func:`proxisante.plan.compare.versus_no_cog` of the same
plan solved directly on the server's workspace; oversized territories, bad years and a second
concurrent plan are refused with a clear JSON answer.
"""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from proxisante.plan.compare import VERSUS_COLUMNS, versus_no_cog
from proxisante.web import create_app
from proxisante.web.plan_versus import MAX_PLAN_COMMUNES, PLAN_TIME_LIMIT_S
from proxisante.workspace import default_budgets

BASE = "http://127.0.0.1"
SELECTOR = "circo:12-02"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("store") / "s.duckdb"
    return TestClient(create_app(store_path=str(store)), base_url=BASE)  # read-only server


@pytest.fixture(scope="module")
def answer(client):
    r = client.get(f"/api/territory/{SELECTOR}/plan", params={"from": 2025, "to": 2028})
    assert r.status_code == 200, r.text
    return r.json()


def test_rows_are_the_plan_against_no_cog_computed_directly(client, answer):
    ws = client.app.state.context.workspace
    territory = ws.territory(SELECTOR)
    inst = ws.plan_instance(territory, budgets_eur=default_budgets(2025, 2028),
                            operator="filieris")  # fmt: skip
    plan = ws.cog_plan(inst, territory, time_limit_s=PLAN_TIME_LIMIT_S)
    expected = versus_no_cog(inst, plan.solution)
    assert answer["colonnes"] == list(VERSUS_COLUMNS)
    assert [r["année"] for r in answer["lignes"]] == [2025, 2026, 2027, 2028]
    for got, want in zip(answer["lignes"], expected.to_dict("records"), strict=True):
        for col in VERSUS_COLUMNS:
            w = want[col]
            if isinstance(w, float) and math.isnan(w):
                assert got[col] is None, col
            elif isinstance(w, str):
                assert got[col] == w, col
            else:
                assert got[col] == pytest.approx(float(w), rel=1e-9), col
    # the plan lifts inhabitants and costs money: the figures are not empty zeros
    last = answer["lignes"][-1]
    assert last[VERSUS_COLUMNS[8]] > 0 and last[VERSUS_COLUMNS[10]] != 0
    assert last[VERSUS_COLUMNS[3]] < last[VERSUS_COLUMNS[1]]
    # « estimé », the report's chart and the plan's sources come with the figures
    assert "estimé" in answer["note"] and answer["graphique_svg"].startswith("<svg")
    assert "sans COG" in answer["graphique_svg"] and "avec le plan" in answer["graphique_svg"]
    assert any(s["hypothèse"] == "budget net annuel du plan" for s in answer["sources"])
    assert all(s.get("source") for s in answer["sources"][:1])


def test_second_request_is_served_from_the_cache(client, answer):
    ctx = client.app.state.context
    with ctx.plan_gate:  # a solve would be refused now: the answer must come from the cache
        again = client.get(f"/api/territory/{SELECTOR}/plan?from=2025&to=2028")
    assert again.status_code == 200 and again.json()["lignes"] == answer["lignes"]
    # kept per store state: a change of the store drops it with the other web caches
    assert ctx.plan_versus.cache_info().currsize >= 1
    ctx.refresh()
    assert ctx.plan_versus.cache_info().currsize == 0


def test_refusals_are_json_and_french(client):
    big = client.get("/api/territory/reg:32/plan")
    assert big.status_code == 422
    assert "Territoire trop grand" in big.json()["error"]
    assert f"{MAX_PLAN_COMMUNES:,}".replace(",", "\u202f") in big.json()["error"]
    assert "plan cog -t reg:32" in big.json()["error"]
    backwards = client.get(f"/api/territory/{SELECTOR}/plan?from=2028&to=2025")
    assert backwards.status_code == 400 and "before" in backwards.json()["error"]
    too_long = client.get(f"/api/territory/{SELECTOR}/plan?from=2025&to=2040")
    assert too_long.status_code == 422 and "années" in too_long.json()["error"]
    no_site = client.get("/api/territory/12202/plan")
    assert no_site.status_code == 422 and "Aucun site candidat" in no_site.json()["error"]


def test_one_plan_at_a_time(client):
    ctx = client.app.state.context
    with ctx.plan_gate:
        busy = client.get("/api/territory/dep:48/plan")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "10"
    assert "en cours de calcul" in busy.json()["error"]


@pytest.mark.browser
def test_button_renders_the_table_and_chart(tmp_path_factory):
    """On /territoire/{selector}, the button fetches the plan and shows its table and chart."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import live_server, selenium_driver

    store = tmp_path_factory.mktemp("browser") / "s.duckdb"
    app = create_app(store_path=str(store))
    with selenium_driver(tmp_path_factory.mktemp("profile")) as d, \
            live_server(app, lifespan="off") as url:  # fmt: skip
        d.get(f"{url}/territoire/{SELECTOR}")
        button = WebDriverWait(d, 120).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#plan-cog button.plan-bouton"))  # fmt: skip
        assert button.text == "Calculer le plan 2025–2028 et le comparer à l'absence de COG"
        button.click()
        table = WebDriverWait(d, 120).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "#plan-cog table.plan-versus"))  # fmt: skip
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == [
            "2025", "2026", "2027", "2028"]  # fmt: skip
        assert "(APL zonage, estimé)" in table.text
        assert d.find_elements(By.CSS_SELECTOR, "#plan-cog svg rect")
        assert "Sources et hypothèses" in d.find_element(By.ID, "plan-cog").text
