"""JSON of a scenario's home-care and prevention before/after for the web editor.

Shapes :class:`proxisante.needs.HomeCareChange` (computed by
:meth:`proxisante.workspace.Workspace.scenario_home_care`) for
``POST /api/scenarios/home-care``: the territory's figures and each commune's, with the
under-served thresholds (« hypothèse ») and French labels, and the reason wherever a value
is not available — never a bare "n/a", never a silent 0.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from proxisante.workspace import (
    EHPAD_FRANCE_PER_1000,
    ESTIMATE_SENTENCE_FR,
    PREVENTION_TARGETS,
    SSIAD_FRANCE_PER_1000,
    UNDER_SERVED_FRACTION,
)

__all__ = ["home_care_json"]

#: Labels shown with the figures (the same words as the CLI and the HTML report).
ESTIMATED = "estimé"
ASSUMPTION = "hypothèse"


def _num(x) -> float | None:
    """A JSON number, or None for a missing value (the reason is given beside it)."""
    if x is None or pd.isna(x):
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _flag(x) -> bool | None:
    """A JSON boolean, or None where the measure is not available."""
    return None if pd.isna(x) else bool(x)


def home_care_json(change, *, label: str, names: dict[str, str]) -> dict[str, Any]:
    """The web answer for a :class:`~proxisante.needs.HomeCareChange` of a territory.

    Parameters
    ----------
    change
        Home care and prevention before/after of the territory's communes.
    label
        The territory's name.
    names
        INSEE code → commune name.
    """

    rate_before, rate_after = change.ssiad_rate
    half = f"{UNDER_SERVED_FRACTION:.0%}".replace("%", " %")
    return {
        "territoire": label,
        "cutoff_minutes": change.cutoff_minutes,
        "pop_75_plus": change.pop_75_plus,
        "nurses_before": _num(change.nurses_before),
        "nurses_after": _num(change.nurses_after),
        "nurse_fte_change": change.nurse_fte_change,
        "ssiad_before": _num(change.ssiad_before),
        "ssiad_after": _num(change.ssiad_after),
        # why a value is missing: no SSIAD, or services whose places no source gives
        "ssiad_missing": change.ssiad_missing or change.ssiad_note,
        # a value counting known places only, while services of unknown places are in reach
        "ssiad_after_note": change.ssiad_after_note
        or (change.ssiad_note if not pd.isna(change.ssiad_after) else ""),
        "ssiad_note": change.ssiad_note,
        "ehpad_before": _num(change.ehpad_before),
        "ehpad_after": _num(change.ehpad_after),
        "ehpad_note": change.ehpad_note,
        "ehpad_france": EHPAD_FRANCE_PER_1000,
        "ssiad_rate_before": _num(rate_before.per_1000),
        "ssiad_rate_after": _num(rate_after.per_1000),
        "ssiad_rate_before_reason": rate_before.missing or None,
        "ssiad_rate_after_reason": rate_after.missing or None,
        "ssiad_rate_before_text": rate_before.text_fr(),
        "ssiad_rate_after_text": rate_after.text_fr(),
        "nurse_threshold": _num(change.nurse_threshold),
        "ssiad_threshold": _num(change.ssiad_threshold),
        "ssiad_france": SSIAD_FRANCE_PER_1000,
        "threshold_label": (
            f"{ASSUMPTION} : en dessous de {half} de la référence nationale "
            "(aucun seuil officiel pour ces mesures)"
        ),
        "estimated_ages": change.estimated_ages,
        "nurse_label": ESTIMATED,
        "estimate_sentence": ESTIMATE_SENTENCE_FR.format(cutoff=change.cutoff_minutes),
        "prevention": _prevention_rows(change.prevention),
        "medico_social": _medico_social_rows(change.medico_social),
        "communes": _commune_rows(change.communes, names),
    }


def _commune_rows(c, names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per commune of the territory, before/after."""
    return [
        {
            "code_insee": code,
            "nom": names.get(code, ""),
            "pop_75_plus": _num(r.pop_75_plus),
            "nurses_before": _num(r.nurses_before),
            "nurses_after": _num(r.nurses_after),
            "nurse_under_before": _flag(r.nurse_under_before),
            "nurse_under_after": _flag(r.nurse_under_after),
            "ssiad_before": _num(r.ssiad_before),
            "ssiad_after": _num(r.ssiad_after),
            "ssiad_under_before": _flag(r.ssiad_under_before),
            "ssiad_under_after": _flag(r.ssiad_under_after),
            "ssiad_unknown_before": int(getattr(r, "ssiad_unknown_before", 0) or 0),
            "ssiad_unknown_after": int(getattr(r, "ssiad_unknown_after", 0) or 0),
            "centre_before": bool(r.centre_before),
            "centre_after": bool(r.centre_after),
        }
        for code, r in zip(c.index, c.itertuples(index=False), strict=True)
    ]


def _prevention_rows(prevention) -> list[dict[str, Any]]:
    """Prevention targets within reach of a health centre, before/after."""
    labels = {t.key: t.label_fr for t in PREVENTION_TARGETS}
    return [
        {
            "key": key,
            "label": labels.get(key, key),
            "before": float(row["before"]),
            "after": float(row["after"]),
            "lost": float(row["lost"]),
            "gained": float(row["gained"]),
        }
        for key, row in prevention.iterrows()
    ]


def _medico_social_rows(medico_social) -> list[dict[str, Any]]:
    """SSIAD, SAAD and EHPAD sites and places of the territory, before/after."""
    return [
        {
            "category": cat,
            "label": r.label,
            "sites_before": int(r.sites_before),
            "places_before": float(r.places_before),
            "unknown_before": int(r.unknown_capacity_before),
            "sites_after": int(r.sites_after),
            "places_after": float(r.places_after),
            "unknown_after": int(r.unknown_capacity_after),
        }
        for cat, r in medico_social.iterrows()
    ]
