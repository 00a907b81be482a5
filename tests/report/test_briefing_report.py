"""Mayor's and MP's sections: figures checked against independent computations on the data."""

from __future__ import annotations

import html as html_lib
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from proxisante.access import EvaluationBaseline
from proxisante.report import build_territory_report, render_html
from proxisante.report.briefing_section import briefing_sections
from proxisante.report.fr import fmt_dec, fmt_int
from proxisante.report.maps import APL_CLASSES
from proxisante.scenarios.briefing import build_briefing
from proxisante.territory import select

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src/proxisante/data"


def _apl(year: int = 2023) -> pd.DataFrame:
    apl = pd.read_parquet(DATA / "apl_generalistes.parquet")
    return apl[apl["year"] == year]


def _weighted(df: pd.DataFrame, col: str = "apl_generalistes") -> float:
    return float((df[col] * df["pop_standardisee"]).sum() / df["pop_standardisee"].sum())


def _text(page: str) -> str:
    page = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)
    return html_lib.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page)))


def _render(selector: str, context=None) -> tuple[object, str]:
    """Report of ``selector``; on the official APL world by default, so that effects can be
    recomputed independently here (the calibrated default world is checked apart)."""
    t = select(selector)
    b = build_briefing(t, context=context or EvaluationBaseline.official(2023))
    r = build_territory_report(t, today=date(2026, 11, 25))
    r.sections[:0] = briefing_sections(b)
    return b, render_html(r)


@pytest.fixture(scope="module")
def loison():
    return _render("62523")


@pytest.fixture(scope="module")
def circo():
    return _render("circo:12-02")


def _section(page: str, anchor: str) -> str:
    m = re.search(rf'<section[^>]*id="{anchor}".*?</section>', page, flags=re.S)
    assert m, anchor
    return _text(m.group(0))


def test_mayor_summary_compares_commune_epci_departement_france(loison):
    _, page = loison
    fiche = _section(page, "fiche")
    apl = _apl()
    communes = pd.read_parquet(DATA / "communes.parquet")
    epci = communes.loc[communes["epci_siren"] == "246200364", "code_insee"]
    dep = communes.loc[communes["departement"] == "62", "code_insee"]
    expected = {
        "Loison-sous-Lens (62523)": 6.558,
        "Communauté d'agglomération de Lens - Liévin": _weighted(apl[apl["code_insee"].isin(epci)]),
        "Pas-de-Calais (62)": _weighted(apl[apl["code_insee"].isin(dep)]),
        "France entière": _weighted(apl),
    }
    for label, value in expected.items():
        assert re.search(re.escape(label) + r"\s+" + re.escape(fmt_dec(value, 2)), fiche), label
    assert fmt_dec(3.74, 2) in fiche  # France ≈ 3.74 (METHODS: mean APL about 4)


def test_mayor_what_if_retirements_and_closure_of_avion(loison):
    _, page = loison
    fiche = _section(page, "fiche")
    assert "APL 6,56 → 5,93 (\u22120,63)" in fiche  # official APL under 65: 5.93
    # closing the Filieris centre of Avion (2 GPs stated): independent DREES-step computation
    communes = pd.read_parquet(DATA / "communes.parquet").set_index("code_insee")
    apl = _apl().set_index("code_insee")
    apl = apl[apl["in_current_geography"]]
    pts = communes.loc[apl.index, ["lat", "lon"]].dropna()
    lat, lon = np.radians(pts["lat"].to_numpy()), np.radians(pts["lon"].to_numpy())
    la, lo = np.radians(communes.loc["62065", ["lat", "lon"]].to_numpy(dtype=float))
    hav = np.sin((lat - la) / 2) ** 2 + np.cos(lat) * np.cos(la) * np.sin((lon - lo) / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(hav))
    from proxisante.travel.estimate import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH

    minutes = km * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60
    w = np.select([minutes < 10, minutes < 15, minutes <= 20], [1.0, 2 / 3, 1 / 3], 0.0)
    demand = float((w * apl.loc[pts.index, "pop_standardisee"].to_numpy()).sum())
    w_loison = w[pts.index.get_loc("62523")]
    after = 6.558 - 2 * 5400 * w_loison / demand
    assert f"APL 6,56 → {fmt_dec(after, 2)}" in fiche
    assert "estimé" in fiche


def test_mayor_sites_show_filieris_avion_with_staff(loison):
    _, page = loison
    sites = _section(page, "sites")
    assert "Centre de santé de la République (Filieris), Avion" in sites
    assert "2 (effectif publié)" in sites
    assert "CENTRE HOSPITALIER DE LENS" in sites
    # the Filieris centre being built in Lens (Bollaert) is shown as a project, not as supply
    assert "Futur centre de santé Filieris Lens" in sites and "projet annoncé" in sites
    assert "En projet : Futur centre de santé Filieris Lens" in _section(page, "fiche")


def test_card_text_and_legend_say_the_right_thing(loison):
    _, page = loison
    text = _text(page)
    assert "sans les départs à la retraite" not in text
    assert "ce qui resterait si tous les médecins de 65 ans et plus partaient" in text
    # vigilance is every class from 2.5 to 4, in the text and in the legend
    assert "de 2,5 à moins de 4, elle est en zone de vigilance" in text
    for upper, _, label in APL_CLASSES:
        if 2.5 < upper <= 4:
            assert "vigilance" in label


@pytest.mark.parametrize("which", ["loison", "circo"])
def test_one_minus_sign_everywhere(which, request):
    _, page = request.getfixturevalue(which)
    text = _text(page)
    assert not re.search(r"(?<![\w\-–/])-\s?\d", text), re.findall(
        r".{30}(?<![\w\-–/])-\d.{10}", text
    )


