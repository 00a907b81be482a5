"""Benchmark: scenario deltas nationally and a criticality ranking of 300 sites.

Targets: one site's exact delta ≤ 50 ms on the national catchment; ranking 300 sites ≤ 10 s.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from proxisante.access import EvaluationBaseline
from proxisante.offer import Offer
from proxisante.scenarios import criticality_ranking, evaluate, parse_scenario


def main() -> None:
    t0 = time.perf_counter()
    ctx = EvaluationBaseline.official(2023)
    print(
        f"national context: {len(ctx.codes):,} communes, {ctx.catchment.weights.nnz:,} pairs "
        f"within 20 min, built in {time.perf_counter() - t0:.2f} s (once per session)"
    )
    rng = np.random.default_rng(3)
    j = rng.integers(0, len(ctx.codes), 200)
    times = []
    for k in j:
        t0 = time.perf_counter()
        ctx.catchment.delta([int(k)], [-5400.0])
        times.append(time.perf_counter() - t0)
    print(
        f"one site's exact delta: median {np.median(times) * 1e3:.3f} ms, "
        f"max {max(times) * 1e3:.3f} ms over 200 sites (target 50 ms)"
    )
    sc = parse_scenario(
        {
            "name": "b",
            "edits": [{"kind": "close_sites", "sites": ["filieris-centre-de-sante-de-carmaux"]}],
        }
    )
    t0 = time.perf_counter()
    evaluate(sc, baseline=ctx)
    print(
        f"full scenario evaluation (validation, delta, per-commune table): "
        f"{(time.perf_counter() - t0) * 1e3:.0f} ms"
    )
    n = 300
    codes = rng.choice(ctx.codes, n, replace=False)
    sites = pd.DataFrame(
        {
            "site_id": [f"s{i}" for i in range(n)],
            "name": [f"site {i}" for i in range(n)],
            "category": "centre_de_sante",
            "operator": "filieris",
            "commune": codes,
            "status": "open",
        }
    )
    staff = pd.DataFrame(
        {
            "site_id": sites["site_id"],
            "profession": "gp",
            "headcount": rng.integers(1, 8, n),
            "fte": pd.array([pd.NA] * n, dtype="Float64"),
            "activity_consultations": pd.array([pd.NA] * n, dtype="Float64"),
            "birth_year": pd.array([pd.NA] * n, dtype="Int16"),
        }
    )
    t0 = time.perf_counter()
    rank = criticality_ranking(operator="filieris", offer=Offer(sites, staff), baseline=ctx)
    print(
        f"criticality ranking of {len(rank)} sites: {time.perf_counter() - t0:.2f} s (target 10 s)"
    )


if __name__ == "__main__":
    main()
