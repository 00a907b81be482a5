"""Load test on loopback: 50 concurrent clients for 60 s on territory and scenario endpoints.

Starts ``proxisante serve`` in a subprocess (loopback, free port, a token), warms the caches,
then runs N client threads for a bounded time. Prints requests/s, p50/p95/p99 latency and
errors for read pages and for scenario evaluations. Target: 0 errors, p95 < 300 ms on reads.
Usage: ``python benchmarks/bench_web_load.py [--clients 50] [--seconds 60]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import numpy as np

READS = [
    "/api/territory/62523",
    "/api/territory/epci:246200364",
    "/api/territory/circo:12-02",
    "/api/territory/circo:12-02/geojson",
    "/territoire/62523",
    "/api/search?q=loison",
    "/api/sites?territory=dep:62&operator=filieris",
]
SITES = [
    "filieris-centre-de-sante-de-carmaux",
    "filieris-centre-de-besseges",
    "filieris-centre-de-sante-d-albi",
    "filieris-centre-de-sante-de-forbach",
    "filieris-centre-de-sante-de-la-republique-avion",
    "filieris-saint-ambroix",
]


def scenario(rng: np.random.Generator) -> dict:
    """A closure of one or two Filieris centres, or an opening with a random FTE (often new)."""
    if rng.random() < 0.5:
        sites = list(rng.choice(SITES, size=int(rng.integers(1, 3)), replace=False))
        return {"name": "charge", "edits": [{"kind": "close_sites", "sites": sites}]}
    fte = float(rng.integers(1, 40)) / 2
    return {
        "name": "charge",
        "edits": [
            {"kind": "open_site", "site": "n", "name": "n", "commune": "62523", "fte": {"gp": fte}}
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--scenario-share",
        type=float,
        default=0.1,
        help="share of requests that evaluate a scenario (POST, token)",
    )
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "load-test-token"
    env = dict(os.environ, PROXISANTE_TOKEN=token)
    proc = subprocess.Popen(
        [sys.executable, "-m", "proxisante", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                httpx.get(base + "/api/search?q=lens", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        for url in READS:  # warm the caches
            httpx.get(base + url, timeout=60)
        httpx.post(
            base + "/api/scenarios/evaluate",
            json=scenario(np.random.default_rng(0)),
            timeout=60,
            headers={"Authorization": f"Bearer {token}"},
        )
        results: dict[str, list[float]] = {"read": [], "scenario": []}
        errors = {"read": 0, "scenario": 0}
        lock = threading.Lock()
        stop = time.time() + args.seconds

        def client(seed: int) -> None:
            rng = np.random.default_rng(seed)
            with httpx.Client(base_url=base, timeout=30) as c:
                while time.time() < stop:
                    kind = "scenario" if rng.random() < args.scenario_share else "read"
                    t0 = time.perf_counter()
                    try:
                        if kind == "read":
                            r = c.get(READS[rng.integers(len(READS))])
                        else:
                            r = c.post(
                                "/api/scenarios/evaluate",
                                json=scenario(rng),
                                headers={"Authorization": f"Bearer {token}"},
                            )
                        ok = r.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    dt = time.perf_counter() - t0
                    with lock:
                        results[kind].append(dt)
                        errors[kind] += 0 if ok else 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        print(f"{args.clients} clients for {elapsed:.0f} s on loopback")
        for kind, lat in results.items():
            if not lat:
                continue
            ms = np.array(lat) * 1000
            print(
                f"{kind:<9} {len(lat) / elapsed:7.1f} req/s  p50 {np.percentile(ms, 50):6.0f} ms  "
                f"p95 {np.percentile(ms, 95):6.0f} ms  p99 {np.percentile(ms, 99):6.0f} ms  "
                f"errors {errors[kind]}/{len(lat)}"
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
