"""« Qualité du modèle »: how well the calibrated model fits around a territory.

Data for the territory report's short note: the model's national fit figures (in-sample
and held out by département) and the residuals (model APL − official APL) of the
territory's communes and of the communes within 20 minutes of them (calibrated travel).
"""

from __future__ import annotations

import numpy as np

from proxisante.model.artefact import CalibratedModel, bundled_model
from proxisante.model.baseline import calibrated_baseline

__all__ = ["model_quality"]


def model_quality(codes, *, model: CalibratedModel | None = None, top: int = 5) -> dict:
    """Fit figures of the model and residuals of ``codes`` and their surroundings.

    Returns
    -------
    dict
        ``model_id``, ``year``, ``in_sample`` and ``held_out`` (national figures:
        ``r``, ``mae``, ``mae_pop``, ``same_side_2_5``, ``same_side_4``, ``n``),
        ``surroundings`` (``n_communes``, ``mae``, ``mean_residual``: model − official APL,
        consultations per standardised inhabitant, over the territory and the communes
        within 20 minutes), ``largest_residuals`` (up to ``top`` rows ``code_insee``,
        ``apl_official``, ``apl_model``, ``residual``), ``residuals`` (the same row for every
        commune of the surroundings, with ``in_territory``: for the residual map) and
        ``label`` (« estimé » wording).
    """
    model = model or bundled_model()
    base = calibrated_baseline(model)
    idx = base.index_of(list(codes))
    reach = base.catchment.weights_csc[:, idx]
    around = np.union1d(idx, np.unique(reach.tocoo().row))
    model_apl = base.model_apl
    assert model_apl is not None  # a calibrated baseline always carries the model's APL
    resid = model_apl[around] - base.baseline_apl[around]
    order = np.argsort(-np.abs(resid))[:top]
    figs = model.metadata["figures"]
    inside = np.isin(around, idx)

    def row(k: int) -> dict:
        return {
            "code_insee": str(base.codes[around[k]]),
            "apl_official": float(base.baseline_apl[around[k]]),
            "apl_model": float(model_apl[around[k]]),
            "residual": float(resid[k]),
        }

    return {
        "model_id": model.model_id,
        "year": model.year,
        "in_sample": figs["in_sample"],
        "held_out": figs.get("held_out"),
        "surroundings": {
            "n_communes": len(around),
            "mae": float(np.abs(resid).mean()) if len(around) else float("nan"),
            "mean_residual": float(resid.mean()) if len(around) else float("nan"),
        },
        "largest_residuals": [row(k) for k in order],
        "residuals": [{**row(k), "in_territory": bool(inside[k])} for k in range(len(around))],
        "label": (
            "Effets de scénario estimés dans un modèle calibré sur l'APL officielle "
            f"{model.year} (offre et temps de trajet estimés)"
        ),
    }
