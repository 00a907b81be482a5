"""« Qualité du modèle »: how well the calibrated model fits around a territory.

Data for the territory report's short note: the model's national fit figures (in-sample
and held out by département) and the residuals (official APL − model APL: official = model
+ residual) of the territory's communes and of the communes within 20 minutes of them
(calibrated travel).
"""

from __future__ import annotations

import numpy as np

from proxisante import _fr as fr
from proxisante.access import EvaluationBaseline
from proxisante.model.artefact import CalibratedModel, bundled_model
from proxisante.model.baseline import baseline_model, calibrated_baseline

__all__ = ["effects_note_fr", "model_quality"]


def effects_note_fr(baseline: EvaluationBaseline) -> str:
    """French sentence stating in which world effects are computed and how well it fits.

    On a calibrated baseline: « estimé », the model id, its national fit to the official APL
    (correlation and mean absolute error, in-sample and held out by département), the rule
    of every supply change (:meth:`~proxisante.access.EvaluationBaseline.apl_after`) and the
    ensemble behind the ranges. On the official baseline alone: the marginal-effect method.
    """
    if not baseline.calibrated:
        return (
            f"Effets calculés sur l'APL officielle DREES {baseline.year} par les effets "
            "marginaux exacts du moteur (temps de trajet estimés par proxisante), sans "
            "modèle calibré."
        )
    text = (
        f"Effets estimés (« estimé ») dans le modèle calibré {baseline.model_id} : offre de "
        "médecins généralistes par commune et temps de trajet estimés, ajustés sur l'APL "
        f"officielle DREES {baseline.year} ; l'APL affichée part de l'APL officielle, à "
        "laquelle s'ajoute la variation d'APL du modèle (même règle pour une perte et un gain)"
    )
    model = baseline_model(baseline)
    figs = {} if model is None else model.metadata.get("figures", {})
    fit = []
    labels = {"in_sample": "sur l'échantillon",
              "held_out": "hors échantillon (départements retirés de l'ajustement)"}  # fmt: skip
    for key, label in labels.items():
        f = figs.get(key)
        if f:
            fit.append(f"corrélation {fr.fmt_dec(f['r'], 2)} et écart absolu moyen "
                       f"{fr.fmt_dec(f['mae'], 2)} {label}")  # fmt: skip
    if fit:
        text += " ; qualité de l'ajustement à l'APL officielle : " + ", ".join(fit)
    if baseline.members:
        text += (f" ; fourchettes P10–P90 sur le modèle central et les {len(baseline.members)} "
                 "membres de son ensemble")  # fmt: skip
    return text + "."


def model_quality(codes, *, model: CalibratedModel | None = None, top: int = 5) -> dict:
    """Fit figures of the model and residuals of ``codes`` and their surroundings.

    Returns
    -------
    dict
        ``model_id``, ``year``, ``in_sample`` and ``held_out`` (national figures:
        ``r``, ``mae``, ``mae_pop``, ``same_side_2_5``, ``same_side_4``, ``n``),
        ``coverage_held_out`` (share of communes whose official APL lies in the held-out
        P10–P90; None if not run) and ``members`` (the ensemble's size),
        ``surroundings`` (``n_communes``, ``mae``, ``mean_residual``: official − model APL,
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
    resid = base.baseline_apl[around] - model_apl[around]
    order = np.argsort(-np.abs(resid))[:top]
    figs = model.metadata["figures"]
    inside = np.isin(around, idx)

    def row(k: int) -> dict:
        return {
            "code_insee": str(base.codes[around[k]]),
            "apl_official": float(base.baseline_apl[around[k]]),
            "apl_model": float(model_apl[around[k]]),
            "residual": float(resid[k]),  # official = model + residual
        }

    return {
        "model_id": model.model_id,
        "year": model.year,
        "in_sample": figs["in_sample"],
        "held_out": figs.get("held_out"),
        "coverage_held_out": figs.get("coverage_held_out"),
        "members": len(model.members),
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
