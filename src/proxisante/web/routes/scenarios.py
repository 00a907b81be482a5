"""Scenarios (token): evaluate, save and list the stored scenarios.

Evaluations run in the :class:`~proxisante.web.evaluation.Evaluator`'s worker processes, not
on the request threads; saves are serialised by the context's write lock.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from proxisante.web.context import WebContext, get_context, require_token
from proxisante.web.schemas import ScenarioImpact

__all__ = ["router"]

router = APIRouter(dependencies=[Depends(require_token)])
Context = Annotated[WebContext, Depends(get_context)]


@router.post("/api/scenarios/evaluate", response_model=ScenarioImpact)
async def evaluate_scenario(scenario: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Evaluate a scenario (same JSON as the YAML files); returns the changed communes."""
    from proxisante.scenarios import parse_scenario

    sc = parse_scenario(scenario)
    return await ctx.evaluator.evaluate(json.dumps(sc.model_dump(mode="json"), sort_keys=True))


@router.post("/api/scenarios", status_code=201)
def save_scenario(scenario: dict[str, Any], ctx: Context) -> dict[str, str]:
    """Validate and save a scenario in the store (one transaction; the last save of a name
    wins)."""
    from proxisante.scenarios import parse_scenario

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
