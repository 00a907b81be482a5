"""Benchmark: every access measure on all French communes, ours vs PySAL `access`, same inputs.

All communes with coordinates (bundled), demand = municipal population, supply generated with a
fixed seed proportional to population at ~40 % of communes, times from the offline estimate
within 30 minutes. Prints seconds, ratios and peak memory. Run: ``make bench`` or
``python benchmarks/bench_access.py [--pysal-max-pairs N]``.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from proxisante.access import (
    DREES_APL_STEP,
    PowerDecay,
    StepDecay,
    catchment_weights,
    hansen_potential,
    three_step,
    two_step,
)
from proxisante.territory import load_communes
from proxisante.travel import estimate_matrix

E2_STEP = StepDecay((10.0, 20.0, 30.0), (1.0, 0.68, 0.22))
GRAVITY = PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0)


def _best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoff", type=float, default=30.0, help="cut-off, minutes")
    args = parser.parse_args()

    communes = load_communes()
    communes = communes[communes["lat"].notna() & communes["population"].notna()]
    communes = communes[communes["type"] == "COM"].reset_index(drop=True)
    rng = np.random.default_rng(20251125)
    pop = communes["population"].to_numpy(dtype=float)
    has_supply = rng.random(len(pop)) < 0.4
    supply = np.where(has_supply, np.round(pop / 1000 * rng.uniform(0.3, 1.5, len(pop)), 1), 0.0)
    ids = communes["code_insee"].to_numpy()
    lat, lon = communes["lat"].to_numpy(), communes["lon"].to_numpy()

    t0 = time.perf_counter()
    tm = estimate_matrix(ids, lat, lon, ids, lat, lon, cutoff_minutes=args.cutoff)
    t_matrix = time.perf_counter() - t0
    print(
        f"communes: {len(ids):,}  pairs within {args.cutoff:g} min: {tm.n_pairs:,}  "
        f"estimate matrix: {t_matrix:.2f} s"
    )

    m = tm.minutes
    ours = {
        "2sfca": lambda: two_step(
            catchment_weights(m, StepDecay((args.cutoff,), (1.0,))), supply, pop
        ),
        "e2sfca": lambda: two_step(catchment_weights(m, E2_STEP), supply, pop),
        "apl (DREES step)": lambda: two_step(catchment_weights(m, DREES_APL_STEP), supply, pop),
        "3sfca": lambda: three_step(catchment_weights(m, E2_STEP), supply, pop),
        "gravity": lambda: hansen_potential(catchment_weights(m, GRAVITY), supply),
    }

    import access as pysal_access
    from access import weights

    coo = m.tocoo()
    cost_df = pd.DataFrame({"origin": coo.row, "dest": coo.col, "cost": coo.data})
    demand_df = pd.DataFrame({"geoid": np.arange(len(pop)), "pop": pop})
    supply_df = pd.DataFrame({"geoid": np.arange(len(pop)), "doctors": supply})

    def model():
        return pysal_access.Access(
            demand_df=demand_df.copy(), demand_index="geoid", demand_value="pop",
            supply_df=supply_df.copy(), supply_index="geoid", supply_value="doctors",
            cost_df=cost_df.copy(), cost_origin="origin", cost_dest="dest", cost_name="cost",
        )  # fmt: skip

    fn_e2 = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    fn_g = weights.gravity(scale=1, alpha=-1, min_dist=1)
    theirs = {
        "2sfca": lambda a: a.two_stage_fca(name="x", max_cost=args.cutoff),
        "e2sfca": lambda a: a.enhanced_two_stage_fca(name="x", weight_fn=fn_e2),
        "3sfca": lambda a: a.three_stage_fca(name="x", weight_fn=fn_e2),
        "gravity": lambda a: a.weighted_catchment(name="x", weight_fn=fn_g),
    }

    print(f"\n{'measure':<18}{'ours s':>9}{'ours MiB':>10}{'PySAL s':>10}{'ratio':>8}  max |diff|")
    for name, fn in ours.items():
        t_ours = _best_of(fn)
        mib = _peak_mib(fn)
        if name in theirs:
            a = model()
            t1 = time.perf_counter()
            res = theirs[name](a)
            t_theirs = time.perf_counter() - t1
            theirs_v = res.iloc[:, 0].reindex(np.arange(len(pop))).fillna(0).to_numpy()
            diff = float(np.max(np.abs(theirs_v - fn())))
            print(
                f"{name:<18}{t_ours:>9.3f}{mib:>10.0f}{t_theirs:>10.2f}{t_theirs / t_ours:>7.0f}x"
                f"  {diff:.1e}"
            )
        else:
            print(f"{name:<18}{t_ours:>9.3f}{mib:>10.0f}{'—':>10}{'—':>8}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the whole run (incl. PySAL and its DataFrames): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
