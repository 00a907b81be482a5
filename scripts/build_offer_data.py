#!/usr/bin/env python
"""Build the bundled default health offer (sites and sourced staff) from the shared open data.

Run from the repository root: ``python scripts/build_offer_data.py [--shared ../shared/data]``.
Writes ``src/proxisante/data/offer/sites.parquet`` and ``staff.parquet``:

- the 5,368 FINESS "sanitaire" establishments of France (FINESS 2020-03-06, geolocated, via
  Eurostat/GISCO basic-services), located in their commune by point-in-polygon;
- every centre de santé, maison de santé, CPTS, SSIAD and EHPAD of the FINESS 2026 extract
  of Occitanie (13 départements), with the installed places of SSIAD and EHPAD
  (:func:`finess2026_places`); their number per commune and category is checked against
  the derived ``finess2026_occitanie_par_commune.csv`` (:func:`check_per_commune_counts`);
- the publicly documented CANSSM-Filieris sites (hand list with a source page per row; page
  rows have no coordinates and are placed at their commune's point), matched to their
  FINESS 2026 number where FINESS lists them (:func:`match_filieris_pages`);
- elsewhere in France, the INSEE BPE 2021 number of centres de santé (D108), maisons de
  santé (D113), establishments housing the elderly (D401) and home-nursing services (D402)
  per commune, as commune-level entries (``entry = commune_count``: « estimé », address and
  places unknown), less the sites of the same category already listed in the commune;
- the staff *stated in those sources* (e.g. "six médecins généralistes"), one row per
  (site, profession), headcount only: sources give people, not FTE.

The BPE counts are read from the bundled ``bpe2021_counts.parquet`` (built by
``scripts/build_bpe2021.py``), the FINESS files from the shared folder (``SOURCE.txt`` §10).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "proxisante" / "data" / "offer"
DATA = ROOT / "src" / "proxisante" / "data"

#: Staff stated by each Filieris source page (site name → {profession: headcount}), read from
#: the column ``ce_que_dit_la_source`` of filieris_sites.csv. A locum ("remplaçant") is not
#: counted: DREES adds a locum's activity to the replaced doctor.
STATED_STAFF: dict[str, dict[str, int]] = {
    "Centre de santé Filieris de Wallers-Arenberg": {"gp": 1, "nurse": 1},
    "Centre de santé de la République (Filieris), Avion": {"gp": 2, "nurse": 1},
    "Centre de santé Filieris de Forbach": {"gp": 3, "nurse": 3, "dentist": 2},
    "Centre de santé Filieris de Behren-lès-Forbach": {"gp": 3, "nurse": 4, "dentist": 1},
    "Centre de santé Filieris d'Albi": {"gp": 4},
    "Centre de santé Filieris de Carmaux": {"gp": 6},
    "Centre de santé Filieris de Saint-Christol-lez-Alès": {"gp": 2},
    "Centre Filieris de Bessèges": {"gp": 6, "nurse": 4},
    "Filieris Saint-Ambroix": {"gp": 2},
}


def _slug(text: str) -> str:
    text = re.sub(r"\(?filieris\)?", " ", text, flags=re.IGNORECASE)
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def _status(kind: str, said: str) -> str:
    text = f"{kind} {said}".lower()
    if "fermé" in text:
        return "closed"
    if "en travaux" in text or "première pierre" in text or "pas encore ouvert" in text:
        return "planned"
    return "open"


def _category(kind: str) -> str:
    k = kind.lower()
    if "centre de santé" in k or k.startswith("centre filieris") or "point de consultation" in k:
        return "centre_de_sante"
    if "ehpad" in k:
        return "ehpad"
    if "ssr" in k or "smr" in k or "réadaptation" in k:
        return "smr"
    if "accueil de jour" in k:
        return "accueil_de_jour"
    if "longue durée" in k or "usld" in k:
        return "usld"
    return "hospital"


#: Page rows that describe a FINESS establishment already in the extract (same place, same
#: activity): one identity per physical site, the FINESS number wins and the page row is
#: merged into it (its readable name, operator, status and page URL are kept).
SAME_SITE_AS_FINESS: dict[str, str] = {
    # hopitalfreyming.filieris.fr describes FINESS 570000091 "HOPITAL FILIERIS DE
    # FREYMING-MERLEBACH" (2 rue de France, Freyming-Merlebach).
    "Hôpital Filieris de Freyming-Merlebach": "570000091",
    # secumines.org: the Filieris polyclinic Sainte-Barbe of Carmaux is FINESS 810000448
    # "POLYCLINIQUE SAINTE BARBE" (avenue de Neckarsulm, Carmaux).
    "Polyclinique Filieris Sainte-Barbe de Carmaux": "810000448",
}


def _merge_page_rows(hospitals: pd.DataFrame, page_sites: pd.DataFrame) -> pd.DataFrame:
    """Merge the page rows of :data:`SAME_SITE_AS_FINESS` into their FINESS row."""
    h = hospitals.set_index("site_id")
    keep = []
    for row in page_sites.itertuples(index=False):
        finess = SAME_SITE_AS_FINESS.get(row.name)
        if finess is None:
            keep.append(True)
            continue
        if finess not in h.index or h.loc[finess, "commune"] != row.commune:
            raise SystemExit(f"{row.name}: FINESS {finess} missing or in another commune")
        h.loc[finess, ["name", "operator", "legal_status", "status"]] = [
            row.name, row.operator, row.legal_status, row.status,
        ]  # fmt: skip
        h.loc[finess, "source"] = f"{h.loc[finess, 'source']} ; {row.source}"
        keep.append(False)
    missing = set(SAME_SITE_AS_FINESS) - set(page_sites["name"])
    if missing:
        raise SystemExit(f"SAME_SITE_AS_FINESS names no page row: {sorted(missing)}")
    merged = h.reset_index()
    return pd.concat([merged, page_sites[keep]], ignore_index=True)


#: The 13 départements of Occitanie, covered by the FINESS 2026 extract (SOURCE.txt §10).
OCCITANIE = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")
#: FINESS EJ of the CANSSM (Filieris).
FILIERIS_EJ = "750050759"
#: FINESS 2026 categories bundled as sites (code → proxisante category).
FINESS2026_CATEGORIES = {
    "124": "centre_de_sante", "603": "maison_de_sante", "604": "cpts", "354": "ssiad",
    "500": "ehpad",
}  # fmt: skip
FINESS2026_SOURCE = (
    "FINESS (DREES, open data), extraction Occitanie téléchargée en mars-avril 2026 "
    "(établissements et équipements sociaux, places installées)"
)
FINESS2026_DATE = "2026-04"
#: Disciplines (libde_equipement) whose installed places (capinstot) count as EHPAD places:
#: permanent and temporary accommodation and day care, as DREES counts the "nombre total de
#: places installées" of EHPAD (Panorama statistique, table « Capacité d'accueil pour les
#: personnes âgées »). Left out: the « Section Cure Médicale (dont) » rows (a part of those
#: places, counted twice otherwise), PASA and UHR units (residents already counted),
#: résidence-autonomie dwellings and restaurants.
EHPAD_DISCIPLINES = ("Accueil pour Personnes Âgées", "Accueil temporaire pour Personnes Âgées")
#: SSIAD places: the « Soins infirmiers à domicile » discipline for elderly clientèles
#: (DREES counts SSIAD places for the elderly per 1,000 aged 75+); places for disabled
#: adults and the Alzheimer teams (ESA, « Activité soins d'accompagnement et de
#: réhabilitation ») are left out.
SSIAD_DISCIPLINE = "Soins infirmiers à Domicile"
#: BPE 2021 column of ``bpe2021_counts.parquet`` → (proxisante category, BPE code, label).
BPE_ENTRIES = {
    "centre_de_sante": ("centre_de_sante", "D108", "centre(s) de santé"),
    "maison_de_sante": ("maison_de_sante", "D113", "maison(s) de santé pluriprofessionnelle(s)"),
    "elderly_residential": ("elderly_residential", "D401",
                            "établissement(s) d'hébergement pour personnes âgées "
                            "(EHPAD, résidences autonomie…)"),
    "elderly_home_nursing": ("ssiad", "D402",
                             "service(s) de soins à domicile pour personnes âgées (SSIAD, SPASAD)"),
}  # fmt: skip
#: What a commune-level entry's name says of itself (French, shown wherever it is listed).
ESTIMATE_FR = "estimé : nombre INSEE BPE 2021, adresse et places inconnues"
#: Categories of listed sites already counted by a BPE equipment in their commune.
BPE_COUNTS_SITES = {
    "centre_de_sante": ("centre_de_sante",), "maison_de_sante": ("maison_de_sante",),
    "elderly_residential": ("ehpad", "elderly_residential"), "ssiad": ("ssiad",),
}  # fmt: skip


def finess2026_places(equipment: pd.DataFrame) -> pd.Series:
    """Installed places per FINESS établissement: EHPAD (:data:`EHPAD_DISCIPLINES`) and SSIAD
    for the elderly (:data:`SSIAD_DISCIPLINE`); NaN when FINESS gives no capacity."""
    cap = pd.to_numeric(equipment["capinstot"], errors="coerce")
    cat = equipment["lib_categorie_etablissement"]
    ehpad = cat.str.startswith("Etablissement d'hébergement pour personnes âgées dépendantes")
    ssiad = cat.str.contains("S.S.I.A.D", regex=False)
    counted = (ehpad & equipment["libde_equipement"].isin(EHPAD_DISCIPLINES)) | (
        ssiad
        & (equipment["libde_equipement"] == SSIAD_DISCIPLINE)
        & equipment["client"].str.startswith(("Personnes Ag", "Personnes Alzheimer"))
    )
    rows = equipment[counted].assign(_cap=cap[counted])
    return rows.groupby("nofinesset")["_cap"].sum(min_count=1)


def build_finess2026(shared: Path, communes: pd.DataFrame) -> pd.DataFrame:
    """Sites of the FINESS 2026 Occitanie extract in :data:`FINESS2026_CATEGORIES`."""
    et = pd.read_csv(shared / "finess2026_occitanie_etablissements.csv.gz", sep=";", dtype=str,
                     keep_default_na=False)  # fmt: skip
    eq = pd.read_csv(shared / "finess2026_occitanie_equipements_sociaux.csv.gz", sep=";",
                     dtype=str, keep_default_na=False)  # fmt: skip
    et = et[et["categetab"].isin(list(FINESS2026_CATEGORIES))]
    ids = et["numero_finess_etablissement"]
    if not ids.str.fullmatch(r"\d{9}|2[AB]\d{7}").all() or not ids.is_unique:
        raise SystemExit("FINESS 2026: bad or repeated établissement numbers")
    unknown = set(et["code_insee"]) - set(communes["code_insee"])
    if unknown:
        raise SystemExit(f"FINESS 2026: communes not in the bundled geography: {sorted(unknown)}")
    places = finess2026_places(eq)
    category = et["categetab"].map(FINESS2026_CATEGORIES)
    cap = ids.map(places).where(category.isin(["ssiad", "ehpad"]))
    address = (
        (et["numvoie"] + " " + et["typvoie"] + " " + et["voie"] + ", " + et["ligneacheminement"])
        .str.replace(r"\s+", " ", regex=True)
        .str.strip(" ,")
    )
    ej = et["numero finess etablissement juridique"]
    return pd.DataFrame({
        "site_id": ids, "finess_et": ids, "finess_ej": ej,
        "name": et["rslongue"].where(et["rslongue"] != "", et["raison_sociale"]),
        "category": category, "category_code": et["categetab"],
        "category_label": et["categorie"],
        "operator": (ej == FILIERIS_EJ).map({True: "filieris", False: ""}),
        "legal_status": "", "address": address, "commune": et["code_insee"],
        "lat": et["latitude"].astype(float), "lon": et["longitude"].astype(float),
        "location_source": "finess", "status": "open", "capacity_places": cap,
        "source": FINESS2026_SOURCE, "source_date": FINESS2026_DATE,
        "entry": "site", "establishments": 1,
    }).reset_index(drop=True)  # fmt: skip


#: Column of the derived per-commune FINESS file (SOURCE.txt §10) counting each category.
PER_COMMUNE_FILE = "finess2026_occitanie_par_commune.csv"
PER_COMMUNE_COUNTS = {"centre_de_sante": "centres_sante_n", "maison_de_sante": "maisons_sante_n",
                      "cpts": "cpts_n", "ssiad": "ssiad_n", "ehpad": "ehpad_n"}  # fmt: skip


def check_per_commune_counts(shared: Path, finess: pd.DataFrame) -> None:
    """Stop unless the sites built from the two FINESS extracts count, in every commune and
    category, what the derived per-commune file counts. Its places are not compared: it sums
    every installed place, the offer only those of the disciplines for the elderly
    (:func:`finess2026_places`; docs in PROVENANCE.md)."""
    ref = pd.read_csv(shared / PER_COMMUNE_FILE, dtype={"code_insee": str}).set_index("code_insee")
    for category, column in PER_COMMUNE_COUNTS.items():
        mine = finess[finess["category"] == category].groupby("commune").size()
        both = pd.concat([ref[column], mine], axis=1, keys=["ref", "mine"]).fillna(0)
        differ = both.index[both["ref"] != both["mine"]]
        if len(differ):
            raise SystemExit(f"FINESS 2026 {category}: {len(differ)} communes differ from "
                             f"{PER_COMMUNE_FILE}, e.g. {differ[0]}")  # fmt: skip


def match_filieris_pages(
    sites: pd.DataFrame, finess: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each Filieris page row of a centre de santé the FINESS 2026 number of the one
    Filieris centre de santé FINESS lists in its commune (same site: the page's id, name and
    staff are kept; FINESS's numbers, address and coordinates are added), and drop that
    FINESS row. Returns ``(sites, finess)`` and prints the matches."""
    fil = finess[(finess["operator"] == "filieris") & (finess["category"] == "centre_de_sante")]
    by_commune = fil.groupby("commune")["site_id"].agg(list)
    pages = sites["site_id"].str.startswith("filieris-") & (sites["category"] == "centre_de_sante")
    matched = []
    sites = sites.copy()
    for col in ("finess_et", "finess_ej", "category_code"):
        sites[col] = sites[col].astype(object) if col in sites.columns else None
    for i in sites.index[pages]:
        ids = by_commune.get(sites.at[i, "commune"], [])
        if len(ids) != 1 or sites.at[i, "status"] == "closed":
            continue
        f = fil.set_index("site_id").loc[ids[0]]
        for col in ("finess_et", "finess_ej", "category_code", "address", "lat", "lon",
                    "location_source"):  # fmt: skip
            sites.at[i, col] = f[col]
        sites.at[i, "source"] = f"{sites.at[i, 'source']} ; {FINESS2026_SOURCE}"
        matched.append(ids[0])
        print(f"  {sites.at[i, 'site_id']} = FINESS {ids[0]} ({f['name']})")
    return sites, finess[~finess["site_id"].isin(matched)]


