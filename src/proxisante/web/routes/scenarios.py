"""Scenarios: evaluate (token), save (token) and list the stored scenarios."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from proxisante.web.context import WebContext, get_context, require_token
from proxisante.web.schemas import ScenarioImpact

__all__ = ["router"]

router = APIRouter()
Context = Annotated[WebContext, Depends(get_context)]


@router.post(
    "/api/scenarios/evaluate", response_model=ScenarioImpact, dependencies=[Depends(require_token)]
)
def evaluate_scenario(scenario: dict[str, Any], ctx: Context) -> ScenarioImpact:
    """Evaluate a scenario (same JSON as the YAML files); returns the changed communes."""
    from proxisante.scenarios import parse_scenario

    sc = parse_scenario(scenario)
    return ctx.evaluate_json(json.dumps(sc.model_dump(mode="json"), sort_keys=True))


@router.post("/api/scenarios", status_code=201, dependencies=[Depends(require_token)])
def save_scenario(scenario: dict[str, Any], ctx: Context) -> dict[str, str]:
    """Validate and save a scenario in the store (one transaction)."""
    from proxisante.scenarios import parse_scenario

    if not ctx.has_store:
        raise HTTPException(403, "saving scenarios needs a store: start the server with --store")
    sc = parse_scenario(scenario)
    ctx.workspace.save_scenario(sc, overwrite=True)
    return {"saved": sc.name}


@router.get("/api/scenarios")
def list_scenarios(ctx: Context) -> list[str]:
    """Names of the stored scenarios."""
    if not ctx.has_store:
        return []
    return [r[0] for r in ctx.workspace.scenario_names()]
