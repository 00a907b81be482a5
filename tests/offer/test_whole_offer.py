"""The whole offer bundled: FINESS 2026 sites of Occitanie with their places, INSEE BPE 2021
commune-level entries elsewhere, Filieris matched to FINESS, no site counted twice."""

from __future__ import annotations

import pandas as pd
import pytest

from proxisante.offer import load_default_offer, load_offer, operator_label
from proxisante.store import Store
from proxisante.territory import load_communes

OCCITANIE = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    s = load_default_offer().sites
    dep = load_communes().set_index("code_insee")["departement"]
    return s.assign(dep=s["commune"].map(dep))


def test_decazeville_sites_and_places(sites):
    d = sites[(sites["commune"] == "12089") & (sites["status"] == "open")]
    by = d.groupby("category").agg(n=("site_id", "size"), places=("capacity_places", "sum"))
    # FINESS lists 205 EHPAD "places" in Decazeville: 84 + 46 of accommodation, plus a
    # « Section Cure Médicale (dont) » of 25 (a part of the 84) and 50 résidence-autonomie
    # dwellings (counted by DREES under résidences autonomie): 130 EHPAD places
    assert (by.loc["ehpad", "n"], by.loc["ehpad", "places"]) == (2, 130)
    assert (by.loc["ssiad", "n"], by.loc["ssiad", "places"]) == (3, 62)
    assert by.loc["centre_de_sante", "n"] == 3 and by.loc["maison_de_sante", "n"] == 1
    assert not (d["entry"] == "commune_count").any()  # Occitanie: real sites only


def test_filieris_occitanie_matched_to_finess_once(sites):
    fil = sites[(sites["operator"] == "filieris") & sites["dep"].isin(OCCITANIE)]
    known = fil[fil["finess_et"].notna()]
    counts = known.groupby("category").size()
    assert counts["centre_de_sante"] == 14 and counts["ssiad"] == 6
    assert known.loc[known["category"] == "ehpad", "finess_et"].tolist() == ["810010348"]
    # the web-page sites keep their id, name and staff, with their FINESS number added
    deca = sites.set_index("site_id").loc["filieris-centre-de-decazeville"]
    assert deca["finess_et"] == "120787783" and deca["location_source"] == "finess"
    # no site counted twice: one row per FINESS number, no FINESS row beside its page row
    assert not sites["finess_et"].dropna().duplicated().any()
    assert sites["site_id"].is_unique
    # page sites FINESS does not list stay identified (Firmi: no FINESS entry)
    assert pd.isna(sites.set_index("site_id").loc["filieris-centre-de-firmi", "finess_et"])


def test_places_against_drees_panorama(sites):
    """Independent reference: DREES, Panorama statistique 2021, « Capacité d'accueil pour les
    personnes âgées », places installées au 31/12/2020 (FINESS): SSIAD + SPASAD for the
    elderly, Gard 1,321 and Occitanie 12,752 places; EHPAD, Gard 6,512 and Occitanie 60,416
    places. The bundle is FINESS 2026: within 10 %."""
    real = sites[sites["entry"] == "site"]
    for dep, ssiad, ehpad in ((["30"], 1321, 6512), (list(OCCITANIE), 12752, 60416)):
        here = real[real["dep"].isin(dep)]
        got_ssiad = here.loc[here["category"] == "ssiad", "capacity_places"].sum()
        got_ehpad = here.loc[here["category"] == "ehpad", "capacity_places"].sum()
        assert got_ssiad == pytest.approx(ssiad, rel=0.10)
        assert got_ehpad == pytest.approx(ehpad, rel=0.10)


def test_bpe_entries_elsewhere_say_estime(sites):
    est = sites[sites["entry"] == "commune_count"]
    assert not est["dep"].isin(OCCITANIE).any()
    assert set(est["category"]) == {
        "centre_de_sante", "maison_de_sante", "elderly_residential", "ssiad",
    }  # fmt: skip
    assert est["capacity_places"].isna().all() and (est["establishments"] >= 1).all()
    said = "(estimé : nombre INSEE BPE 2021, adresse et places inconnues)"
    assert est["name"].str.contains(said, regex=False).all()
    assert est["source"].str.contains("adresse et places inconnues").all()
    assert (operator_label(est) == "inconnu (nombre INSEE BPE seulement)").all()
    # Avion: the Filieris centre is one of the BPE's centres de santé, counted once
    avion = sites[(sites["commune"] == "62065") & (sites["category"] == "centre_de_sante")]
    assert len(avion) == 2
    entry = avion[avion["entry"] == "commune_count"].iloc[0]
    assert "dont 1 déjà listé" in entry["category_label"]


def test_finess_import_replaces_estimates_of_its_departements(tmp_path):
    from proxisante.offer import import_file
    from tests.offer.fixtures import good_finess_lines, write_finess

    path = write_finess(tmp_path, good_finess_lines())
    with Store(tmp_path / "s.duckdb") as store:
        import_file("finess", path, store=store)
        s = load_offer(store).sites
    dep = s["commune"].map(load_communes().set_index("code_insee")["departement"])
    est = s["entry"] == "commune_count"
    assert not (est & (dep == "62")).any()  # the import covers the Pas-de-Calais
    assert (est & (dep == "59")).any()  # the Nord keeps its estimates
    assert "620000002" in set(s["site_id"])


def test_finess_import_keeps_the_bundled_id_of_a_page_site(tmp_path):
    from proxisante.offer import import_file
    from tests.offer.fixtures import LOISON_L93, geoloc, structureet, write_finess

    lines = [
        structureet(
            "300008059",
            "750050759",
            "CSP FILIERIS DE BESSEGES",
            "037",
            "30",
            "124",
            "Centre de Santé",
        ),
        geoloc("300008059", *LOISON_L93),
    ]
    with Store(tmp_path / "s.duckdb") as store:
        import_file("finess", write_finess(tmp_path, lines), store=store)
        offer = load_offer(store)
    s = offer.sites
    assert (s["finess_et"] == "300008059").sum() == 1
    row = s.set_index("site_id").loc["filieris-centre-de-besseges"]
    assert row["import_id"] == 1
    # its staff stated by the page (6 GPs, 4 nurses) still belongs to it
    assert "filieris-centre-de-besseges" in set(offer.staff["site_id"])


def test_bpe_entries_add_up_to_the_bpe_counts(sites):
    """Outside Occitanie, per commune: the entry's establishments plus the open sites of the
    category already listed there make the INSEE BPE 2021 count (when the BPE counts at least
    the listed sites) — every establishment counted once."""
    from proxisante.territory.bpe2021 import load_bpe2021_counts

    bpe = load_bpe2021_counts().set_index("code_insee")
    out = sites[~sites["dep"].isin(OCCITANIE) & (sites["status"] == "open")]
    for column, cats in (("centre_de_sante", ["centre_de_sante"]),
                         ("maison_de_sante", ["maison_de_sante"]),
                         ("elderly_home_nursing", ["ssiad"]),
                         ("elderly_residential", ["ehpad", "elderly_residential"])):  # fmt: skip
        mine = out[out["category"].isin(cats)]
        total = mine["establishments"].fillna(1).groupby(mine["commune"]).sum()
        count = bpe[column].reindex(total.index).fillna(0)
        listed = mine[mine["entry"] != "commune_count"].groupby("commune").size()
        ok = count >= listed.reindex(total.index).fillna(0)
        assert (total[ok] == count[ok]).all(), column
        expected = bpe.loc[bpe.index.isin(out["commune"].unique()), column].sum()
        assert total.sum() >= expected * 0.99
