"""Choropleth map data for the reports and the web page (GeoJSON for Leaflet, drawn offline).

Leaflet 1.9.4 (BSD-2-Clause) is vendored in ``proxisante/data/vendor`` and inlined into the
HTML, so maps render with no network access; there is no background tile layer.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from proxisante._bundled import bundled_path
from proxisante.errors import DataFileError

__all__ = [
    "APL_CLASSES",
    "NO_DATA_COLOUR",
    "RESIDUAL_CLASSES",
    "LeafletAssets",
    "communes_geojson",
    "js_classes",
    "leaflet_assets",
]

#: APL classes of the maps: (upper bound, colour, French label). Thresholds 2.5 (under-served)
#: and 4 (vigilance: every class from 2.5 to 4) are those of the public debate on GP access
#: (DREES APL), and the same as the reports' text.
APL_CLASSES: list[tuple[float, str, str]] = [
    (2.5, "#b2182b", "moins de 2,5 (sous-dotée)"),
    (3.0, "#ef8a62", "2,5 à 3 (vigilance)"),
    (4.0, "#fddbc7", "3 à 4 (vigilance)"),
    (5.0, "#d1e5f0", "4 à 5"),
    (math.inf, "#4393c3", "5 et plus"),
]
NO_DATA_COLOUR = "#bdbdbd"

#: Classes of the residual map of the « Qualité du modèle » note: official APL − APL of the
#: calibrated model (consultations per standardised inhabitant and year), diverging around 0;
#: ±0.25 is about a tenth of the 2.5 threshold, ±1 the distance between 2.5 and the
#: vigilance band's middle.
RESIDUAL_CLASSES: list[tuple[float, str, str]] = [
    (-1.0, "#2166ac", "modèle plus haut de plus de 1"),
    (-0.25, "#67a9cf", "modèle plus haut de 0,25 à 1"),
    (0.25, "#f7f7f7", "résidu de moins de 0,25"),
    (1.0, "#ef8a62", "modèle plus bas de 0,25 à 1"),
    (math.inf, "#b2182b", "modèle plus bas de plus de 1"),
]


def js_classes(classes: list[tuple[float, str, str]] | None = None) -> list[list]:
    """Map classes for the map script: ``[upper or None, colour, label]`` (JSON-ready);
    default the APL classes.

    >>> js_classes()[0]
    [2.5, '#b2182b', 'moins de 2,5 (sous-dotée)']
    >>> js_classes(RESIDUAL_CLASSES)[-1][0] is None
    True
    """
    chosen = APL_CLASSES if classes is None else classes
    return [[None if u == math.inf else u, c, label] for u, c, label in chosen]


def communes_geojson(geometry: pd.DataFrame, values: pd.DataFrame, *, digits: int = 4) -> str:
    """GeoJSON FeatureCollection text of commune polygons with their properties.

    Parameters
    ----------
    geometry
        GeoDataFrame with ``code_insee`` and polygons in EPSG:4326.
    values
        DataFrame with ``code_insee`` and the properties to attach (all JSON-serialisable
        after NaN → null); the map script colours by one of them.
    digits
        Decimal places kept for coordinates (4 ≈ 10 m).
    """
    # deferred: shapely takes 0.15 s to import; only a map needs it
    import shapely

    merged = geometry.merge(values, on="code_insee", how="inner", validate="one_to_one")
    geoms = shapely.set_precision(merged.geometry.values, 10.0**-digits)
    features = []
    props = merged.drop(columns="geometry")
    for geom, row in zip(geoms, props.to_dict(orient="records"), strict=True):
        clean = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        features.append(
            {"type": "Feature", "properties": clean, "geometry": shapely.geometry.mapping(geom)}
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_default,
    ).replace("</", "<\\/")


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if value is pd.NA:
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass(frozen=True)
class LeafletAssets:
    """Inline Leaflet JavaScript and CSS, with its licence notice."""

    js: str
    css: str
    licence: str


@cache
def leaflet_assets() -> LeafletAssets:
    """Read the vendored Leaflet files (raises :class:`DataFileError` if missing)."""
    texts = []
    for name in ("leaflet.js", "leaflet.css", "LEAFLET-LICENSE.txt"):
        path = bundled_path(f"vendor/{name}")
        if not path.is_file():
            msg = "vendored Leaflet file is missing; reinstall proxisante"
            raise DataFileError(str(path), msg)
        texts.append(path.read_text(encoding="utf-8"))
    return LeafletAssets(*texts)
