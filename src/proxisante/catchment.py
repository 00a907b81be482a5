"""The catchment of local access: the 20-minute limit and the DREES APL distance steps.

Every package reads the limit and the steps from here: the APL decay
(:data:`proxisante.access.decay.DREES_APL_STEP`), the home-care measures
(:data:`proxisante.needs.home_care.DEFAULT_CUTOFF_MINUTES`), the neighbours of a small
territory (:data:`proxisante.workspace.workspace.NEIGHBOUR_MINUTES`), the plan's and the
reports' French wording and the web page (served with the page by
:func:`proxisante.web.routes.pages.index`).

Source: DREES, workbook ``apl_generalistes.xlsx``, sheet "Paramètres": weight 1 for
"< 10 min", 2/3 for "10–15 min", 1/3 for "15–20 min", 0 for "> 20 min" (Barlet, Coldefy,
Collin, Lucas-Gabrielli 2012, DREES Études et Résultats n°795).

>>> CATCHMENT_MINUTES, DREES_STEP_UPPERS_MINUTES[-1]
(20.0, 20.0)
>>> WITHIN_CATCHMENT_FR
'à moins de 20 minutes'
"""

from __future__ import annotations

__all__ = [
    "CATCHMENT_MINUTES",
    "DREES_STEP_UPPERS_MINUTES",
    "DREES_STEP_WEIGHTS",
    "WITHIN_CATCHMENT_FR",
    "WITHIN_CATCHMENT_SHORT_FR",
]

#: Car time beyond which DREES counts no access (minutes): the APL catchment, and the
#: travel a home-care nurse or SSIAD team makes to the patient.
CATCHMENT_MINUTES = 20.0
#: Upper bounds of the DREES APL distance steps (minutes); the last one is the catchment.
DREES_STEP_UPPERS_MINUTES = (10.0, 15.0, CATCHMENT_MINUTES)
#: Weight of each DREES step (1, 2/3, 1/3; 0 beyond the catchment).
DREES_STEP_WEIGHTS = (1.0, 2.0 / 3.0, 1.0 / 3.0)
#: The catchment in the reports' and the page's French (« à moins de 20 minutes »).
WITHIN_CATCHMENT_FR = f"à moins de {CATCHMENT_MINUTES:g} minutes"
#: The same in table units (« à moins de 20 min »).
WITHIN_CATCHMENT_SHORT_FR = f"à moins de {CATCHMENT_MINUTES:g} min"
