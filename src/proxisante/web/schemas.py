"""JSON shapes of the web API (pydantic models, shown in the OpenAPI page)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["CommuneAPL", "ScenarioImpact", "SearchHit", "TerritorySummary"]


class SearchHit(BaseModel):
    selector: str
    label: str
    kind: str = Field(description="commune, epci, dep, reg, circo, operator or site")
    exact: bool = Field(False, description="the name or code matched exactly")


class CommuneAPL(BaseModel):
    code_insee: str
    nom: str
    population: float | None
    apl_2023: float | None
    apl_2022: float | None
    sous_dote_2023: bool | None


class TerritorySummary(BaseModel):
    selector: str
    label: str
    communes: int
    population_2021: float
    under_served_2023: float
    under_served_2022: float
    mean_apl_2023: float
    communes_list: list[CommuneAPL]


class ScenarioImpact(BaseModel):
    name: str
    method: str
    summary: dict[str, float]
    notes: list[str]
    communes: list[dict[str, Any]] = Field(description="communes whose APL changes")
