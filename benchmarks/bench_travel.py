"""Benchmark: offline estimate for all French communes within 30 minutes; OSRM table throughput.

Prints pairs, seconds and peak memory (targets ≤ 10 s, ≤ 2 GiB), then the OSRM `/table`
throughput (pairs/s) on the real Monaco network (needs `make osrm`).
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from proxisante.territory import load_communes
from proxisante.travel import estimate_matrix

PBF = Path(__file__).resolve().parents[1] / "tests" / "data" / "osm" / "monaco.osm.pbf"


def main() -> None:
    c = load_communes()
    c = c[c["lat"].notna()]
    ids, lat, lon = c["code_insee"].to_numpy(), c["lat"].to_numpy(), c["lon"].to_numpy()
    tracemalloc.start()
    t0 = time.perf_counter()
    tm = estimate_matrix(ids, lat, lon, ids, lat, lon, cutoff_minutes=30)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"estimate: {len(ids):,} communes, {tm.n_pairs:,} pairs within 30 min, {dt:.2f} s, "
          f"peak {peak:,.0f} MiB (targets 10 s, 2048 MiB)")  # fmt: skip

    from proxisante.errors import OsrmError
    from proxisante.travel.osrm import build_network, osrm_matrix

    try:
        with tempfile.TemporaryDirectory() as tmp:
            net = build_network(PBF, out_dir=tmp)
            rng = np.random.default_rng(1)
            n = 400
            plat, plon = rng.uniform(43.727, 43.748, n), rng.uniform(7.412, 7.436, n)
            pid = [f"p{i}" for i in range(n)]
            t0 = time.perf_counter()
            res = osrm_matrix(pid, plat, plon, pid, plat, plon, network=net, cutoff_minutes=60,
                              batch_size=200)  # fmt: skip
            dt = time.perf_counter() - t0
            print(f"OSRM table (Monaco): {n * n:,} pairs in {dt:.2f} s incl. server start/stop "
                  f"= {n * n / dt:,.0f} pairs/s; median snapping "
                  f"{res.snapping['snapping_m'].median():.0f} m")  # fmt: skip
    except OsrmError as exc:
        print(f"OSRM benchmark skipped: {exc}")


if __name__ == "__main__":
    main()
