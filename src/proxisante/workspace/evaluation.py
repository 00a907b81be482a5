"""The evaluation world of a workspace, as one picklable value.

:class:`EvaluationState` carries what evaluating a scenario needs — the offer, the population
by age imported into the store and the store's calibrated model — so that processes that
never open the store (the web server's evaluation workers) evaluate in the same world as
the CLI and the territory pages. :func:`world_baseline` is the one model choice:
the store's calibrated model of the scenario's year, else the bundled model
(:func:`proxisante.model.default_baseline`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from proxisante.access import EvaluationBaseline, baseline_professions
from proxisante.model import calibrated_baseline, default_baseline
from proxisante.offer import Offer
from proxisante.scenarios import Scenario, ScenarioResult, evaluate
from proxisante.territory import load_communes

if TYPE_CHECKING:
    from proxisante.model.artefact import CalibratedModel

__all__ = ["EvaluationState", "commune_names", "world_baseline"]


def world_baseline(model: CalibratedModel | None, year: int) -> EvaluationBaseline:
    """The evaluation baseline of ``year``: ``model`` (the store's calibrated model) when it is
    of that year, else :func:`proxisante.model.default_baseline` (the bundled model of that
    year, else the official APL)."""
    if model is not None and model.year == year:
        return calibrated_baseline(model)
    return default_baseline(year)


@dataclass(frozen=True)
class EvaluationState:
    """The offer, the population by age (None: the DREES standardised population) and the
    store's calibrated model (None: the bundled one) scenarios are evaluated on; picklable."""

    offer: Offer
    pop_by_age: pd.DataFrame | None = None
    model: CalibratedModel | None = None

    def baseline(self, year: int) -> EvaluationBaseline:
        """The baseline of ``year`` in this world (:func:`world_baseline`), cached."""
        return world_baseline(self.model, year)

    def warm(self, years: tuple[int, ...] = (2023,)) -> None:
        """Build the baselines of ``years`` now, with the other professions' estimated access
        on them (a worker's start)."""

        for year in years:
            baseline_professions(self.baseline(year), self.offer)

    def evaluate(self, scenario: Scenario) -> ScenarioResult:
        """Evaluate ``scenario`` in this world (:func:`proxisante.scenarios.evaluate`)."""
        return evaluate(scenario, offer=self.offer, baseline=self.baseline(scenario.baseline_year),
                        pop_by_age=self.pop_by_age)  # fmt: skip


@cache
def commune_names() -> dict[str, str]:
    """INSEE code → commune name, every commune of the bundled list."""
    c = load_communes().drop_duplicates("code_insee")
    return dict(zip(c["code_insee"].astype(str), c["nom"].astype(str), strict=True))
