"""Server memory under oversized chunked request bodies (no Content-Length) and request heads.

Starts ``proxisante serve`` (loopback, a token, a fresh store), then for each route sends a
body of ``--gib`` GiB in 64 KiB chunks with ``Transfer-Encoding: chunked`` as fast as the
server accepts it, until the server answers. Prints, per route: the status, the bytes the
server let in before answering, the time, and the server's resident memory (sampled every
50 ms) before and at its peak. Target: memory bounded (peak − before well under the body
limit, whatever the size sent). Then the same for request heads that never end (one header
value, ever more header lines, a request line) of ``--gib`` GiB: 431 past 64 KiB.

Usage: ``python benchmarks/bench_web_body.py [--gib 1]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import psutil
from chunked_body import send_chunked, send_long_head
from live_server import tree_rss_mib, wait_until_idle

TOKEN = "body-bench-token-0123456789"
ROUTES = [
    ("/api/scenarios", True),
    ("/api/scenarios/evaluate", True),
    ("/api/offer/import/finess", True),
    ("/api/scenarios", False),
    ("/api/search?q=lens", False),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.TemporaryDirectory()
    cmd = [sys.executable, "-m", "proxisante", "serve", "--port", str(port), "--store",
           os.path.join(tmp.name, "s.duckdb")]  # fmt: skip
    proc = subprocess.Popen(cmd, env=dict(os.environ, PROXISANTE_TOKEN=TOKEN),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    server = psutil.Process(proc.pid)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/search?q=lens", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        httpx.get(f"http://127.0.0.1:{port}/territoire/62523", timeout=300)  # waits for needs
        wait_until_idle(server)  # the warm-up: workers, model, needs layer
        total = int(args.gib * 2**30)
        print(f"{args.gib:g} GiB sent chunked (no Content-Length) per route; body limit "
              "256 000 bytes (imports 200 000 000)")  # fmt: skip
        sends = [
            (f"{path:<28} token {'yes' if token else 'no ':<3}", path, token)
            for path, token in ROUTES
        ] + [
            (f"request head: {kind:<15}{'':<12}", kind, None) for kind in ("value", "lines", "url")
        ]
        for label, path, token in sends:
            before = tree_rss_mib(server)
            peak = [before]
            done = threading.Event()

            def sample(peak=peak, done=done) -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], tree_rss_mib(server))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample)
            sampler.start()
            headers = {"Content-Type": "application/json",
                       **({"Authorization": f"Bearer {TOKEN}"} if token else {})}  # fmt: skip
            if token is None:
                status, sent, seconds = send_long_head("127.0.0.1", port, total=total, kind=path)
            else:
                status, sent, seconds = send_chunked("127.0.0.1", port, path, total=total,
                                                     headers=headers)  # fmt: skip
            time.sleep(0.3)
            done.set()
            sampler.join()
            print(f"{label}  answer {status or 'none':<9} after "
                  f"{sent / 2**20:8.1f} MiB in {seconds:5.1f} s; server memory {before:6.0f} → "
                  f"peak {peak[0]:6.0f} MiB (+{peak[0] - before:.0f})")  # fmt: skip
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        tmp.cleanup()


if __name__ == "__main__":
    main()
