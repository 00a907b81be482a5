"""Real browser test: Debian chromium + chromedriver driven by Selenium against the live server.

Open the page, search "Loison-sous-Lens", see its APL, run a closure scenario, see the
result; a screenshot is saved to out/screenshots/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser import live_server, selenium_driver

TOKEN = "browser-token"
SHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from proxisante.web import create_app

    store = tmp_path_factory.mktemp("store") / "s.duckdb"
    with live_server(create_app(token=TOKEN, store_path=str(store))) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    with selenium_driver(tmp_path_factory.mktemp("profile"), width=1400, height=1000) as d:
        yield d


def _open_territory(driver, wait, server_url: str, query: str, selector: str) -> None:
    """From the home page, search ``query`` and click the hit opening ``selector``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(server_url + "/")
    driver.find_element(By.ID, "recherche").send_keys(query)
    hit = (By.CSS_SELECTOR, f"#resultats button[data-selector='{selector}']")
    wait.until(ec.element_to_be_clickable(hit)).click()


def test_search_see_apl_run_closure(server_url, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 120)
    _open_territory(driver, wait, server_url, "Loison-sous-Lens", "62523")
    wait.until(ec.text_to_be_present_in_element((By.ID, "territoire-apl"), "6,558"))
    assert "Loison-sous-Lens" in driver.find_element(By.ID, "territoire-nom").text
    wait.until(lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue") == "territoire")
    # the commune and, around it, the communes of the sites of its 20-minute catchment
    assert int(driver.find_element(By.ID, "carte").get_attribute("data-features")) > 1
    wait.until(lambda d: len(Select(d.find_element(By.ID, "site")).options) > 0)
    Select(driver.find_element(By.ID, "site")).select_by_value(
        "filieris-centre-de-sante-de-la-republique-avion"
    )
    driver.find_element(By.ID, "jeton").send_keys(TOKEN)
    driver.find_element(By.ID, "fermer").click()
    wait.until(ec.presence_of_element_located((By.ID, "scenario-sous-dotes")))
    # the after-map shows every commune whose APL changes (36 with the calibrated model),
    # not only the selected one and its neighbours
    wait.until(
        lambda d: int(d.find_element(By.ID, "carte").get_attribute("data-features") or 0) >= 36
    )
    text = driver.find_element(By.ID, "resultat-scenario").text
    assert "1 personne = 1 ETP" in text  # the scenario's notes are shown (headcount basis)
    assert "habitants passeraient sous le seuil de 2,5" in text and "-2 ETP" in text.replace(
        "−", "-"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "web-loison-closure.png"
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 20_000


def test_compose_scenario_table_remove_and_save(server_url, driver):
    """Edits add up (closure + 3 GP FTE), the impact table lists communes, an edit can be
    removed, and the scenario is saved in the store (token-protected)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 120)
    # state from the previous test: Loison-sous-Lens open, one closure (−2 FTE) evaluated
    assert len(driver.find_elements(By.CSS_SELECTOR, "#modifications li")) == 1
    Select(driver.find_element(By.ID, "ajout-commune")).select_by_value("62523")
    etp = driver.find_element(By.ID, "ajout-etp")
    etp.clear()
    etp.send_keys("3")
    driver.find_element(By.ID, "ajouter").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#modifications li")) == 2)
    wait.until(ec.text_to_be_present_in_element((By.ID, "resultat-scenario"), "(+1 ETP)"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#table-impact tbody tr")
    assert driver.find_element(By.ID, "table-impact").is_displayed() and 1 <= len(rows) <= 15
    deltas = [abs(float(r.find_elements(By.TAG_NAME, "td")[4].text.replace(",", ".")))
              for r in rows]  # fmt: skip
    assert deltas == sorted(deltas, reverse=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "web-loison-scenario-table.png"))
    # remove the closure: only the 3 added FTE remain
    driver.find_element(By.CSS_SELECTOR, "#modifications li button.retirer").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#modifications li")) == 1)
    wait.until(ec.text_to_be_present_in_element((By.ID, "resultat-scenario"), "(+3 ETP)"))
    # only gains now: every listed change is positive
    cells = driver.find_elements(By.CSS_SELECTOR, "#table-impact tbody tr td:nth-child(5)")
    assert cells and all(c.text.startswith("+") for c in cells)
    driver.find_element(By.ID, "nom-scenario").send_keys("Loison plus trois")
    driver.find_element(By.ID, "enregistrer").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "enregistrement"), "enregistré"))
    import json
    import urllib.request

    req = urllib.request.Request(
        server_url + "/api/scenarios", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(req) as r:
        assert "Loison plus trois" in json.load(r)


def test_wrong_token_shows_error(server_url, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "jeton").clear()
    driver.find_element(By.ID, "jeton").send_keys("wrong")
    driver.find_element(By.ID, "fermer").click()
    WebDriverWait(driver, 120).until(
        ec.text_to_be_present_in_element((By.ID, "resultat-scenario"), "Erreur")
    )


def test_health_sites_drawn_on_map(server_url, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 120)
    _open_territory(driver, wait, server_url, "Bessèges", "30037")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "path.site-marker")) >= 1)


def test_home_page_shows_the_national_map(server_url, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server_url + "/")
    wait = WebDriverWait(driver, 60)
    wait.until(lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue") == "france")
    carte = driver.find_element(By.ID, "carte")
    assert int(carte.get_attribute("data-features")) == 101
    # coloured départements, not an empty grey map
    fills = {
        p.get_attribute("fill")
        for p in driver.find_elements(By.CSS_SELECTOR, "#carte path.leaflet-interactive")
    }
    assert len(fills - {"#bdbdbd", None}) >= 3
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "web-accueil-france.png"))


def test_catchment_sites_and_commune_labels(server_url, driver):
    """Loison-sous-Lens: the Filieris centre of Avion (≈ 4 min away, outside the commune)
    is drawn; commune names appear once zoomed in."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 60)
    _open_territory(driver, wait, server_url, "Loison-sous-Lens", "62523")
    wait.until(lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue") == "territoire")
    wait.until(
        lambda d: (
            "filieris-centre-de-sante-de-la-republique-avion"
            in (d.find_element(By.ID, "carte").get_attribute("data-sites") or "").split()
        )
    )
    outside = driver.find_elements(By.CSS_SELECTOR, "path.site-marker.filieris.hors-territoire")
    assert outside, "no Filieris site drawn outside the commune"
    for _ in range(4):
        labels = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".carte-nom span")]
        if "Loison-sous-Lens" in labels:
            break
        driver.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").click()
        time.sleep(0.6)
    assert "Loison-sous-Lens" in labels
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "web-loison-bassin.png"))


