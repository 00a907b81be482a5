"""The plan of a territory against the world without a COG, for its web page.

:func:`plan_versus_json` solves the plan of ``plan cog -t SELECTOR`` (same workspace
method, :meth:`~proxisante.workspace.Workspace.cog_plan`, same default budget, operator
and objective; no budget scenarios nor ±20 % variants) with a short solver time limit and
returns its per-year comparison (:func:`proxisante.plan.compare.versus_no_cog`), the
report's chart (:func:`proxisante.report.versus_chart`) and the plan's sources.

A plan is solved by one request at a time (:class:`PlanGate`): another request gets
HTTP 503 with ``Retry-After`` rather than a queue of solves on a small server; territories
above :data:`MAX_PLAN_COMMUNES` communes are refused before anything is built.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from typing import Any

from fastapi import HTTPException

from proxisante._fr import fmt_int
from proxisante.report import VERSUS_NOTE_FR, versus_chart
from proxisante.workspace import DEFAULT_BUDGET_BASIS_FR, Workspace, default_budgets

__all__ = [
    "MAX_PLAN_COMMUNES",
    "MAX_PLAN_YEARS",
    "PLAN_TIME_LIMIT_S",
    "PlanGate",
    "plan_versus_json",
]

#: Solver time limit of a web plan, seconds (``plan cog`` defaults to 60).
PLAN_TIME_LIMIT_S = 10.0
#: Largest territory planned on a web request, in communes: every département fits (the
#: largest, Pas-de-Calais, 887 communes, answered in 7–12 s cold on 2 shared cores; the
#: time is mostly the model world and the solver limit); larger: ``plan cog``.
MAX_PLAN_COMMUNES = 1_000
#: Most years of a web plan (``plan cog`` accepts more).
MAX_PLAN_YEARS = 8
#: The operator whose centres the web plan reinforces first (``plan cog``'s default).
PLAN_OPERATOR = "filieris"


class PlanGate:
    """At most one plan solved at a time; a second request is refused (HTTP 503)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> PlanGate:
        if not self._lock.acquire(blocking=False):
            raise HTTPException(
                503, "Un autre plan est en cours de calcul sur ce serveur ; réessayez dans "
                "quelques secondes.", headers={"Retry-After": "10"},
            )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _plain(value: Any) -> Any:
    """A JSON value: NaN → ``None``, numpy scalars → Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def plan_versus_json(ws: Workspace, selector: str, from_year: int, to_year: int,
                     gate: PlanGate) -> dict[str, Any]:  # fmt: skip
    """The plan of ``selector`` from ``from_year`` to ``to_year`` against no COG (JSON).

    Raises
    ------
    fastapi.HTTPException
        422 above :data:`MAX_PLAN_COMMUNES` communes or :data:`MAX_PLAN_YEARS` years, or
        without any candidate site; 503 while another plan is solved.
    proxisante.errors.InputError
        Years out of bounds or in the wrong order (HTTP 400 by the app's handlers).
    """
    budgets = default_budgets(from_year, to_year, where="from/to")
    if len(budgets) > MAX_PLAN_YEARS:
        raise HTTPException(422, f"Au plus {MAX_PLAN_YEARS} années de plan en ligne ; "
                            f"{len(budgets)} demandées ({from_year}–{to_year}).")  # fmt: skip
    territory = ws.territory(selector)
    if len(territory) > MAX_PLAN_COMMUNES:
        raise HTTPException(422, (
            f"Territoire trop grand pour un calcul en ligne : {fmt_int(len(territory))} "
            f"communes, au plus {fmt_int(MAX_PLAN_COMMUNES)}. Calculez ce plan avec la commande "
            f"« proxisante plan cog -t {selector} » (rapport xlsx et HTML)."))  # fmt: skip
    with gate:
        started = time.perf_counter()
        inst = ws.plan_instance(territory, budgets_eur=budgets, operator=PLAN_OPERATOR)
        if inst.n_candidates == 0:
            raise HTTPException(422, (
                "Aucun site candidat dans ce territoire (ni centre de l'opérateur, ni commune "
                "retenue par la règle : pôle ou bourg, un médecin présent, 5 000 habitants à "
                "15 minutes) : pas de plan à calculer ; essayez l'intercommunalité ou le "
                "département."))  # fmt: skip
        inst = dataclasses.replace(inst, budget_basis_fr=DEFAULT_BUDGET_BASIS_FR)
        plan = ws.cog_plan(inst, territory, time_limit_s=PLAN_TIME_LIMIT_S)
        seconds = time.perf_counter() - started
    v = plan.versus
    rows = [{k: _plain(x) for k, x in r.items()} for r in v.to_dict("records")]
    sources = [{k: _plain(x) for k, x in r.items()} for r in plan.assumptions.to_dict("records")]
    return {
        "selector": selector, "territoire": territory.label, "communes": len(territory),
        "annees": list(range(from_year, to_year + 1)), "colonnes": list(v.columns),
        "lignes": rows, "graphique_svg": versus_chart(v), "note": VERSUS_NOTE_FR,
        "notes": list(plan.notes), "sources": sources,
        "methode": (f"plan « plan cog -t {selector} » : opérateur {PLAN_OPERATOR}, objectif "
                    f"déficit, budget par défaut ; solveur limité à "
                    f"{PLAN_TIME_LIMIT_S:.0f} s ; {plan.comparison}"),
        "calcul_s": round(seconds, 2),
    }  # fmt: skip
