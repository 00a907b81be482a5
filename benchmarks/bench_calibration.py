"""Benchmark: the national GP calibration against the official APL, beside the naive baseline.

Naive baseline (issue 17): uniform offline travel (60 km/h × detour 1.3) and the INSEE
BPE 2017 libéral GP counts per commune at 4,800 consultations each. Calibrated model:
:func:`proxisante.model.calibrate` (travel search, supply fit) on the bundled inputs.

Printed, for both, against the official DREES APL of the year: Pearson r, MAE,
population-weighted MAE, share of communes on the same side of 2.5 and of 4 — in-sample
and held out by département (k folds: the fold's APL is left out of the fit, then
predicted; the naive baseline fits nothing, so its held-out figures equal its in-sample
ones) — the département GP totals against INSEE 2024, the wall time of the national
calibration (travel search + final fit + the Dask ensemble of 4 members on a local
cluster of 2 processes, as ``proxisante model calibrate`` runs it; without the held-out
folds) and of the k-fold validation, and the peak resident memory of the process and of
its largest worker. Targets (issue 17): in-sample
r ≥ 0.97, MAE ≤ 0.15; held-out r ≥ 0.85, ≥ 90 % same side of 2.5; département totals
±10 %; calibration ≤ 120 s and ≤ 4 GiB.

Run: ``python benchmarks/bench_calibration.py [--year 2023] [--folds 4] [--iterations 200]
[--no-ensemble]``.
The machine's other load is printed too (2 cores shared): wall times are honest, not
best-of.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from proxisante.access import Catchment
from proxisante.model import calibrate, fit_figures, load_inputs
from proxisante.model.ensemble import run_ensemble
from proxisante.travel import estimate_matrix


def _row(label: str, f: dict) -> str:
    return (
        f"{label:<34} {f['n']:>7,} {f['r']:>7.3f} {f['mae']:>7.3f} {f['mae_pop']:>9.3f} "
        f"{f['same_side_2_5']:>9.1%} {f['same_side_4']:>9.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--no-ensemble", action="store_true", help="skip the Dask ensemble")
    parser.add_argument(
        "--travel-study",
        action="store_true",
        help="also print, for uniform speeds 60 to 20 km/h, the naive, in-sample and "
        "held-out figures (why in-sample targets cannot rank travel parameters)",
    )
    args = parser.parse_args()
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    inputs = load_inputs(args.year)

    tm = estimate_matrix(
        inputs.codes,
        inputs.lat,
        inputs.lon,
        inputs.codes,
        inputs.lat,
        inputs.lon,
        cutoff_minutes=20.0,
    )
    naive_apl = Catchment.build(tm.minutes, inputs.pop_standardisee).accessibility(
        inputs.prior_gp * 4800.0
    )
    naive = fit_figures(naive_apl, inputs.apl, inputs.pop_standardisee)

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    cal = calibrate(inputs, iterations=args.iterations, folds=args.folds)
    cpu_cal = time.process_time() - cpu0
    t1 = time.perf_counter()
    ensemble_s = 0.0
    cpu1 = time.process_time()
    if not args.no_ensemble:
        run_ensemble(cal, iterations=args.iterations)
        ensemble_s = time.perf_counter() - t1
    # the workers have exited: their CPU time is in RUSAGE_CHILDREN
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ens = time.process_time() - cpu1 + children.ru_utime + children.ru_stime
    wall = time.perf_counter() - t0
    figs = cal.figures
    tim = figs["timings_s"]
    rss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    worker_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20

    print(f"\nAPL {args.year}, {inputs.n:,} communes; travel chosen: {figs['travel']}")
    print(
        f"{'':<34} {'communes':>7} {'r':>7} {'MAE':>7} {'MAE pop':>9} {'side 2.5':>9} {'side 4':>9}"
    )
    print(_row("naive (60 km/h, BPE 2017 × 4,800)", naive))
    print(_row("calibrated, in-sample", figs["in_sample"]))
    if "held_out" in figs:
        print(_row(f"calibrated, held-out ({args.folds} folds)", figs["held_out"]))
    d = figs["departement_totals"]
    print(
        f"\ndépartement GP totals vs INSEE 2024: {d['within_tolerance']}/{d['n']} within "
        f"±{d['tolerance']:.0%}; worst {d['worst']} ({d['max_abs_relative_deviation']:.1%})"
    )
    print(
        f"consultations per GP: {figs['consultations_per_gp']:,.0f}; GPs: {figs['gp_total']:,.0f};"
        f" share where no GP in 2017 outside pôles: "
        f"{figs['gp_share_where_none_in_2017_outside_poles']:.1%}"
    )
    for s in figs["search"]:
        print(
            f"  search ({s['criterion'].replace('_', '-')}) {s['params']}: r {s['r']:.3f}, "
            f"MAE {s['mae']:.3f}, same side of 2.5 {s['same_side_2_5']:.1%}"
        )
    national = tim["pairs"] + tim["search"] + tim["fit"] + ensemble_s
    print(
        f"\nwall time: national calibration {national:.1f} s (pairs {tim['pairs']:.1f}, "
        f"search {tim['search']:.1f}, fit {tim['fit']:.1f} in {figs['iterations']} iterations, "
        f"ensemble {ensemble_s:.1f}); held-out folds {tim.get('held_out', 0.0):.1f} s; "
        f"total {wall:.1f} s"
    )
    print(
        f"CPU time (independent of the machine's other load): calibration with held-out folds "
        f"{cpu_cal:.1f} s, ensemble {cpu_ens:.1f} s (main process and workers)"
    )
    print(
        f"peak resident memory: {rss_gib:.2f} GiB (largest worker {worker_gib:.2f} GiB); "
        f"load average after: {os.getloadavg()[0]:.1f}"
    )
    print(
        f"targets: in-sample r ≥ 0.97 ({figs['in_sample']['r']:.3f}), MAE ≤ 0.15 "
        f"({figs['in_sample']['mae']:.3f}); calibration ≤ 120 s ({national:.0f}), ≤ 4 GiB "
        f"({rss_gib:.2f})"
    )
    if "held_out" in figs:
        h = figs["held_out"]
        print(
            f"held-out: r ≥ 0.85 ({h['r']:.3f}), same side of 2.5 ≥ 90 % ({h['same_side_2_5']:.1%})"
        )
    if args.travel_study:
        travel_study(inputs, folds=max(args.folds, 2), iterations=args.iterations)


def travel_study(inputs, *, folds: int, iterations: int) -> None:
    """Naive (prior at ``a``), in-sample and held-out r / MAE at uniform speeds.

    Slower travel shrinks catchments: the in-sample fit improves without bound (at 0 km/h
    every commune is its own catchment and reproduces any APL) while the held-out
    prediction, which needs catchments that carry supply to neighbours, degrades.
    """
    from proxisante.model import TravelParameters, consultations_per_gp, prior_consultations

    prior = prior_consultations(inputs, consultations_per_gp(inputs))
    print(
        "\ntravel study (uniform speed, detour 1.3): naive r | in-sample r, MAE | held-out r, MAE"
    )
    for v in (60.0, 50.0, 40.0, 30.0, 20.0):
        c = TravelParameters((v, v, v), 1.3, 0.0)
        cal = calibrate(inputs, candidates=(c,), iterations=iterations, folds=folds)
        naive = Catchment.build(cal.pairs.minutes(c), inputs.pop_standardisee).accessibility(prior)
        n = fit_figures(naive, inputs.apl, inputs.pop_standardisee)
        i, h = cal.figures["in_sample"], cal.figures["held_out"]
        print(
            f"  {v:>4.0f} km/h: {n['r']:.3f} | {i['r']:.3f}, {i['mae']:.3f} | "
            f"{h['r']:.3f}, {h['mae']:.3f} ({h['same_side_2_5']:.1%} same side of 2.5)"
        )


if __name__ == "__main__":
    main()
