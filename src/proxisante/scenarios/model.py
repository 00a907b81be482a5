"""Scenario model: a named list of edits of the health offer or of the population.

A scenario is data (pydantic-validated, saved in the store, exported/imported as YAML or
JSON); evaluating it is :mod:`proxisante.scenarios.impact`'s job.

Edit kinds (field ``kind``):

``close_sites``
    Close sites (by site id, e.g. FINESS number): their staff leave.
``open_site``
    Open a site in a commune with FTE by profession.
``change_staff``
    Add/remove FTE (``delta_fte``) or set FTE (``fte``) of a profession at a site, or set its
    yearly activity in consultations (``activity_consultations``).
``change_capacity``
    Set (``capacity_places``) or change (``delta_places``) the authorised places of a site
    (SSIAD, EHPAD): home-care indicators follow.
``retirements``
    Professionals aged at least ``age_at_least`` in ``year`` leave (all, or a ``share``).
``departures``
    ``count`` professionals of a ``profession`` stop practising in a ``commune`` (by
    headcount: « 2 infirmiers partent à la retraite à Loison-sous-Lens »).
``operator_exit``
    All sites of an operator in a territory close (``action: close``: activity dropped, staff
    and places lost) or are transferred to another operator (``action: transfer``: sites kept
    with their staff and places): the network break-up case, or a change of operator such as
    a CNAM–CANSSM cooperation.
``population_change``
    Multiply the population of a territory's communes by ``factor`` (needs a full recompute).
``population_projection``
    Projected population of communes or départements in a ``year`` (e.g. read from a
    projection file with :func:`proxisante.scenarios.projection.read_population_projection`):
    each commune's population is multiplied by projected ÷ current (needs a full recompute).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from proxisante.bounds import PARAMETERS, validator
from proxisante.errors import InputError
from proxisante.professions import PROFESSION_CODES, get_profession

__all__ = [
    "MAX_CONSULTATIONS",
    "MAX_EDITS",
    "MAX_FTE",
    "MAX_HEADCOUNT",
    "MAX_PLACES",
    "MAX_POPULATION",
    "MAX_SITES",
    "PROFESSIONS",
    "ChangeCapacity",
    "ChangeStaff",
    "CloseSites",
    "Departures",
    "Edit",
    "OpenSite",
    "OperatorExit",
    "PopulationChange",
    "PopulationProjection",
    "Retirements",
    "Scenario",
]

#: Bounds of a scenario's values (far above any real case; NaN and infinities are refused),
#: from the one table of bounds (:data:`proxisante.bounds.PARAMETERS`): numbers must be
#: numbers (no text, no boolean), checked by :func:`proxisante.bounds.check`.
MAX_FTE = PARAMETERS["fte"].high
MAX_PLACES = int(PARAMETERS["capacity_places"].high)
MAX_CONSULTATIONS = PARAMETERS["activity_consultations"].high
MAX_POPULATION = PARAMETERS["population"].high
MAX_HEADCOUNT = int(PARAMETERS["departures_count"].high)
MAX_SITES = 100_000

#: Strict numbers bounded by their row of the table (no text, no boolean, in range).
OpenFte = Annotated[float, Strict(), validator("open_fte")]
Places = Annotated[int, Strict(), validator("capacity_places")]
DeltaFte = Annotated[float, Strict(), validator("delta_fte")]
Fte = Annotated[float, Strict(), validator("fte")]
Consultations = Annotated[float, Strict(), validator("activity_consultations")]
DeltaPlaces = Annotated[int, Strict(), validator("delta_places")]
AgeAtLeast = Annotated[int, Strict(), validator("age_at_least")]
RetirementYear = Annotated[int, Strict(), validator("scenario_year")]
Share = Annotated[float, Strict(), validator("retirement_share")]
Factor = Annotated[float, Strict(), validator("population_factor")]
ProjectionYear = Annotated[int, Strict(), validator("projection_year")]
Population = Annotated[float, Strict(), validator("population")]
Headcount = Annotated[int, Strict(), validator("departures_count")]
MAX_EDITS = 10_000

#: Professions known to scenarios (the codes of the profession registry).
PROFESSIONS = PROFESSION_CODES


def _profession_code(value: object) -> str:
    """The registry code of a profession named by its code or an alias (``physio``…)."""
    if not isinstance(value, str):
        msg = f"profession must be text, one of {', '.join(PROFESSION_CODES)}"
        raise ValueError(msg)
    try:
        return get_profession(value).code
    except InputError as exc:
        raise ValueError(str(exc)) from None


#: A profession code of :data:`PROFESSIONS`; aliases (``physio``, ``kine``…) are accepted.
Profession = Annotated[str, BeforeValidator(_profession_code)]
Category = Literal[
    "centre_de_sante", "maison_de_sante", "cpts", "ssiad", "saad", "ehpad",
    "elderly_residential", "smr", "usld", "hospital", "accueil_de_jour", "other",
]  # fmt: skip


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    note: str = Field(
        "", max_length=2000, description="Free text shown in reports (why this edit)."
    )


class CloseSites(_Edit):
    """Close one or several sites: every professional of these sites leaves."""

    kind: Literal["close_sites"] = "close_sites"
    sites: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=MAX_SITES, description="Site ids (FINESS établissement numbers)."
    )

    @field_validator("sites")
    @classmethod
    def _unique(cls, sites: list[str]) -> list[str]:
        counts = Counter(sites)  # linear: 100,000 ids are checked at once
        dup = sorted(s for s, n in counts.items() if n > 1)[:10]
        if dup:
            msg = f"sites listed twice: {dup}"
            raise ValueError(msg)
        return sites


class OpenSite(_Edit):
    """Open a new site in a commune with a staff in FTE by profession."""

    kind: Literal["open_site"] = "open_site"
    site: str = Field(min_length=1, description="Id of the new site (free, must be new).")
    name: str = Field(min_length=1)
    commune: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$", description="INSEE commune code.")
    operator: str = "filieris"
    category: Category = Field("centre_de_sante", description="Site category.")
    fte: dict[Profession, OpenFte] = Field(min_length=1)
    capacity_places: Places | None = Field(
        None, description="Authorised places (SSIAD, EHPAD), when the site has any."
    )


class ChangeStaff(_Edit):
    """Change the FTE (by ``delta_fte`` or to ``fte``) or the activity of a profession at a site."""

    kind: Literal["change_staff"] = "change_staff"
    site: str = Field(min_length=1)
    profession: Profession
    delta_fte: DeltaFte | None = None
    fte: Fte | None = None
    activity_consultations: Consultations | None = None

    @model_validator(mode="after")
    def _one_change(self) -> ChangeStaff:
        given = [
            k
            for k in ("delta_fte", "fte", "activity_consultations")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            msg = (
                "give exactly one of delta_fte, fte, activity_consultations "
                f"(got {given or 'none'})"
            )
            raise ValueError(msg)
        if self.delta_fte == 0:
            msg = "delta_fte is 0: the edit changes nothing"
            raise ValueError(msg)
        return self


class ChangeCapacity(_Edit):
    """Set (``capacity_places``) or change (``delta_places``) the authorised places of a site."""

    kind: Literal["change_capacity"] = "change_capacity"
    site: str = Field(min_length=1)
    capacity_places: Places | None = None
    delta_places: DeltaPlaces | None = None

    @model_validator(mode="after")
    def _one_change(self) -> ChangeCapacity:
        if (self.capacity_places is None) == (self.delta_places is None):
            msg = "give exactly one of capacity_places or delta_places"
            raise ValueError(msg)
        if self.delta_places == 0:
            msg = "delta_places is 0: the edit changes nothing"
            raise ValueError(msg)
        return self


class Retirements(_Edit):
    """Professionals aged at least ``age_at_least`` in ``year`` leave (or a ``share`` of them)."""

    kind: Literal["retirements"] = "retirements"
    profession: Profession = "gp"
    age_at_least: AgeAtLeast = 65
    year: RetirementYear = 2025
    share: Share = 1.0


class Departures(_Edit):
    """``count`` professionals of ``profession`` stop practising in ``commune`` (retirement or
    departure, not replaced), by headcount.

    Each counts the profession's FTE per headcount (1, :mod:`proxisante.professions`); the
    count cannot exceed the professionals known in the commune (INSEE BPE 2021 libéral
    headcount plus the offer's staff there), less those an earlier edit took away.
    """

    kind: Literal["departures"] = "departures"
    commune: str = Field(pattern=r"^(\d{5}|2[AB]\d{3})$", description="INSEE commune code.")
    profession: Profession = "gp"
    count: Headcount = Field(description="Number of professionals leaving (headcount).")


class OperatorExit(_Edit):
    """An operator's sites in a territory close or are transferred (network break-up)."""

    kind: Literal["operator_exit"] = "operator_exit"
    operator: str = Field(min_length=1, description="Operator, e.g. 'filieris'.")
    territory: str = Field(min_length=1, description="Territory selector, e.g. 'dep:62'.")
    action: Literal["close", "transfer"] = "close"
    to_operator: str | None = None

    @model_validator(mode="after")
    def _transfer_target(self) -> OperatorExit:
        if self.action == "transfer" and not self.to_operator:
            msg = "action 'transfer' needs to_operator"
            raise ValueError(msg)
        if self.action == "close" and self.to_operator:
            msg = "to_operator is only meaningful with action 'transfer'"
            raise ValueError(msg)
        return self


class PopulationChange(_Edit):
    """Multiply the population of a territory's communes by ``factor``."""

    kind: Literal["population_change"] = "population_change"
    territory: str = Field(min_length=1)
    factor: Factor


class PopulationProjection(_Edit):
    """Projected population by commune (5-character INSEE codes) or by département."""

    kind: Literal["population_projection"] = "population_projection"
    year: ProjectionYear
    level: Literal["commune", "departement"] = "commune"
    populations: dict[str, Population] = Field(
        min_length=1, description="Code → projected population (inhabitants)."
    )
    source: str = Field("", description="Where the projection comes from (file, producer).")

    @model_validator(mode="after")
    def _codes_fit_level(self) -> PopulationProjection:
        pattern = r"^(\d{5}|2[AB]\d{3})$" if self.level == "commune" else r"^(\d{2,3}|2[AB])$"
        bad = [c for c in self.populations if not re.fullmatch(pattern, c)][:5]
        if bad:
            expected = "INSEE commune codes" if self.level == "commune" else "département codes"
            msg = f"codes {bad} are not {expected} (level '{self.level}')"
            raise ValueError(msg)
        return self


Edit = Annotated[
    CloseSites
    | OpenSite
    | ChangeStaff
    | ChangeCapacity
    | Retirements
    | Departures
    | OperatorExit
    | PopulationChange
    | PopulationProjection,
    Field(discriminator="kind"),
]


class Scenario(BaseModel):
    """A named, ordered list of edits evaluated against a baseline year of the official APL."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=120, pattern=r"^[\w .,'’()/-]+$")
    description: str = ""
    baseline_year: Literal[2022, 2023] = 2023
    edits: list[Edit] = Field(min_length=1, max_length=MAX_EDITS)
