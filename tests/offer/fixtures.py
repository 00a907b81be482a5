"""Small files in the exact official layouts, written by the tests (no download)."""

from __future__ import annotations

from pathlib import Path

from proxisante.offer.finess import STRUCTUREET_FIELDS
from proxisante.offer.rpps import RPPS_COLUMNS


def structureet(nofinesset, nofinessej, rs, commune3, dep, categ, libcateg, **kw) -> str:
    values = dict.fromkeys(STRUCTUREET_FIELDS, "")
    values.update(structureet="structureet", nofinesset=nofinesset, nofinessej=nofinessej, rs=rs,
                  commune=commune3, departement=dep, categetab=categ, libcategetab=libcateg,
                  numvoie="3", typvoie="R", voie="DES MINEURS", ligneacheminement="62750 LOISON",
                  datemaj="2024-01-10", libsph="Etablissement public de santé")  # fmt: skip
    values.update(kw)
    return ";".join(values[f] for f in STRUCTUREET_FIELDS)


def geoloc(nofinesset, x, y, proj="LAMBERT_93") -> str:
    return f"geolocalisation;{nofinesset};{x};{y};1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,{proj};2024-01-10"


# Lambert-93 of a point in Loison-sous-Lens (about 50.438 N, 2.862 E), and one in Réunion
LOISON_L93 = (690600.0, 7041900.0)
REUNION_UTM40S = (338000.0, 7690000.0)


def write_finess(tmp: Path, lines: list[str], name: str = "etalab-cs1100507-stock-20240110-0450.csv",
                 header: str = "finess;etalab;95;2024-01-10") -> Path:  # fmt: skip
    path = tmp / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def good_finess_lines() -> list[str]:
    return [
        structureet(
            "620000001", "750050759", "CDS FILIERIS LOISON", "523", "62", "124", "Centre de Santé"
        ),
        structureet(
            "620000002",
            "620000099",
            "SSIAD DU LENSOIS",
            "498",
            "62",
            "354",
            "Service de Soins Infirmiers A Domicile",
        ),
        structureet("9D0000003", "9D0000098", "EHPAD DE SAINT-DENIS", "411", "9D", "500", "EHPAD"),
        geoloc("620000001", *LOISON_L93),
        geoloc("620000002", *LOISON_L93),
        geoloc("9D0000003", *REUNION_UTM40S, proj="UTM_S40"),
    ]


RPPS_HEADER = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité",
    "Nom d'exercice", "Prénom d'exercice", RPPS_COLUMNS["profession"], "Libellé profession",
    RPPS_COLUMNS["skill"], RPPS_COLUMNS["skill_label"], RPPS_COLUMNS["mode"],
    "Libellé mode exercice", RPPS_COLUMNS["finess"], "Raison sociale site",
    RPPS_COLUMNS["commune"], "Libellé commune (coord. structure)",
]  # fmt: skip


def rpps_line(pp, prof, skill, mode, finess, commune) -> str:
    skill_label = "Médecine générale" if skill == "SM54" else ""
    fields = ["8", pp, "8" + pp, "M", "NOM", "PRENOM", prof, "", skill, skill_label, mode, "",
              finess, "", commune, ""]  # fmt: skip
    return "|".join(fields) + "|"


def write_rpps(
    tmp: Path, lines: list[str], name: str = "PS_LibreAcces_Personne_activite.txt"
) -> Path:
    path = tmp / name
    path.write_text("|".join(RPPS_HEADER) + "|\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