def build_bpe_entries(sites: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Commune-level entries « estimé » from the INSEE BPE 2021 counts outside Occitanie:
    per commune and category, the BPE number less the open sites of that category already
    listed there (never below 0)."""
    bpe = pd.read_parquet(DATA / "bpe2021_counts.parquet")
    com = communes.set_index("code_insee")
    bpe = bpe[bpe["code_insee"].isin(com.index)]
    bpe = bpe[~bpe["code_insee"].map(com["departement"]).isin(OCCITANIE)]
    listed = sites[sites["status"] == "open"].groupby(["commune", "category"]).size()
    rows = []
    for column, (category, code, label) in BPE_ENTRIES.items():
        count = bpe.set_index("code_insee")[column].fillna(0).astype(int)
        here = listed[listed.index.get_level_values("category").isin(BPE_COUNTS_SITES[category])]
        known = here.groupby(level="commune").sum().reindex(count.index).fillna(0).astype(int)
        rest = (count - known).clip(lower=0)
        rest = rest[rest > 0]
        for commune, n in rest.items():
            said = f" (BPE : {count[commune]}, dont {known[commune]} déjà listé(s))" if known[
                commune] else ""  # fmt: skip
            rows.append({
                "site_id": f"bpe2021-{commune}-{category}", "finess_et": pd.NA,
                "finess_ej": pd.NA,
                "name": f"{n} {label} — {com.at[commune, 'nom']} ({ESTIMATE_FR})",
                "category": category, "category_code": code,
                "category_label": f"INSEE BPE 2021, équipement {code} : {label}{said}",
                "operator": "", "legal_status": "", "address": "",
                "commune": commune, "lat": com.at[commune, "lat"], "lon": com.at[commune, "lon"],
                "location_source": "commune_point", "status": "open",
                "capacity_places": pd.NA,
                "source": (f"INSEE, Base permanente des équipements 2021, équipement {code}, "
                           "nombre par commune (estimé : adresse et places inconnues)"),
                "source_date": "2021", "entry": "commune_count", "establishments": int(n),
            })  # fmt: skip
    return pd.DataFrame(rows)


def build(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    communes = pd.read_parquet(DATA / "communes.parquet")
    geometry = gpd.read_parquet(DATA / "communes_geometry.parquet")

    hs = pd.read_csv(shared / "health_sites.csv.gz", dtype=str, keep_default_na=False)
    hs["finess_et"] = hs["id"].str.zfill(9)
    pts = gpd.GeoDataFrame(
        hs, geometry=gpd.points_from_xy(hs["lon"].astype(float), hs["lat"].astype(float)), crs=4326
    )
    located = gpd.sjoin_nearest(
        pts.to_crs(2154), geometry.to_crs(2154), how="left", distance_col="_d"
    ).drop_duplicates("finess_et")
    hospitals = pd.DataFrame({
        "site_id": located["finess_et"],
        "finess_et": located["finess_et"],
        "name": located["hospital_name"].where(located["site_name"] == "", located["site_name"]),
        "category": [_category(t) for t in located["facility_type"]],
        "category_label": located["facility_type"],
        "operator": located["hospital_name"].str.contains("FILIERIS").map(
            {True: "filieris", False: ""}),
        "legal_status": located["public_private"],
        "address": (located["house_number"] + " " + located["street"] + ", "
                    + located["postcode"] + " " + located["city"]).str.strip(" ,"),
        "commune": located["code_insee"],
        "lat": located["lat"].astype(float),
        "lon": located["lon"].astype(float),
        "location_source": "finess",
        "status": "open",
        "capacity_places": pd.NA,
        "source": "FINESS via Eurostat/GISCO basic-services (FR.csv), reference date 2020-03-06",
        "source_date": "2020-03-06",
    })  # fmt: skip

    fil = pd.read_csv(shared / "filieris_sites.csv", dtype=str, keep_default_na=False)
    pages = fil[fil["source_kind"] == "page"]
    cpos = communes.set_index("code_insee")
    page_sites = pd.DataFrame({
        "site_id": ["filieris-" + _slug(n) for n in pages["site_nom"]],
        "finess_et": pd.NA,
        "name": pages["site_nom"].to_numpy(),
        "category": [_category(t) for t in pages["type"]],
        "category_label": pages["type"].to_numpy(),
        "operator": "filieris",
        "legal_status": "CANSSM (régime minier)",
        "address": pages["adresse_source"].to_numpy(),
        "commune": pages["code_insee"].to_numpy(),
        "lat": cpos.loc[pages["code_insee"], "lat"].to_numpy(),
        "lon": cpos.loc[pages["code_insee"], "lon"].to_numpy(),
        "location_source": "commune_point",
        "status": [_status(k, s) for k, s in zip(pages["type"], pages["ce_que_dit_la_source"],
                                                  strict=True)],
        "capacity_places": pd.NA,
        "source": pages["source"].to_numpy(),
        "source_date": pages["source_date"].to_numpy(),
    })  # fmt: skip
    finess_fil = set(fil.loc[fil["source_kind"] != "page", "finess"])
    finess26 = build_finess2026(shared, communes)
    check_per_commune_counts(shared, finess26)
    # FINESS 2026 names the CANSSM as legal entity of these older rows too (SMR La Pomarède)
    finess_fil |= set(finess26.loc[finess26["operator"] == "filieris", "finess_et"])
    hospitals.loc[hospitals["finess_et"].isin(finess_fil), "operator"] = "filieris"
    sites = _merge_page_rows(hospitals, page_sites)
    overlap = set(sites["finess_et"].dropna()) & set(finess26["finess_et"])
    if overlap:
        raise SystemExit(f"FINESS 2026 sites already in the 2020 extract: {sorted(overlap)}")
    sites, finess26 = match_filieris_pages(sites, finess26)
    sites = pd.concat([sites.assign(entry="site", establishments=1), finess26],
                      ignore_index=True)  # fmt: skip
    sites = pd.concat([sites, build_bpe_entries(sites, communes)], ignore_index=True)
    if not sites["site_id"].is_unique:
        raise SystemExit("duplicate site ids")
    if sites["commune"].isna().any():
        raise SystemExit("sites without commune")

    said = dict(zip(pages["site_nom"], pages["ce_que_dit_la_source"], strict=True))
    src = dict(zip(pages["site_nom"], pages["source"], strict=True))
    rows = []
    for name, staff in STATED_STAFF.items():
        if name not in said:
            raise SystemExit(f"stated staff for an unknown site: {name}")
        site_id = SAME_SITE_AS_FINESS.get(name, "filieris-" + _slug(name))
        for profession, headcount in staff.items():
            rows.append({
                "site_id": site_id, "profession": profession,
                "headcount": headcount, "fte": pd.NA, "activity_consultations": pd.NA,
                "birth_year": pd.NA, "employment": "salaried",
                "source": src[name], "source_quote": said[name],
            })  # fmt: skip
    staff = pd.DataFrame(rows)
    staff["headcount"] = staff["headcount"].astype("int16")
    for col in ("fte", "activity_consultations"):
        staff[col] = staff[col].astype("Float64")
    staff["birth_year"] = staff["birth_year"].astype("Int16")
    sites["capacity_places"] = sites["capacity_places"].astype("Int32")
    sites["establishments"] = sites["establishments"].astype("Int32")
    return sites, staff


#: Shared files read by :func:`build` (their sha256 goes to the manifest).
INPUTS = (
    "health_sites.csv.gz", "filieris_sites.csv", "finess2026_occitanie_etablissements.csv.gz",
    "finess2026_occitanie_equipements_sociaux.csv.gz", PER_COMMUNE_FILE,
)  # fmt: skip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(shared: Path, sites: pd.DataFrame) -> None:
    """Record the inputs, outputs and counts of the offer in ``manifest.json``."""
    path = DATA / "manifest.json"
    manifest = json.loads(path.read_text())
    for name in INPUTS:
        manifest["inputs"][name] = _sha256(shared / name)
    for name in ("sites.parquet", "staff.parquet"):
        manifest["outputs"][f"offer/{name}"] = _sha256(OUT / name)
    real = sites[sites["entry"] == "site"]
    est = sites[sites["entry"] == "commune_count"]
    manifest["counts"]["offer"] = {
        "sites": len(real),
        "sites_by_category": {k: int(v) for k, v in real.groupby("category").size().items()},
        "places_by_category": {
            k: int(real.loc[real["category"] == k, "capacity_places"].sum())
            for k in ("ssiad", "ehpad")
        },
        "bpe2021_entries": len(est),
        "bpe2021_establishments_by_category": {
            k: int(v) for k, v in est.groupby("category")["establishments"].sum().items()
        },
    }  # fmt: skip
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sites, staff = build(args.shared)
    sites.to_parquet(OUT / "sites.parquet", compression="zstd", index=False)
    staff.to_parquet(OUT / "staff.parquet", compression="zstd", index=False)
    record(args.shared, sites)
    print(
        f"sites: {len(sites)} ({(sites['operator'] == 'filieris').sum()} Filieris); "
        f"staff rows: {len(staff)}"
    )
    real = sites[sites["entry"] == "site"]
    print(
        real.groupby("category")
        .agg(sites=("site_id", "size"), places=("capacity_places", "sum"))
        .to_string()
    )
    est = sites[sites["entry"] == "commune_count"]
    print("commune-level entries (BPE 2021):")
    print(
        est.groupby("category")
        .agg(entries=("site_id", "size"), establishments=("establishments", "sum"))
        .to_string()
    )


if __name__ == "__main__":
    main()
