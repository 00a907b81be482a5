"""Build ``src/proxisante/data/departements_geometry.parquet``: one polygon per département,
the union of the bundled commune polygons (``communes_geometry.parquet``) of its communes.

Used by the web page's national map. Vertices are snapped to a 0.002° grid before the union
(the simplified commune polygons do not share every vertex exactly, so a plain coverage
union fails), then simplified with a 0.005° tolerance (≈ 400 m). Deterministic; takes about
a minute. Usage: ``python scripts/build_departement_geometry.py``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely

from proxisante.territory import load_commune_geometry, load_communes

OUT = Path(__file__).resolve().parents[1] / "src" / "proxisante" / "data"
GRID_DEGREES = 0.002
SIMPLIFY_DEGREES = 0.005


def main() -> None:
    geo = load_commune_geometry().merge(
        load_communes()[["code_insee", "departement", "departement_nom"]], on="code_insee"
    )
    rows = []
    for (dep, name), part in geo.groupby(["departement", "departement_nom"], sort=True):
        union = shapely.union_all(shapely.set_precision(part.geometry.to_numpy(), GRID_DEGREES))
        rows.append({"departement": dep, "nom": name, "geometry": union})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=geo.crs)
    out["geometry"] = shapely.make_valid(out.geometry.simplify(SIMPLIFY_DEGREES).to_numpy())
    out.to_parquet(OUT / "departements_geometry.parquet", index=False)
    print(f"{len(out)} départements written to {OUT / 'departements_geometry.parquet'}")


if __name__ == "__main__":
    main()
