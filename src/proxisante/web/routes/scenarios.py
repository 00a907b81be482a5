"""Scenarios (token): evaluate, save and list the stored scenarios.

Bodies are UTF-8 JSON (:class:`~proxisante.web.guards.Utf8JsonRoute`). Evaluations run in
the :class:`~proxisante.web.evaluation.Evaluator`'s worker processes, not on the request
threads; a scenario's home care (needs layer, cached by the context) runs on a
worker thread; saves are serialised by the context's write lock.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool

from proxisante.web.context import WebContext, get_context, require_token
from proxisante.web.guards import Utf8JsonRoute, selector_text
from proxisante.web.schemas import HomeCareImpact, ScenarioImpact
from proxisante.workspace import parse_scenario

__all__ = ["router"]

router = APIRouter(dependencies=[Depends(require_token)], route_class=Utf8JsonRoute)
Context = Annotated[WebContext, Depends(get_context)]


@router.post("/api/scenarios/evaluate", response_model=ScenarioImpact)
async def evaluate_scenario(scenario: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Evaluate a scenario (same JSON as the YAML files); returns the changed communes."""

    sc = parse_scenario(scenario)
    return await ctx.evaluator.evaluate(json.dumps(sc.model_dump(mode="json"), sort_keys=True))


@router.post("/api/scenarios/home-care", response_model=HomeCareImpact)
async def scenario_home_care(scenario: dict[str, Any], territory: str, ctx: Context) -> dict:
    """Home care and prevention of ``territory`` before and after a scenario: nurses and SSIAD
    places within 20 minutes per 1,000 inhabitants aged 75+ (estimated, with the
    under-served thresholds, « hypothèse »), the DREES SSIAD rate, the prevention target
    populations within reach of an open health centre, per commune and for the territory;
    a value not available comes with its reason."""

    sc = parse_scenario(scenario)
    key = json.dumps(sc.model_dump(mode="json"), sort_keys=True)
    return await run_in_threadpool(ctx.home_care, key, selector_text(territory))


@router.post("/api/scenarios", status_code=201)
def save_scenario(scenario: dict[str, Any], ctx: Context) -> dict[str, str]:
    """Validate and save a scenario in the store (one transaction; the last save of a name
    wins)."""

    if not ctx.has_store:
        raise HTTPException(403, "saving scenarios needs a store: start the server with --store")
    sc = parse_scenario(scenario)
    with ctx.write_lock:
        ctx.workspace.save_scenario(sc, overwrite=True)
    return {"saved": sc.name}


@router.get("/api/scenarios")
def list_scenarios(ctx: Context) -> list[str]:
    """Names of the stored scenarios."""
    if not ctx.has_store:
        return []
    return [r[0] for r in ctx.workspace.scenario_names()]
