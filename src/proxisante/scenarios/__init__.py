"""Scenarios: named edits of the offer or the population, and their impact commune by commune.

A :class:`Scenario` is data (validated, stored, read from and written to YAML/JSON);
:func:`apply_edits` checks its edits against an offer and turns them into GP supply changes;
:func:`evaluate` gives every commune's APL before and after on an
:class:`~proxisante.access.EvaluationBaseline`; :func:`criticality_ranking` ranks an
operator's sites by the effect of closing each one alone.
"""

from proxisante.scenarios.edits import (
    AppliedEdits,
    StaffChange,
    SupplyChange,
    apply_edits,
    supply_changes,
)
from proxisante.scenarios.impact import (
    NO_ACCESS_APL,
    ScenarioResult,
    criticality_ranking,
    evaluate,
    population_factors,
)
from proxisante.scenarios.io import dump_scenario, load_scenario, parse_scenario
from proxisante.scenarios.model import (
    ChangeCapacity,
    ChangeStaff,
    CloseSites,
    Departures,
    Edit,
    OpenSite,
    OperatorExit,
    PopulationChange,
    PopulationProjection,
    Retirements,
    Scenario,
)
from proxisante.scenarios.projection import read_population_projection

__all__ = [
    "NO_ACCESS_APL",
    "AppliedEdits",
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
    "ScenarioResult",
    "StaffChange",
    "SupplyChange",
    "apply_edits",
    "criticality_ranking",
    "dump_scenario",
    "evaluate",
    "load_scenario",
    "parse_scenario",
    "population_factors",
    "read_population_projection",
    "supply_changes",
]
