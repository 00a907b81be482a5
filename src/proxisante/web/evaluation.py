"""Scenario evaluations off the request threads: a process pool with a bounded queue.

An evaluation is CPU-bound (pandas and numpy over every site and commune): run in the
server's threads it would hold the interpreter lock and the reads would queue behind it.
:class:`Evaluator` sends each evaluation to worker processes that hold the offer and the
evaluation baseline, and answers from its own cache when the same scenario was evaluated
on the same offer. At most ``max_pending`` evaluations wait or run at once; beyond that the
request is refused with HTTP 503 and ``Retry-After`` instead of queueing without bound.
Identical evaluations in flight share one computation.

The workers never open the store (DuckDB allows one process per file): they receive the
workspace's :class:`~proxisante.workspace.EvaluationState` (offer, population by age, the
store's calibrated model: the world of the CLI and of the territory pages) from the server
when they start, and are replaced after an import (:meth:`Evaluator.refresh`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np
from fastapi import HTTPException
from threadpoolctl import threadpool_limits

from proxisante.errors import ProxisanteError, UnknownCodeError
from proxisante.workspace import EvaluationState, commune_names, parse_scenario

__all__ = ["DEFAULT_MAX_PENDING", "Evaluator", "default_workers", "scenario_impact"]

log = logging.getLogger(__name__)

#: Evaluations waiting or running at once before new ones are refused (HTTP 503).
DEFAULT_MAX_PENDING = 64
#: Results kept in the server's cache (scenario JSON → result, per offer generation).
CACHE_SIZE = 512

#: The evaluation world of a worker process (set by :func:`_init_worker`).
_STATE: EvaluationState | None = None


def default_workers() -> int:
    """Worker processes by default: half the cores (at least 1), leaving cores for reads."""
    return max(1, (os.cpu_count() or 2) // 2)


def scenario_impact(scenario_json: str, state: EvaluationState) -> dict:
    """Evaluate a validated scenario (canonical JSON) in ``state`` (the workspace's world:
    :meth:`~proxisante.workspace.Workspace.evaluation_state`) and shape the web answer.

    Returns the :class:`~proxisante.web.schemas.ScenarioImpact` fields: name, method,
    summary, notes and the communes whose APL changes (most negative change first).
    """
    sc = parse_scenario(json.loads(scenario_json))
    res = state.evaluate(sc)
    # only the communes whose APL changes are serialised, as plain columns, most negative
    # change first (read from the result's arrays: the full table is not needed)
    col = res.columns
    changed = np.flatnonzero(col["delta_apl"] != 0)
    order = changed[_ascending(col["delta_apl"][changed])]
    names = commune_names()
    fields = {"apl_before": "apl_before", "apl_after": "apl_after", "delta_apl": "delta_apl",
              "population": "pop_totale", "newly_under": "newly_under"}  # fmt: skip
    if "delta_apl_p10" in col:  # calibrated model with an ensemble: P10–P90
        fields |= {"delta_apl_p10": "delta_apl_p10", "delta_apl_p90": "delta_apl_p90"}
    values = {key: col[c][order].astype(bool if key == "newly_under" else float).tolist()
              for key, c in fields.items()}  # fmt: skip
    rows = [
        {"code_insee": code, "nom": names.get(code, "")} | {key: v[k] for key, v in values.items()}
        for k, code in enumerate(col["code_insee"].take(order).tolist())
    ]
    return {"name": sc.name, "method": res.method, "summary": res.summary(),
            "notes": list(res.notes), "communes": rows,
            "professions": _professions(res, names)}  # fmt: skip


#: Communes listed per profession whose access changes (most negative change first).
MAX_PROFESSION_COMMUNES = 50


def _professions(res, names: dict[str, str]) -> list[dict]:
    """Each other profession's national access before/after (estimated) and, when the
    scenario changes it, its communes whose access changes most (at most
    :data:`MAX_PROFESSION_COMMUNES`, most negative first)."""
    out = []
    codes = res.columns["code_insee"]
    for row in res.profession_table().to_dict("records"):
        imp = res.professions[row["profession"]]
        communes = []
        if imp.changed:
            delta = imp.after - imp.before
            moved = np.flatnonzero(delta != 0)
            order = moved[_ascending(delta[moved])][:MAX_PROFESSION_COMMUNES]
            communes = [{"code_insee": str(codes[k]), "nom": names.get(str(codes[k]), ""),
                         "before": float(imp.before[k]), "after": float(imp.after[k]),
                         "delta": float(delta[k])} for k in order]  # fmt: skip
        out.append(row | {"communes": communes})
    return out


def _ascending(values: np.ndarray) -> np.ndarray:
    """Positions of ``values`` in ascending order, NaN last (pandas' ``sort_values`` order,
    ties included: the same quicksort on the same values)."""
    nan = np.isnan(values)
    if not nan.any():
        return np.argsort(values, kind="quicksort")
    at = np.flatnonzero(~nan)
    return np.concatenate([at[np.argsort(values[at], kind="quicksort")], np.flatnonzero(nan)])


def _init_worker(state: EvaluationState, years: tuple[int, ...]) -> None:
    """Worker start: keep the evaluation world, build its baselines once.

    BLAS is held to one thread: an evaluation works on short vectors, where extra BLAS
    threads only spin on the cores the server's reads need (measured: 22 → 20 ms CPU per
    evaluation, and no spinning thread beside it).
    """
    threadpool_limits(limits=1, user_api="blas")

    global _STATE
    _STATE = state
    state.warm(years)


def _run(scenario_json: str) -> tuple[str, Any]:
    """In a worker: ``("ok", impact)``, ``("error", (status, message))`` or ``("internal", …)``."""
    try:
        assert _STATE is not None, "worker started without its evaluation state"
        return "ok", scenario_impact(scenario_json, _STATE)
    except UnknownCodeError as exc:
        return "error", (404, str(exc))
    except ProxisanteError as exc:
        return "error", (400, str(exc))
    except Exception as exc:  # reported as an internal error by the server, logged there
        return "internal", f"{type(exc).__name__}: {exc}"[:2000]


class Evaluator:
    """Scenario evaluations in worker processes, cached, with a bounded queue.

    Parameters
    ----------
    data
        Called (in the server) to get the :class:`~proxisante.workspace.EvaluationState` when
        workers start (:meth:`~proxisante.workspace.Workspace.evaluation_state`).
    workers
        Worker processes; ``0`` evaluates in a thread of the server instead (tests, tiny
        machines): the queue bound and the cache still apply.
    max_pending
        Evaluations waiting or running at once; more are refused with HTTP 503.
    """

    def __init__(self, data, *, workers: int | None = None,
                 max_pending: int = DEFAULT_MAX_PENDING) -> None:  # fmt: skip
        self._data = data
        self.workers = default_workers() if workers is None else workers
        self.max_pending = max_pending
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self._generation = 0
        self._pending = 0
        self._cache: OrderedDict[tuple[int, str], Any] = OrderedDict()

    # -- pool -------------------------------------------------------------------------------
    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                state = self._data()
                if self.workers == 0:
                    _init_worker(state, (2023,))
                    self._executor = ThreadPoolExecutor(max_workers=1)
                else:
                    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
                    self._executor = ProcessPoolExecutor(
                        max_workers=self.workers, mp_context=ctx, initializer=_init_worker,
                        initargs=(state, (2023,)),
                    )  # fmt: skip
            return self._executor

    def start(self) -> None:
        """Start the workers now (each loads the data and baseline once) instead of lazily."""
        pool = self._pool()
        if isinstance(pool, ProcessPoolExecutor):
            for _ in range(self.workers):
                pool.submit(os.getpid)

    def refresh(self) -> None:
        """The offer changed: forget cached results, replace the workers on next use."""
        with self._lock:
            self._generation += 1
            self._cache.clear()
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers."""
        with self._lock:
            old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=True, cancel_futures=True)

    # -- evaluation -------------------------------------------------------------------------
    async def evaluate(self, scenario_json: str) -> dict:
        """The impact of a validated scenario (canonical JSON), from the cache or a worker."""
        key = (self._generation, scenario_json)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
        if isinstance(hit, dict):
            return hit
        if hit is None:
            if self._pending >= self.max_pending:
                raise HTTPException(
                    503, f"{self.max_pending} scenario evaluations are already in progress; "
                    "retry in a few seconds", headers={"Retry-After": "5"},
                )  # fmt: skip
            loop = asyncio.get_running_loop()
            hit = asyncio.ensure_future(self._compute(loop, key))
            with self._lock:
                self._cache[key] = hit
        return await asyncio.shield(hit)

    async def _compute(self, loop: asyncio.AbstractEventLoop, key: tuple[int, str]) -> dict:
        self._pending += 1
        try:
            status, value = await loop.run_in_executor(self._pool(), _run, key[1])
        except BrokenProcessPool:
            self._forget(key)
            log.error("a scenario evaluation worker died; the workers are restarted")
            self.refresh()
            raise HTTPException(503, "the evaluation workers restarted; retry in a few seconds",
                                headers={"Retry-After": "5"}) from None  # fmt: skip
        except BaseException:
            self._forget(key)
            raise
        finally:
            self._pending -= 1
        if status != "ok":
            self._forget(key)
            if status == "error":
                raise HTTPException(value[0], value[1])
            log.error("scenario evaluation failed: %s", value)
            raise HTTPException(500, "internal error")
        with self._lock:
            if key in self._cache:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value

    def _forget(self, key: tuple[int, str]) -> None:
        with self._lock:
            self._cache.pop(key, None)
