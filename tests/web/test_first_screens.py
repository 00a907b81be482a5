"""First screens in a real browser (Debian chromium, 1280 × 800 window): every page type
states its question and its answer where a person lands, without scrolling — the home page
read-only and with a token, the map opened on a territory of each kind, the web territory
page (with its links back to the map and to its downloads), and the scenario and plan
reports written by the command line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from proxisante.cli import app as cli_app
from proxisante.store import STORE_ENV
from proxisante.web import create_app
from tests.browser import first_screen_text, live_server, selenium_driver

pytestmark = pytest.mark.browser

TOKEN = "premier-ecran"
#: « 11 211 506 habitants (16,6 % …) » — a count of inhabitants with its share
INHABITANTS = re.compile(r"\d[\d ]* habitants")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    with selenium_driver(tmp_path_factory.mktemp("profile")) as d:
        yield d


@pytest.fixture(scope="module")
def read_only_url(tmp_path_factory):
    store = tmp_path_factory.mktemp("ro") / "s.duckdb"
    with live_server(create_app(store_path=str(store)), lifespan="off") as url:
        yield url


@pytest.fixture(scope="module")
def token_url(tmp_path_factory):
    store = tmp_path_factory.mktemp("rw") / "s.duckdb"
    with live_server(create_app(token=TOKEN, store_path=str(store)), lifespan="off") as url:
        yield url


def _wait(driver, condition, seconds: int = 120):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def _national_map(driver, url: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(url + "/")
    _wait(driver, lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue") == "france")
    return first_screen_text(driver)


def test_home_read_only_says_so_and_how_to_enable_the_editor(driver, read_only_url):
    from selenium.webdriver.common.by import By

    text = _national_map(driver, read_only_url)
    assert "Où manque-t-on de médecins généralistes" in text  # the question
    answer = driver.find_element(By.ID, "reponse-france").text
    assert INHABITANTS.search(answer) and "vivent dans une commune sous-dotée" in answer
    assert " ".join(answer.split(" (")[0].split()) in text  # … on the first screen
    assert "Lecture seule" in text and "proxisante serve --token" in text
    assert "PROXISANTE_TOKEN" in text and "Éditeur de scénarios activé" not in text
    # the legend no longer hides Corsica (top right), the overseas départements are insets
    carte = driver.find_element(By.ID, "carte")
    assert carte.find_elements(By.CSS_SELECTOR, ".leaflet-top.leaflet-right .legend")
    assert not carte.find_elements(By.CSS_SELECTOR, ".leaflet-bottom.leaflet-right .legend")
    assert carte.get_attribute("data-encarts") == "5"
    insets = driver.find_elements(By.CSS_SELECTOR, "#encarts .encart")
    assert {e.text for e in insets} == {"Guadeloupe", "Martinique", "Guyane", "La Réunion",
                                        "Mayotte"}  # fmt: skip
    assert all(e.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive") for e in insets)
    legend = carte.find_element(By.CSS_SELECTOR, ".legend").text
    assert "moins de 2,5" in legend and "non publiée" in legend


def test_home_with_a_token_offers_the_editor(driver, token_url):
    text = _national_map(driver, token_url)
    assert "Où manque-t-on de médecins généralistes" in text
    assert "Éditeur de scénarios activé" in text and "Lecture seule" not in text


@pytest.mark.parametrize(
    ("selector", "question", "name"),
    [
        ("62523", "La commune de Loison-sous-Lens est-elle sous-dotée", "Loison-sous-Lens"),
        ("epci:246200364", "Combien d'habitants de la communauté d'agglomération de "
         "Lens-Liévin", "Lens - Liévin"),
        ("dep:62", "Combien d'habitants du Pas-de-Calais", "Pas-de-Calais"),
        ("circo:12-02", "Combien d'habitants de la 2e circonscription de l'Aveyron",
         "2e circonscription"),
        ("bassin:npdc", "Combien d'habitants du bassin minier du Nord-Pas-de-Calais",
         "Bassin minier du Nord-Pas-de-Calais"),
    ],
)  # fmt: skip
def test_the_map_opened_on_a_territory_of_each_kind(driver, read_only_url, selector, question,
                                                    name):  # fmt: skip
    from selenium.webdriver.common.by import By

    driver.get(f"{read_only_url}/#{selector}")  # the link « Ce territoire sur la carte »
    _wait(driver, lambda d: question in d.find_element(By.ID, "territoire-question").text)
    _wait(driver, lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue")
          == "territoire")  # fmt: skip
    text = first_screen_text(driver)
    assert question in text and name in text
    answer = driver.find_element(By.ID, "territoire-sous-dotes").text
    if selector == "62523":
        assert answer.startswith("Non : APL 2023 de 6,56")
    else:
        assert INHABITANTS.search(answer) and " sur " in answer and "en 2023" in answer
    assert " ".join(answer[:40].split()) in text
    assert "← Carte de France" in text
    legend = driver.find_element(By.CSS_SELECTOR, "#carte .legend").text
    assert "Sites de santé" in legend and "site Filieris" in legend and "site fermé" in legend
    outline = "contour du bassin minier" in legend
    assert outline == (selector == "bassin:npdc")
    if selector == "bassin:npdc":
        assert driver.find_element(By.ID, "carte").get_attribute("data-features") == "330"


def test_the_territory_page_links_back_to_the_map_and_its_downloads(driver, read_only_url):
    from selenium.webdriver.common.by import By

    driver.get(read_only_url + "/territoire/62523")
    _wait(driver, lambda d: d.find_elements(By.ID, "navigation"))
    text = first_screen_text(driver)
    assert "Loison-sous-Lens" in text and "6,56" in text  # its APL 2023 on the first screen
    links = {a.text: a.get_attribute("href") for a in
             driver.find_elements(By.CSS_SELECTOR, "#navigation a")}  # fmt: skip
    assert links["← Carte de France"] == read_only_url + "/"
    assert links["Ce territoire sur la carte (et l'éditeur de scénarios)"].endswith("/#62523")
    assert links["tableau CSV"].endswith("/download/62523.csv")
    assert {"xlsx", "GeoPackage", "ce rapport (HTML)"} <= set(links)
    assert "Carte de France" in text


@pytest.fixture(scope="module")
def cli_reports(tmp_path_factory):
    """The scenario report and the plan report as the command line writes them."""
    tmp = tmp_path_factory.mktemp("reports")
    env = {STORE_ENV: str(tmp / "s.duckdb")}
    runner = CliRunner()
    scenario, plan = tmp / "scenario.html", tmp / "plan.html"
    done = runner.invoke(cli_app, ["scenario", "run", "examples/scenario_carmaux.yaml",
                                   "-t", "81060", "--report", str(scenario)], env=env)  # fmt: skip
    assert done.exit_code == 0, done.output
    done = runner.invoke(cli_app, ["plan", "cog", "-t", "circo:12-02", "--from", "2025",
                                   "--to", "2026", "--time-limit", "5", "--out",
                                   str(tmp / "plan.xlsx"), "--html", str(plan)], env=env)  # fmt: skip
    assert done.exit_code == 0, done.output
    return scenario, plan


def test_the_scenario_report_opens_on_the_scenario(driver, cli_reports):
    driver.get(cli_reports[0].resolve().as_uri())
    text = first_screen_text(driver)
    assert text.startswith("Scénario « le centre de santé Filieris de Carmaux fermait »")
    assert "Que se passerait-il à Carmaux avec le scénario" in text  # the question
    assert "Fermeture : Centre de santé Filieris de Carmaux" in text  # what changes
    # the answer: who falls under 2.5, with its range
    assert re.search(r"\d[\d ]* habitants de Carmaux passeraient sous le seuil de 2,5", text)
    assert "fourchette P10–P90" in text and "Qui perd le plus" in text


def test_the_plan_report_opens_on_the_plan(driver, cli_reports):
    driver.get(cli_reports[1].resolve().as_uri())
    text = first_screen_text(driver)
    assert text.startswith("Plan 2025-2026 — Aveyron – 2e circonscription (12-02)")
    assert "Où recruter des médecins généralistes dans la 2e circonscription de l'Aveyron" in text
    # the answer: under 2.5 with the plan against without a COG, and the plan year by year
    assert re.search(r"\d[\d ]* habitants de la 2e circonscription de l'Aveyron sous 2,5 en "
                     r"2026 avec le plan, au lieu de \d[\d ]* sans COG", text)  # fmt: skip
    assert "Le plan année par année" in text and "coût net" in text