def test_api_docs_work_offline(server_url, driver):
    """/docs renders the API from local assets only (no CDN request)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server_url + "/docs")
    wait = WebDriverWait(driver, 60)
    wait.until(lambda d: "proxisante" in d.find_element(By.CSS_SELECTOR, ".swagger-ui").text)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
    paths = {e.text for e in driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert "/api/territory/{selector}" in {p.replace("\u200b", "") for p in paths}
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert loaded and all(u.startswith(server_url) for u in loaded), loaded


def test_editor_shows_home_care_before_after(server_url, driver):
    """Loison-sous-Lens: closing the Avion centre (1 nurse) shows the nurses per 1,000 aged
    75+ before/after (« estimé », thresholds « hypothèse »), SSIAD « non disponible » with its
    reason (never n/a), the prevention targets losing their centre, per commune; opening an
    SSIAD then gives SSIAD places after, with its note."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 120)
    _open_territory(driver, wait, server_url, "Loison-sous-Lens", "62523")
    wait.until(lambda d: len(Select(d.find_element(By.ID, "site")).options) > 0)
    medico = Select(driver.find_element(By.ID, "medico-site")).options
    # the SSIAD the BPE 2021 counts within 20 minutes (« estimé »), places unknown
    assert medico and all("SSIAD" in o.text and "capacité inconnue" in o.text for o in medico)
    Select(driver.find_element(By.ID, "site")).select_by_value(
        "filieris-centre-de-sante-de-la-republique-avion"
    )
    driver.find_element(By.ID, "jeton").send_keys(TOKEN)
    driver.find_element(By.ID, "fermer").click()
    wait.until(ec.presence_of_element_located((By.ID, "table-soins")))
    box = driver.find_element(By.ID, "soins-domicile")
    text = box.text
    assert "Soins à domicile et prévention — Loison-sous-Lens" in text and "(estimé)" in text
    nurses = box.find_element(By.CSS_SELECTOR, "tr[data-indicateur='infirmiers']")
    before, after, change = (td.text for td in nurses.find_elements(By.TAG_NAME, "td")[1:])
    api = _home_care_api(server_url, [AVION_CLOSURE])  # the figures the page shows
    assert before.split(" ")[0] == f"{api['nurses_before']:.1f}".replace(".", ",")
    assert after.split(" ")[0] == f"{api['nurses_after']:.1f}".replace(".", ",")
    assert change.startswith("−") and float(change[1:].replace(",", ".")) > 0
    assert "estimé" in nurses.text
    ssiad = box.find_element(By.CSS_SELECTOR, "tr[data-indicateur='ssiad']").text
    # a missing value says why (no SSIAD, or SSIAD whose places no source gives)
    assert ("non disponible (" in ssiad or "places inconnues" in ssiad) and "n/a" not in text
    prevention = box.find_element(
        By.CSS_SELECTOR, "tr[data-indicateur='prevention-screening_50_74']"
    ).text
    lost = next(p["lost"] for p in api["prevention"] if p["key"] == "screening_50_74")
    assert "50–74 ans" in prevention and ("sans centre" in prevention) == (lost > 0)
    assert "hypothèse" in box.find_element(By.ID, "seuils-soins").text
    loison = box.find_element(By.CSS_SELECTOR, "#table-soins-communes tr[data-code='62523']").text
    row = next(c for c in api["communes"] if c["code_insee"] == "62523")
    yes_no = {True: "oui", False: "non"}
    assert "Loison-sous-Lens" in loison
    assert f"{yes_no[row['centre_before']]} → {yes_no[row['centre_after']]}" in loison
    # open a 30-place SSIAD in Loison: SSIAD places after, only the added ones known
    Select(driver.find_element(By.ID, "ajout-commune")).select_by_value("62523")
    driver.find_element(By.ID, "ouvrir-ssiad").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#modifications li")) == 2)

    # the value after counts the known places only: said beside it (« minimum » when no
    # other SSIAD is within reach, « places inconnues » when services of unknown places are)
    def after_cell(d):
        row = d.find_element(By.CSS_SELECTOR, "#table-soins tr[data-indicateur='ssiad']")
        return row.find_elements(By.TAG_NAME, "td")[2].text

    wait.until(lambda d: after_cell(d)[:1].isdigit())
    assert "minimum" in after_cell(driver) or "places inconnues" in after_cell(driver)
    ssiad = driver.find_element(By.CSS_SELECTOR, "#table-soins tr[data-indicateur='ssiad']")
    assert float(ssiad.find_elements(By.TAG_NAME, "td")[2].text.split(" ")[0].replace(",", ".")) > 0
    places = driver.find_element(By.CSS_SELECTOR, "#table-soins tr[data-indicateur='places-ssiad']")
    cells = [td.text for td in places.find_elements(By.TAG_NAME, "td")]
    assert cells[1] == "aucun site chargé" and cells[2].startswith("1 site(s), 30 places connues")
    driver.execute_script(
        "arguments[0].scrollIntoView()", driver.find_element(By.ID, "table-soins")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / "web-loison-soins-domicile.png"))