def test_mp_zoning_view_counts_gps_under_65(circo):
    _, page = circo
    zoning = _section(page, "zonage")
    apl = _apl()
    codes = select("circo:12-02").codes
    a = apl[apl["code_insee"].isin(codes)]
    under = a.loc[a["apl_generalistes_moins65"] < 2.5, "pop_totale"].sum()
    assert under == 34_167
    assert fmt_int(under) in zoning
    assert fmt_int(a.loc[a["apl_generalistes"] < 2.5, "pop_totale"].sum()) in zoning  # 16,258
    assert "Arrêté du 13 novembre 2017" in zoning
    assert "territoire de vie-santé" in zoning


def test_mp_report_compares_with_departement_and_france(circo):
    _, page = circo
    fiche = _section(page, "fiche")
    apl = _apl()
    communes = pd.read_parquet(DATA / "communes.parquet")
    dep = apl[apl["code_insee"].isin(communes.loc[communes["departement"] == "12", "code_insee"])]
    assert re.search(r"Aveyron \(12\)\s+" + re.escape(fmt_dec(_weighted(dep), 2)), fiche)
    assert "France entière" in fiche


def test_mp_network_and_critical_sites(circo):
    b, page = circo
    net = _section(page, "reseau")
    crit = re.search(r'<ol id="sites-critiques">(.*?)</ol>', page, flags=re.S).group(1)
    items = [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", crit, flags=re.S)]
    assert len(items) == 3
    # Carmaux (6 GPs stated) is the only nearby Filieris site with known staff: first
    assert items[0].startswith("Centre de santé Filieris de Carmaux")
    assert "non chiffré" in items[1] and "inconnu" in items[1]
    assert "Poids dans l'offre locale" in net and "estimé" in net
    # unknown staff is never shown as 0 effect
    sites = _section(page, "sites")
    assert "Centre Filieris de Decazeville" in sites and "inconnu" in sites
    assert not math.isnan(b.network["share"])


def test_sources_table_has_urls_and_dates(circo):
    _, page = circo
    table = re.search(r'<table id="table-sources">.*?</table>', page, flags=re.S).group(0)
    assert "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000036021089" in table
    assert "data.drees.solidarites-sante.gouv.fr" in table
    assert "centrepresseaveyron.fr" in table  # pages of the network's sites
    assert "2019-03-21" in table
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    assert all('href="http' in r for r in rows)


def test_quotable_sentences_carry_sources(circo):
    _, page = circo
    quotes = re.findall(r'<blockquote class="quote">(.*?)</blockquote>', page, flags=re.S)
    assert len(quotes) >= 3
    assert all("Source :" in _text(q) for q in quotes)
    assert any(fmt_int(34_167) in _text(q) for q in quotes)


def test_default_world_is_the_scenarios_one():
    """Without a context the briefing uses the scenarios' default (calibrated) world: a
    centre whose staff no source states gets an estimated closure effect, said so."""
    t = select("circo:12-02")
    b = build_briefing(t)
    r = build_territory_report(t, today=date(2026, 11, 25))
    r.sections[:0] = briefing_sections(b)
    page = render_html(r)
    note = _text(re.search(r'<p class="note" id="methode-et-si">.*?</p>', page, re.S).group(0))
    assert "modèle calibré" in note
    firmi = b.closures.set_index("name").loc["Centre Filieris de Firmi"]
    assert firmi["basis"] == "estimé" and firmi["delta_apl"] < 0
    assert "estimé par le modèle calibré" in _section(page, "et-si")
    # the quotable closure sentence says its staff is estimated (no page) and gives the range
    quotes = [_text(q) for q in re.findall(r'<blockquote class="quote">(.*?)</blockquote>',
                                           page, flags=re.S)]  # fmt: skip
    # (the quoted closure is the first with a computed effect: Decazeville or Firmi, whose
    # staff both come from the model, depending on the calibrated model's catchments)
    quoted = b.closures[b.closures["delta_apl"].notna() & (b.closures["reason"] == "")].iloc[0]
    assert quoted["basis"] == "estimé"
    quote = next(q for q in quotes if quoted["name"] in q)
    assert "fourchette P10–P90" in quote and "aucune source publique" in quote


def test_closure_reasons_are_said_in_french(circo):
    """Each reason a closure has no computed effect is said in words, never a bare 0."""
    from dataclasses import replace

    b, _ = circo
    closures = b.closures.head(4).copy()  # Carmaux (staff known) first, then unknown ones

    def et_si(reasons: list[str]) -> str:
        """The « Et si… » section with the first closures given ``reasons`` (0 effect)."""
        closures["reason"] = reasons
        closures.loc[closures["reason"] != "unknown_staff", "delta_apl"] = 0.0
        page = render_html(
            replace(build_territory_report(b.territory, today=date(2026, 11, 25)),
                    sections=briefing_sections(replace(b, closures=closures)))
        )  # fmt: skip
        return _section(page, "et-si")

    text = et_si(["out_of_reach", "no_gp_staff", "unknown_staff", "unknown_staff"])
    assert "l'effectif publié du site ne compte aucun médecin généraliste" in text
    assert "aucune commune du territoire n'est dans la zone d'attraction" in text
    text = et_si(["no_gp_discipline", "no_gp_counted", "unknown_staff", "unknown_staff"])
    assert "le désigne comme un centre sans médecin généraliste (dentaire" in text
    assert "APL officielle 0) : son effectif estimé est nul" in text
