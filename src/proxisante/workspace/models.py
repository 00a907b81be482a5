"""The calibrated GP model through the workspace: listing, reading and calibrating the
store's models (``proxisante model``), so that the CLI never opens the store itself.

Calibration: :func:`proxisante.model.calibrate` on the inputs of the year
(:func:`proxisante.model.load_inputs`), optionally with a user's known supply and travel
times, then its ensemble (:func:`proxisante.model.ensemble.run_ensemble`), saved into the
store (:func:`proxisante.model.artefact.save_store_model`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from proxisante import bounds
from proxisante.access import read_supply_file
from proxisante.catchment import CATCHMENT_MINUTES
from proxisante.errors import InputError
from proxisante.model import calibrate, load_inputs
from proxisante.model.artefact import (
    CalibratedModel,
    bundled_model,
    list_store_models,
    load_store_model,
    model_from_calibration,
    save_store_model,
)
from proxisante.model.ensemble import run_ensemble
from proxisante.model.inputs import input_provenance
from proxisante.travel import PROVIDERS, travel_matrix

if TYPE_CHECKING:
    from proxisante.workspace.workspace import Workspace

__all__ = ["Calibrated", "CalibrationRequest", "calibrate_model", "read_model", "stored_models"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CalibrationRequest:
    """What ``proxisante model calibrate`` asks for (see its options)."""

    year: int = 2023
    travel: str = "estimate"
    network: Path | None = None
    matrix: Path | None = None
    supply: Path | None = None
    folds: int = 4
    ensemble: bool = True
    scheduler: str | None = None
    iterations: int = 200

    def check(self) -> None:
        """Refuse an unknown travel provider or a single fold before any work."""
        if self.travel not in PROVIDERS:
            names = f"{', '.join(PROVIDERS[:-1])} or {PROVIDERS[-1]}"
            msg = f"--travel was '{self.travel}'; expected {names}"
            raise InputError(msg)
        if self.folds == 1 or self.folds < 0:
            msg = f"--folds was {self.folds}; expected 0 (no held-out validation) or ≥ 2"
            raise InputError(msg)
        # the fit's loops run iterations × (folds + 1) times: both bounded before any work
        bounds.check("calibration_folds", self.folds, where="--folds")
        bounds.check("calibration_iterations", self.iterations, where="--iterations")


@dataclass(frozen=True)
class Calibrated:
    """A model calibrated and saved: the model, its id, the store file, the communes with
    a supply."""

    model: CalibratedModel
    model_id: str
    store_path: Path
    communes_with_supply: int


def stored_models(ws: Workspace) -> pd.DataFrame:
    """The store's models: ``model_id``, ``year``, ``created_at`` (newest first; none when
    the store file does not exist yet)."""
    with ws._store_if_any() as st:
        if st is None:
            return pd.DataFrame(columns=["model_id", "year", "created_at"])
        return list_store_models(st)


def read_model(ws: Workspace, model_id: str | None = None, *, bundled: bool = False
               ) -> CalibratedModel | None:  # fmt: skip
    """The bundled model, or the store's model ``model_id`` (default: its newest); None when
    the store has none or does not exist yet (a model asked by id needs the store)."""
    if bundled:
        return bundled_model()
    if model_id is None:
        with ws._store_if_any() as st:
            return None if st is None else load_store_model(st)
    with ws.store() as st:
        return load_store_model(st, model_id)


@dataclass(frozen=True)
class PreparedCalibration:
    """The inputs of a calibration, read and checked, and the store it will be saved into
    (opened once already: a locked store fails before the fit)."""

    request: CalibrationRequest
    inputs: Any
    provenance: dict
    minutes: Any
    store_path: Path


def prepare_calibration(ws: Workspace, request: CalibrationRequest) -> PreparedCalibration:
    """Read the inputs of ``request`` (known supply, user travel times) and open the store."""
    request.check()
    inputs, provenance = _inputs(request, ws.offer())
    minutes = None
    if request.travel != "estimate":
        minutes = _given_minutes(request, inputs)
        given = request.network or request.matrix
        provenance["travel"] = f"{request.travel}: {given.name if given else ''}"
    with ws.store(
        write=True
    ) as st:  # opened (and migrated) first: a locked store fails before fitting
        path = st.path
    return PreparedCalibration(request, inputs, provenance, minutes, path)


def calibrate_model(ws: Workspace, prepared: PreparedCalibration, *,
                    progress: Progress | None = None) -> Calibrated:  # fmt: skip
    """Calibrate the GP model of a prepared request and save it into the workspace's store.

    ``progress(stage, done, total)``: the fit's stages, then ``("ensemble", done, total)``
    (first ``("ensemble", 0, 0)`` when the ensemble starts).
    """
    request, minutes = prepared.request, prepared.minutes
    cal = calibrate(prepared.inputs, folds=request.folds, iterations=request.iterations,
                    minutes=minutes, travel_provider=request.travel,
                    progress=progress)  # fmt: skip
    members = []
    if request.ensemble and minutes is None:
        if progress is not None:
            progress("ensemble", 0, 0)
        t0 = time.perf_counter()
        members = run_ensemble(
            cal, scheduler=request.scheduler, iterations=request.iterations,
            progress=None if progress is None else lambda d, t: progress("ensemble", d, t),
        )  # fmt: skip
        cal.figures["timings_s"]["ensemble"] = time.perf_counter() - t0
    model = model_from_calibration(cal, members=members, provenance=prepared.provenance)
    with ws.store(write=True) as st:
        model_id = save_store_model(st, model)
    return Calibrated(model, model_id, prepared.store_path, int(np.sum(cal.consultations > 0)))


def _inputs(request: CalibrationRequest, offer=None):
    """The calibration inputs of the year and their provenance, with the known supply and the
    published or imported GP staff of ``offer`` (the workspace's) held at its sites."""
    inputs = load_inputs(request.year, offer=offer)
    provenance = input_provenance(request.year)
    if request.supply is not None:
        table = read_supply_file(request.supply, profession="gp", unit="consultations")
        known = table.groupby("destination")["supply"].sum()
        inputs = inputs.with_known_supply(known.index.to_numpy(), known.to_numpy())
        provenance["known_supply"] = f"{request.supply.name} ({len(known)} communes)"
    return inputs, provenance


def _given_minutes(request: CalibrationRequest, inputs):
    """User travel times over the calibrated communes; a missing commune is refused."""
    tm, _ = travel_matrix(request.travel, inputs.codes, inputs.lat, inputs.lon,
                          cutoff_minutes=CATCHMENT_MINUTES, matrix_file=request.matrix,
                          network=request.network)  # fmt: skip
    m = tm.minutes.tocsr()
    empty = np.diff(m.indptr) == 0
    if empty.any():
        first = str(tm.origin_ids[np.flatnonzero(empty)[0]])
        msg = (
            f"travel {request.travel}: commune '{first}' has no travel time "
            f"({int(empty.sum())} communes missing); expected every commune with an official "
            "APL (rows origin,destination,minutes, each commune to itself at least)"
        )
        raise InputError(msg)
    return m