AVION_CLOSURE = {
    "kind": "close_sites",
    "sites": ["filieris-centre-de-sante-de-la-republique-avion"],
}


def _home_care_api(server_url: str, edits: list[dict]) -> dict:
    """The home-care answer of the API for Loison-sous-Lens after ``edits``."""
    import json
    import urllib.request

    req = urllib.request.Request(
        server_url + "/api/scenarios/home-care?territory=62523", method="POST",
        data=json.dumps({"name": "api", "edits": edits}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def test_decazeville_as_a_mayor(server_url, driver):
    """Decazeville: the closed Filieris sites around it (Aubin, Livinhac-le-Haut) are drawn
    hollow, not as open sites; closing its centre (staff unknown) says when no APL changes
    instead of a bare 0, and shows the home care and prevention of the commune."""
    import json
    import urllib.request

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 120)
    _open_territory(driver, wait, server_url, "Decazeville", "12089")
    wait.until(lambda d: d.find_element(By.ID, "carte").get_attribute("data-vue") == "territoire")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "path.site-marker.filieris.site-ferme"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "path.site-marker.filieris.site-ferme")) == 2
    wait.until(lambda d: len(Select(d.find_element(By.ID, "site")).options) > 0)
    Select(driver.find_element(By.ID, "site")).select_by_value("filieris-centre-de-decazeville")
    driver.find_element(By.ID, "jeton").clear()
    driver.find_element(By.ID, "jeton").send_keys(TOKEN)
    driver.find_element(By.ID, "fermer").click()
    wait.until(ec.presence_of_element_located((By.ID, "table-soins")))
    text = driver.find_element(By.ID, "resultat-scenario").text
    body = json.dumps({"name": "d", "edits": [{"kind": "close_sites",
                                               "sites": ["filieris-centre-de-decazeville"]}]})  # fmt: skip
    req = urllib.request.Request(
        server_url + "/api/scenarios/evaluate", data=body.encode(), method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(req) as r:
        summary = json.load(r)["summary"]
    if summary["communes_affected"] == 0:
        assert "ce n'est pas la preuve d'un effet nul" in text and "(-0 ETP)" not in text
    assert "personnel médical inconnu" in text  # the estimate's note
    soins = driver.find_element(By.ID, "soins-domicile").text
    assert "Soins à domicile et prévention — Decazeville" in soins and "n/a" not in soins
    row = driver.find_element(By.CSS_SELECTOR, "#table-soins-communes tr[data-code='12089']").text
    assert "Decazeville" in row and "oui → oui" in row  # Firmi's centre is 6 min away


def test_mp_closes_a_network_site_of_another_departement(server_url, driver):
    """Circo 12-02 (Aveyron): the Filieris centre of Carmaux (Tarn, ≈ 20 min from the
    constituency) is offered for closure, with its time, beside those of the Aveyron."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(driver, 120)
    _open_territory(driver, wait, server_url, "circo 12-02", "circo:12-02")
    wait.until(lambda d: len(Select(d.find_element(By.ID, "site")).options) > 1)
    options = {o.get_attribute("value"): o.text
               for o in Select(driver.find_element(By.ID, "site")).options}  # fmt: skip
    assert "filieris-centre-de-decazeville" in options
    carmaux = options["filieris-centre-de-sante-de-carmaux"]
    assert "6 médecins" in carmaux and "— à 20 min" in carmaux
    assert "filieris-centre-de-livinhac-le-haut" not in options  # closed: not offered
