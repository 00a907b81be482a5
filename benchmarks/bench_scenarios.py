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


def web_evaluations(rng: np.random.Generator, n: int = 60) -> None:
    """CPU per uncached web evaluation on a warm worker: 60 unique openings and closures on
    the calibrated default model (what ``POST /api/scenarios/evaluate`` computes)."""
    from proxisante.model import default_baseline
    from proxisante.offer import load_default_offer
    from proxisante.web.evaluation import scenario_impact
    from proxisante.workspace import EvaluationState

    offer = load_default_offer()
    state = EvaluationState(offer)
    default_baseline(2023)
    communes = ["62523", "62065", "62498", "59392", "57227", "30037", "81060", "12202"]
    open_ids = offer.sites.loc[(offer.sites["operator"] == "filieris")
                               & (offer.sites["status"] == "open"), "site_id"].tolist()  # fmt: skip

    def body(k: int) -> str:
        if k % 2:
            edit = {"kind": "close_sites", "sites": [open_ids[k % len(open_ids)]]}
        else:
            edit = {"kind": "open_site", "site": "n", "name": "n",
                    "commune": communes[int(rng.integers(len(communes)))],
                    "fte": {"gp": 1.0 + k / 1000}}  # fmt: skip
        return parse_scenario({"name": f"w{k}", "edits": [edit]}).model_dump_json()

    scenario_impact(body(0), state)  # the worker's per-offer state, built once
    cpu, changed = [], []
    for k in range(1, n + 1):
        text = body(k)
        t0 = time.process_time()
        out = scenario_impact(text, state)
        cpu.append(time.process_time() - t0)
        changed.append(len(out["communes"]))
    ms = np.array(cpu) * 1e3
    print(
        f"web evaluation on a warm worker (evaluation, summary, changed communes as JSON): "
        f"CPU median {np.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms over {n} "
        f"unique openings/closures ({int(np.median(changed))} communes changed, median)"
    )


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
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    evaluate(sc, baseline=ctx)
    print(
        f"full scenario evaluation (validation, delta, per-commune table): first "
        f"{first * 1e3:.0f} ms (loads the offer and its per-site state), then "
        f"{(time.perf_counter() - t0) * 1e3:.0f} ms"
    )
    web_evaluations(rng)
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
