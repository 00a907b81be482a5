"""A ``proxisante serve`` process seen from a benchmark: memory and warm-up of its process tree.

Shared by ``bench_web_load.py`` and ``bench_web_body.py``. Not a benchmark itself (the
``make bench`` loop runs ``bench_*.py`` only).
"""

from __future__ import annotations

import contextlib
import time

import psutil

__all__ = ["tree_rss_mib", "wait_until_idle"]


def _tree(proc: psutil.Process) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return [proc, *proc.children(recursive=True)]
    return [proc]


def tree_rss_mib(proc: psutil.Process) -> float:
    """Resident memory of the server and its evaluation workers (MiB)."""
    total = 0
    for p in _tree(proc):
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


def wait_until_idle(proc: psutil.Process, *, percent: float = 5.0, timeout: float = 300.0) -> float:
    """Wait until the server and its workers use under ``percent`` % of one core over a
    second (the warm-up at start: workers loading the model, the needs layer built in a
    background thread); returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        procs = _tree(proc)
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.cpu_percent(None)
        time.sleep(1.0)
        busy = 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                busy += p.cpu_percent(None)
        if busy < percent:
            break
    return time.perf_counter() - t0
