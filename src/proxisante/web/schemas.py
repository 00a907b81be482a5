"""JSON shapes of the web API (pydantic models, shown in the OpenAPI page)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "CommuneAPL",
    "CommuneHomeCare",
    "HomeCareImpact",
    "MedicoSocialPlaces",
    "PreventionReach",
    "ScenarioImpact",
    "SearchHit",
    "TerritorySummary",
]


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
    #: class by the APL of GPs under 65, the zoning rule (« type ZIP (APL < 2,5) »…)
    zonage_2023: str | None = None
    #: where, in a French sentence (« au Havre », « à Avion »: :mod:`proxisante._fr`)
    a: str = ""


class TerritorySummary(BaseModel):
    selector: str
    label: str
    communes: int
    population_2021: float
    under_served_2023: float
    under_served_2022: float
    mean_apl_2023: float
    communes_list: list[CommuneAPL]
    under_served_zoning_2023: float = Field(
        0.0,
        description="inhabitants of communes whose APL of GPs under 65 is below 2.5 "
        "(the zoning rule, « type ZIP »)",
    )
    question: str = Field("", description="the question the territory's figures answer (French)")
    answer: str = Field("", description="its answer: inhabitants of under-served communes")


class ScenarioImpact(BaseModel):
    name: str
    method: str
    summary: dict[str, float]
    notes: list[str]
    communes: list[dict[str, Any]] = Field(description="communes whose APL changes")
    professions: list[dict[str, Any]] = Field(
        default_factory=list,
        description="nurses, physiotherapists, midwives, dentists: national access before/after "
        "(estimated, their unit) and the communes whose access changes most",
    )


class CommuneHomeCare(BaseModel):
    code_insee: str
    nom: str
    pop_75_plus: float | None = Field(
        description="inhabitants aged 75+ (estimated unless imported)"
    )
    nurses_before: float | None = Field(description="nurses within reach per 1,000 aged 75+")
    nurses_after: float | None
    nurse_under_before: bool | None = Field(description="below the nurse threshold (hypothèse)")
    nurse_under_after: bool | None
    ssiad_before: float | None = Field(description="SSIAD places within reach per 1,000 aged 75+")
    ssiad_after: float | None
    ssiad_under_before: bool | None
    ssiad_under_after: bool | None
    ssiad_unknown_before: int = Field(
        0, description="SSIAD within reach whose places are unknown (INSEE BPE count only)"
    )
    ssiad_unknown_after: int = 0
    centre_before: bool = Field(description="an open health centre within the cut-off")
    centre_after: bool


class PreventionReach(BaseModel):
    key: str
    label: str
    before: float
    after: float
    lost: float
    gained: float


class MedicoSocialPlaces(BaseModel):
    category: str = Field(description="ssiad, saad or ehpad")
    label: str
    sites_before: int
    places_before: float = Field(description="known places (sites of unknown capacity apart)")
    unknown_before: int = Field(description="sites whose capacity is unknown")
    sites_after: int
    places_after: float
    unknown_after: int


class HomeCareImpact(BaseModel):
    """Home care and prevention of a territory before/after a scenario; ``None`` values come
    with their reason (``ssiad_missing``, ``ssiad_rate_*_reason``, ``ssiad_*_text``)."""

    territoire: str
    cutoff_minutes: float
    pop_75_plus: float
    nurses_before: float | None
    nurses_after: float | None
    nurse_fte_change: float
    ssiad_before: float | None
    ssiad_after: float | None
    ssiad_missing: str
    ssiad_after_note: str
    ssiad_note: str = Field(
        "",
        description="« places inconnues … » or « minimum … » when SSIAD within reach are "
        "known by their number only (INSEE BPE 2021)",
    )
    ehpad_before: float | None = Field(
        None, description="EHPAD places within reach per 1,000 aged 75+"
    )
    ehpad_after: float | None = None
    ehpad_note: str = ""
    ehpad_france: float = Field(
        96.1, description="DREES national rate (EHPAD places per 1,000 aged 75+)"
    )
    ssiad_rate_before: float | None = Field(
        description="DREES SSIAD places per 1,000 aged 75+ of the territory (null: see the reason)"
    )
    ssiad_rate_after: float | None
    ssiad_rate_before_reason: str | None = Field(
        description="why ssiad_rate_before is null (no SSIAD in the offer, none of the "
        "territory, capacities or ages not loaded); null when it has a value"
    )
    ssiad_rate_after_reason: str | None
    ssiad_rate_before_text: str
    ssiad_rate_after_text: str
    nurse_threshold: float | None
    ssiad_threshold: float | None
    ssiad_france: float
    threshold_label: str
    estimated_ages: bool
    nurse_label: str
    estimate_sentence: str
    prevention: list[PreventionReach]
    medico_social: list[MedicoSocialPlaces] = Field(
        description="SSIAD, SAAD and EHPAD of the territory, before/after"
    )
    communes: list[CommuneHomeCare]
