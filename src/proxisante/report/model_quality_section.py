"""French report section « Qualité du modèle »: how far the calibrated model is from the
official APL, nationally and around the territory.

Renders what it is given (:func:`proxisante.model.model_quality`, with commune names added by
:meth:`proxisante.workspace.Workspace.model_quality`); the method is docs/calibration.md.
"""

from __future__ import annotations

import pandas as pd

from proxisante.report._jinja import environment
from proxisante.report.maps import NO_DATA_COLOUR, RESIDUAL_CLASSES, communes_geojson, js_classes
from proxisante.report.territory_report import ReportSection
from proxisante.territory import load_commune_geometry

__all__ = ["MODEL_QUALITY_TITLE", "model_quality_section"]

MODEL_QUALITY_TITLE = "Qualité du modèle"


def model_quality_section(quality: dict) -> ReportSection:
    """Build the section.

    Parameters
    ----------
    quality
        :func:`proxisante.model.model_quality` of the territory's communes: national fit
        figures (``in_sample``, ``held_out``), ``surroundings`` and ``largest_residuals``
        (rows may carry the commune's ``nom``), ``residuals`` (optional: every commune of
        the surroundings, drawn as a residual map), ``travel`` (optional: speeds in km/h and
        detour of the offline travel model).
    """
    geojson = None
    if quality.get("residuals"):
        rows = pd.DataFrame(quality["residuals"])
        if "nom" not in rows:
            rows["nom"] = rows["code_insee"]
        props = rows[["code_insee", "nom", "apl_official", "apl_model", "residual"]].assign(
            dans_territoire=rows["in_territory"].astype(bool)
        )
        geojson = communes_geojson(load_commune_geometry(props["code_insee"]), props)
    html = (
        environment()
        .get_template("model_quality_section.html.j2")
        .render(
            q=quality,
            geojson=geojson,
            js_classes=js_classes(RESIDUAL_CLASSES),
            no_data=NO_DATA_COLOUR,
        )
    )
    sources = [
        f"APL officielle {quality['year']} : DREES, indicateur d'accessibilité potentielle "
        "localisée aux médecins généralistes.",
        f"Modèle calibré {quality['model_id']} (proxisante, docs/calibration.md) : offre de "
        "médecins généralistes par commune et temps de trajet estimés ; a priori INSEE BPE "
        "2017 et effectifs départementaux INSEE 2024.",
    ]
    return ReportSection(
        title=MODEL_QUALITY_TITLE, html=html, sources=sources, anchor="qualite-modele"
    )
