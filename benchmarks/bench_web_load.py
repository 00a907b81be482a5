"""Load test on loopback: 50 clients for 60 s, a quarter of the requests uncached evaluations.

Starts ``proxisante serve`` in a subprocess (loopback, free port, a token, a fresh store),
waits for its warm-up (the needs layer built in a background thread at start: the server's
CPU back under 5 %), warms the caches and the evaluation workers, then runs N client threads, each sending
requests back to back for a bounded time:

* reads (75 % − saves): territory summaries, polygons, report pages, search, sites;
* evaluations (25 %): a scenario never evaluated before (an opening with an FTE value
  unique to the request, in a commune drawn from the Filieris areas), so every one is
  computed by the evaluation workers, not served from the cache;
* saves (2 %): a scenario saved under one of 5 shared names (concurrent saves of one name)
  or under a name of its own.

Prints, per kind, requests/s, p50/p95/p99 latency and errors (any answer other than the
expected status, or a failed connection), the server's peak resident memory, and checks
afterwards that every acknowledged save is in the store (names saved under their own
name all present, shared names present). Targets: 0 errors, read p95 < 300 ms,
evaluation p95 < 1 s.

Usage: ``python benchmarks/bench_web_load.py [--clients 50] [--seconds 60]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import numpy as np
import psutil
from live_server import tree_rss_mib, wait_until_idle

READS = [
    "/api/territory/62523",
    "/api/territory/epci:246200364",
    "/api/territory/circo:12-02",
    "/api/territory/circo:12-02/geojson",
    "/territoire/62523",
    "/api/search?q=loison",
    "/api/sites?territory=dep:62&operator=filieris",
    "/api/sites?territory=62523&within_minutes=20",
]
#: Communes of the Filieris areas where openings are drawn (Nord–Pas-de-Calais, Moselle,
#: Gard, Tarn, Aveyron).
COMMUNES = ["62523", "62065", "62498", "59392", "57227", "57240", "30037", "30007", "81060",
            "12202", "12145", "62510"]  # fmt: skip
SHARED_NAMES = [f"charge partagée {i}" for i in range(5)]


def evaluation_body(n: int, rng: np.random.Generator) -> dict:
    """An opening whose FTE (1.xxxxx) is unique to request ``n``: never in the cache."""
    fte = 1.0 + n / 100_000
    commune = COMMUNES[int(rng.integers(len(COMMUNES)))]
    return {"name": "charge", "edits": [{"kind": "open_site", "site": "n", "name": "n",
                                         "commune": commune, "fte": {"gp": fte}}]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--evaluation-share", type=float, default=0.25)
    parser.add_argument("--save-share", type=float, default=0.02)
    parser.add_argument("--eval-workers", type=int, default=None)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "load-test-token-0123456789"
    auth = {"Authorization": f"Bearer {token}"}
    tmp = tempfile.TemporaryDirectory()
    store = os.path.join(tmp.name, "load.duckdb")
    cmd = [sys.executable, "-m", "proxisante", "serve", "--port", str(port), "--store", store]
    if args.eval_workers is not None:
        cmd += ["--eval-workers", str(args.eval_workers)]
    proc = subprocess.Popen(cmd, env=dict(os.environ, PROXISANTE_TOKEN=token),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    server = psutil.Process(proc.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                httpx.get(base + "/api/search?q=lens", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        wait_until_idle(server)  # the server's warm-up (workers, model, needs layer)
        for url in READS:  # warm the caches
            httpx.get(base + url, timeout=120)
        warm = np.random.default_rng(0)
        for n in range(4):  # start the evaluation workers
            httpx.post(base + "/api/scenarios/evaluate", json=evaluation_body(n, warm),
                       headers=auth, timeout=120)  # fmt: skip
        rss0 = tree_rss_mib(server)
        results: dict[str, list[float]] = {"read": [], "evaluation": [], "save": []}
        errors = {k: 0 for k in results}
        first_error: dict[str, str] = {}
        saved_own: list[str] = []
        saved_shared: set[str] = set()
        counter = itertools.count(10)
        lock = threading.Lock()
        peak = [rss0]
        stop = time.time() + args.seconds

        def sample() -> None:
            while time.time() < stop:
                peak[0] = max(peak[0], tree_rss_mib(server))
                time.sleep(0.5)

        def client(seed: int) -> None:
            rng = np.random.default_rng(seed)
            with httpx.Client(base_url=base, timeout=60) as c:
                while time.time() < stop:
                    u = rng.random()
                    kind = ("save" if u < args.save_share else
                            "evaluation" if u < args.save_share + args.evaluation_share
                            else "read")  # fmt: skip
                    n = next(counter)
                    t0 = time.perf_counter()
                    name = None
                    try:
                        if kind == "read":
                            r = c.get(READS[rng.integers(len(READS))])
                            ok = r.status_code == 200
                        elif kind == "evaluation":
                            r = c.post("/api/scenarios/evaluate",
                                       json=evaluation_body(n, rng), headers=auth)  # fmt: skip
                            ok = r.status_code == 200
                        else:
                            shared = rng.random() < 0.5
                            name = (SHARED_NAMES[rng.integers(len(SHARED_NAMES))] if shared
                                    else f"charge {n}")  # fmt: skip
                            body = evaluation_body(n, rng) | {"name": name}
                            r = c.post("/api/scenarios", json=body, headers=auth)
                            ok = r.status_code == 201
                        detail = f"{r.status_code} {r.text[:120]}"
                    except httpx.HTTPError as exc:
                        ok, detail = False, repr(exc)
                    dt = time.perf_counter() - t0
                    with lock:
                        results[kind].append(dt)
                        if not ok:
                            errors[kind] += 1
                            first_error.setdefault(kind, detail)
                        elif name is not None:
                            (saved_shared.add if name in SHARED_NAMES else saved_own.append)(name)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        sampler = threading.Thread(target=sample, daemon=True)
        t0 = time.time()
        sampler.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        total = sum(len(v) for v in results.values())
        print(f"{args.clients} clients for {elapsed:.0f} s on loopback, {os.cpu_count()} cores; "
              f"{total / elapsed:.1f} req/s in all, errors {sum(errors.values())}/{total}")  # fmt: skip
        for kind, lat in results.items():
            if not lat:
                continue
            ms = np.array(lat) * 1000
            print(
                f"{kind:<10} {len(lat) / elapsed:7.1f} req/s  p50 {np.percentile(ms, 50):6.0f} ms"
                f"  p95 {np.percentile(ms, 95):6.0f} ms  p99 {np.percentile(ms, 99):6.0f} ms  "
                f"errors {errors[kind]}/{len(lat)}"
            )
        for kind, detail in first_error.items():
            print(f"first {kind} error: {detail}")
        stored = set(httpx.get(base + "/api/scenarios", headers=auth, timeout=60).json())
        missing = [n for n in [*saved_own, *saved_shared] if n not in stored]
        print(f"acknowledged saves: {len(saved_own)} own names + {len(saved_shared)} shared "
              f"names; missing from the store afterwards: {len(missing)}")  # fmt: skip
        print(f"server resident memory (with evaluation workers): {rss0:.0f} MiB after warm-up, "
              f"peak {peak[0]:.0f} MiB")  # fmt: skip
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()


if __name__ == "__main__":
    main()
