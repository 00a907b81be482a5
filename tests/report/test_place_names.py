"""Territory names inside French sentences: article and preposition from INSEE's TNCC."""

from __future__ import annotations

import pandas as pd
import pytest

from proxisante._fr import (
    DEPARTEMENT_TNCC,
    REGION_TNCC,
    PlaceName,
    circonscription_place,
    commune_place,
    departement_place,
    epci_place,
    region_place,
)
from proxisante.territory import load_communes, load_membership, select
from tests.report.french_forms import bad_forms


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    return load_communes()


def _all_forms(p: PlaceName) -> str:
    return f"habitants {p.of}. Vivre {p.at}. Voir {p.the}."


# Written by hand from the INSEE COG 2023 (département/région names with their article).
EXPECTED_OF = {
    "01": "de l'Ain", "04": "des Alpes-de-Haute-Provence", "12": "de l'Aveyron",
    "13": "des Bouches-du-Rhône", "14": "du Calvados", "2A": "de la Corse-du-Sud",
    "28": "d'Eure-et-Loir", "30": "du Gard", "31": "de la Haute-Garonne", "34": "de l'Hérault",
    "41": "de Loir-et-Cher", "59": "du Nord", "62": "du Pas-de-Calais", "75": "de Paris",
    "81": "du Tarn", "90": "du Territoire de Belfort", "974": "de La Réunion",
    "976": "de Mayotte",
}  # fmt: skip
EXPECTED_AT = {
    "12": "dans l'Aveyron", "30": "dans le Gard", "13": "dans les Bouches-du-Rhône",
    "35": "en Ille-et-Vilaine", "75": "à Paris", "971": "en Guadeloupe",
}  # fmt: skip
EXPECTED_REGION = {
    "11": ("d'Île-de-France", "en Île-de-France"), "24": ("du Centre-Val de Loire", "dans le Centre-Val de Loire"),
    "32": ("des Hauts-de-France", "dans les Hauts-de-France"), "44": ("du Grand Est", "dans le Grand Est"),
    "52": ("des Pays de la Loire", "dans les Pays de la Loire"), "53": ("de Bretagne", "en Bretagne"),
    "76": ("d'Occitanie", "en Occitanie"), "94": ("de Corse", "en Corse"),
}  # fmt: skip


def test_every_departement_and_region_has_its_insee_article(communes):
    deps = communes.drop_duplicates("departement")
    regs = communes.drop_duplicates("region")
    assert set(deps["departement"]) == set(DEPARTEMENT_TNCC)
    assert set(regs["region"]) <= set(REGION_TNCC)
    for r in deps.itertuples():
        p = departement_place(r.departement, r.departement_nom)
        assert not bad_forms(_all_forms(p)), (r.departement_nom, _all_forms(p))
        if r.departement in EXPECTED_OF:
            assert p.of == EXPECTED_OF[r.departement]
        if r.departement in EXPECTED_AT:
            assert p.at == EXPECTED_AT[r.departement]
    for r in regs.itertuples():
        p = region_place(r.region, r.region_nom)
        assert not bad_forms(_all_forms(p)), (r.region_nom, _all_forms(p))
        if r.region in EXPECTED_REGION:
            assert (p.of, p.at) == EXPECTED_REGION[r.region]


def test_every_epci_reads_with_its_nature(communes):
    nature = load_membership().drop_duplicates("epci_siren").set_index("epci_siren")["epci_nature"]
    epcis = communes.drop_duplicates("epci_siren").dropna(subset=["epci_nom"])
    assert len(epcis) > 1200
    for r in epcis.itertuples():
        p = epci_place(r.epci_nom, nature.get(r.epci_siren))
        text = _all_forms(p)
        assert not bad_forms(text), text
        assert " - " not in p.name and "  " not in p.name
    assert epci_place("Communauté d'agglomération de Lens - Liévin", "CA").of == (
        "de la communauté d'agglomération de Lens-Liévin"
    )
    assert epci_place("Communauté de communes de la Dombes", "CC").at == (
        "dans la communauté de communes de la Dombes"
    )
    assert epci_place("Communauté urbaine d'Arras", "CU").of == "de la communauté urbaine d'Arras"
    assert epci_place("Métropole du Grand Paris", "ME").of == "de la métropole du Grand Paris"
    assert epci_place("Métropole Européenne de Lille", "ME").of == (
        "de la métropole Européenne de Lille"
    )
    assert epci_place("Toulouse Métropole", "ME").of == "de Toulouse Métropole"
    assert (
        epci_place("Creuse Sud Ouest", "CC").of == "de la communauté de communes Creuse Sud Ouest"
    )
    assert epci_place("Établissement public territorial Est Ensemble", "EPT").of == (
        "de l'établissement public territorial Est Ensemble"
    )


def test_every_constituency_reads_as_the_nth_constituency_of_its_departement(communes):
    codes = sorted(set(communes["circonscription"].dropna()))
    assert len(codes) >= 550  # those of communes; Paris, abroad: 577 in all
    names = communes.drop_duplicates("departement").set_index("departement")["departement_nom"]
    for code in codes:
        dep, _, num = code.partition("-")
        p = circonscription_place(int(num), departement_place(dep, names[dep]))
        assert not bad_forms(_all_forms(p)), code
        nth = "1re" if int(num) == 1 else f"{int(num)}e"
        assert p.at == f"dans la {nth} circonscription {departement_place(dep, names[dep]).of}"
    assert select("circo:12-02").place.at == "dans la 2e circonscription de l'Aveyron"
    assert select("circo:62-01").place.of == "de la 1re circonscription du Pas-de-Calais"


def test_commune_names_keep_their_article(communes):
    cases = {
        "Loison-sous-Lens": ("de Loison-sous-Lens", "à Loison-sous-Lens"),
        "Avion": ("d'Avion", "à Avion"),
        "Le Havre": ("du Havre", "au Havre"),
        "Les Abymes": ("des Abymes", "aux Abymes"),
        "La Rochelle": ("de La Rochelle", "à La Rochelle"),
        "L'Haÿ-les-Roses": ("de L'Haÿ-les-Roses", "à L'Haÿ-les-Roses"),
        "Le Cateau-Cambrésis": ("du Cateau-Cambrésis", "au Cateau-Cambrésis"),
        "Évry-Courcouronnes": ("d'Évry-Courcouronnes", "à Évry-Courcouronnes"),
    }
    for name, (of, at) in cases.items():
        assert (commune_place(name).of, commune_place(name).at) == (of, at)
    for name in communes["nom"]:
        assert not bad_forms(_all_forms(commune_place(name))), name


def test_selected_territories_carry_their_place():
    assert select("dep:30").place.of == "du Gard"
    assert select("dep:12").place.of == "de l'Aveyron"
    assert select("reg:76").place.of == "d'Occitanie"
    assert select("76351").place.at == "au Havre"
    assert select("epci:246200364").place.of.startswith("de la communauté d'agglomération de Lens")
