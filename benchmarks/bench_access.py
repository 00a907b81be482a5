"""Benchmark: every access measure on all French communes, ours vs PySAL `access`, same inputs.

All bundled communes (type COM) with coordinates and population
(``proxisante.territory.load_communes``),
demand = municipal population, supply generated with a fixed seed proportional to
population at ~40 % of communes, times from the offline estimate within 30 minutes
(``proxisante.travel.estimate_matrix``). Each of our measures is timed end to end (decay
applied to the stored pairs, validation, both steps), best of 5; PySAL ``access`` once per
measure on the same arrays (as its long cost table), in the same run. Prints seconds,
ratios, the largest absolute difference and peak memory (tracemalloc for our engine, peak
RSS of the whole process including PySAL).

If PySAL would be too slow on the national set, ``--pysal-max-pairs N`` runs the comparison
on the largest prefix of communes (by INSEE code) whose matrix holds at most N pairs, and
times our engine again on that same subset; the national timings of our engine are printed
in every case.

Run: ``make bench`` or ``python benchmarks/bench_access.py [--cutoff 30] [--pysal-max-pairs N]``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.access import (
    DREES_APL_STEP,
    LUO_QI_ZONES,
    Catchment,
    PowerDecay,
    StepDecay,
    balanced,
    catchment_weights,
    covered_population,
    hansen_potential,
    modified_two_step,
    nearest_minutes,
    three_step,
    two_step,
)
from proxisante.territory import load_communes
from proxisante.travel import estimate_matrix

GRAVITY = PowerDecay(beta=1.0, scale_minutes=1.0, min_minutes=1.0)
SEED = 20251125


def _best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _ours(m: sp.csr_array, supply: np.ndarray, pop: np.ndarray, cutoff: float) -> dict:
    binary = StepDecay((cutoff,), (1.0,), closed="right")
    cat = Catchment.build(m, pop)
    sites = np.flatnonzero(supply)[:10]
    return {
        "2sfca": lambda: two_step(catchment_weights(m, binary), supply, pop),
        "e2sfca": lambda: two_step(catchment_weights(m, LUO_QI_ZONES), supply, pop),
        "apl (DREES step)": lambda: two_step(catchment_weights(m, DREES_APL_STEP), supply, pop),
        "3sfca": lambda: three_step(catchment_weights(m, LUO_QI_ZONES), supply, pop),
        "m2sfca": lambda: modified_two_step(catchment_weights(m, LUO_QI_ZONES), supply, pop),
        "bfca": lambda: balanced(catchment_weights(m, LUO_QI_ZONES), supply, pop),
        "gravity": lambda: hansen_potential(catchment_weights(m, GRAVITY), supply),
        "nearest": lambda: nearest_minutes(m, supply),
        "coverage 15 min": lambda: covered_population(m, supply, pop, max_minutes=15.0),
        "Δ 10 sites (incr.)": lambda: cat.delta(sites, np.full(len(sites), 5400.0)),
    }


def _theirs(m: sp.csr_array, supply: np.ndarray, pop: np.ndarray, cutoff: float) -> dict:
    import access as pysal_access
    from access import weights

    coo = m.tocoo()
    cost_df = pd.DataFrame({"origin": coo.row, "dest": coo.col, "cost": coo.data})
    demand_df = pd.DataFrame({"geoid": np.arange(m.shape[0]), "pop": pop})
    supply_df = pd.DataFrame({"geoid": np.arange(m.shape[1]), "doctors": supply})

    def model():
        return pysal_access.Access(
            demand_df=demand_df.copy(), demand_index="geoid", demand_value="pop",
            supply_df=supply_df.copy(), supply_index="geoid", supply_value="doctors",
            cost_df=cost_df.copy(), cost_origin="origin", cost_dest="dest", cost_name="cost",
        )  # fmt: skip

    fn_e2 = weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    fn_g = weights.gravity(scale=1, alpha=-1, min_dist=1)
    return {
        "2sfca": (model, lambda a: a.two_stage_fca(name="x", max_cost=cutoff)),
        "e2sfca": (model, lambda a: a.enhanced_two_stage_fca(name="x", weight_fn=fn_e2)),
        "3sfca": (model, lambda a: a.three_stage_fca(name="x", weight_fn=fn_e2)),
        "gravity": (model, lambda a: a.weighted_catchment(name="x", weight_fn=fn_g)),
    }


def _table(m, supply, pop, cutoff: float, *, compare: bool) -> None:
    ours = _ours(m, supply, pop, cutoff)
    theirs = _theirs(m, supply, pop, cutoff) if compare else {}
    head = f"{'measure':<20}{'ours s':>9}{'ours MiB':>10}"
    if compare:
        head += f"{'PySAL s':>10}{'ratio':>8}  max |diff|"
    print(head)
    for name, fn in ours.items():
        t_ours = _best_of(fn)
        mib = _peak_mib(fn)
        line = f"{name:<20}{t_ours:>9.3f}{mib:>10.0f}"
        if name in theirs:
            make, run = theirs[name]
            a = make()
            t1 = time.perf_counter()
            res = run(a)
            t_theirs = time.perf_counter() - t1
            theirs_v = res.iloc[:, 0].reindex(np.arange(m.shape[0])).fillna(0).to_numpy()
            diff = float(np.max(np.abs(theirs_v - fn())))
            line += f"{t_theirs:>10.2f}{t_theirs / t_ours:>7.0f}x  {diff:.1e}"
            del a, res, theirs_v
            gc.collect()
        elif compare:
            line += f"{'—':>10}{'—':>8}"
        print(line)


def _prefix_with_max_pairs(m: sp.csr_array, max_pairs: int) -> int:
    """Largest k such that the first k origins × first k destinations hold ≤ max_pairs."""
    lo, hi = 1, m.shape[0]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if m[:mid, :mid].nnz <= max_pairs:
            lo = mid
        else:
            hi = mid - 1
    return lo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoff", type=float, default=30.0, help="cut-off, minutes")
    parser.add_argument(
        "--pysal-max-pairs",
        type=int,
        default=0,
        help="compare with PySAL on a subset of at most this many pairs (0: all)",
    )
    args = parser.parse_args()

    communes = load_communes()
    communes = communes[communes["lat"].notna() & communes["population"].notna()]
    # communes only: Paris, Lyon, Marseille once (their arrondissements would double-count)
    communes = communes[communes["type"] == "COM"]
    communes = communes.sort_values("code_insee").reset_index(drop=True)
    rng = np.random.default_rng(SEED)
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
        f"estimate matrix: {t_matrix:.2f} s  (supply seed {SEED})"
    )
    m = tm.minutes
    if args.pysal_max_pairs and tm.n_pairs > args.pysal_max_pairs:
        print("\nOur engine, all communes:")
        _table(m, supply, pop, args.cutoff, compare=False)
        k = _prefix_with_max_pairs(m, args.pysal_max_pairs)
        sub = sp.csr_array(m[:k, :k])
        print(
            f"\nComparison with PySAL access on a subset (PySAL too slow nationally): first "
            f"{k:,} communes by INSEE code, {sub.nnz:,} pairs; both engines on the same subset:"
        )
        _table(sub, supply[:k], pop[:k], args.cutoff, compare=True)
    else:
        print("\nAll communes, our engine and PySAL access on the same inputs:")
        _table(m, supply, pop, args.cutoff, compare=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the whole run (incl. PySAL and its DataFrames): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
