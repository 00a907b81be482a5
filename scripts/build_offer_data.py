#!/usr/bin/env python
"""Build the bundled default health offer (sites and sourced staff) from the shared open data.

Run from the repository root: ``python scripts/build_offer_data.py [--shared ../shared/data]``.
Writes ``src/proxisante/data/offer/sites.parquet`` and ``staff.parquet``:

- the 5,368 FINESS "sanitaire" establishments of France (FINESS 2020-03-06, geolocated, via
  Eurostat/GISCO basic-services), located in their commune by point-in-polygon;
- the publicly documented CANSSM-Filieris sites (hand list with a source page per row; page
  rows have no coordinates and are placed at their commune's point);
- the staff *stated in those sources* (e.g. "six médecins généralistes"), one row per
  (site, profession), headcount only: sources give people, not FTE.
"""

from __future__ import annotations

import argparse
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
    hospitals.loc[hospitals["finess_et"].isin(finess_fil), "operator"] = "filieris"
    sites = _merge_page_rows(hospitals, page_sites)
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
    return sites, staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sites, staff = build(args.shared)
    sites.to_parquet(OUT / "sites.parquet", compression="zstd", index=False)
    staff.to_parquet(OUT / "staff.parquet", compression="zstd", index=False)
    print(
        f"sites: {len(sites)} ({(sites['operator'] == 'filieris').sum()} Filieris); "
        f"staff rows: {len(staff)}"
    )


if __name__ == "__main__":
    main()
