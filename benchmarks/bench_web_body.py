"""Server memory under oversized chunked request bodies (no Content-Length).

Starts ``proxisante serve`` (loopback, a token, a fresh store), then for each route sends a
body of ``--gib`` GiB in 64 KiB chunks with ``Transfer-Encoding: chunked`` as fast as the
server accepts it, until the server answers. Prints, per route: the status, the bytes the
server let in before answering, the time, and the server's resident memory (sampled every
50 ms) before and at its peak. Target: memory bounded (peak − before well under the body
limit, whatever the size sent).

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

TOKEN = "body-bench-token-0123456789"
ROUTES = [
    ("/api/scenarios", True),
    ("/api/scenarios/evaluate", True),
    ("/api/offer/import/finess", True),
    ("/api/scenarios", False),
    ("/api/search?q=lens", False),
]


def rss_mib(proc: psutil.Process) -> float:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def send_chunked(port: int, path: str, total: int, token: bool) -> tuple[str, int, float]:
    """Send up to ``total`` bytes chunked; stop when the server answers or stops reading."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/json\r\n"
            + (f"Authorization: Bearer {TOKEN}\r\n" if token else "") + "\r\n")  # fmt: skip
    sock.sendall(head.encode())
    chunk = b"10000\r\n" + b"x" * 65_536 + b"\r\n"
    sent, reply, t0 = 0, b"", time.perf_counter()
    sock.setblocking(False)
    stalled_since = None
    pending = b""  # a partial send must finish its chunk, or the chunked framing breaks
    while sent < total:
        try:
            reply += sock.recv(65_536)
            if reply:
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            pending = pending or chunk
            n = sock.send(pending)
            sent, pending = sent + n, pending[n:]
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.perf_counter()
            if time.perf_counter() - stalled_since > 20:
                break  # the server stopped reading and did not answer
            time.sleep(0.005)
        except OSError:
            break
    sock.settimeout(20)
    try:
        while b"\r\n" not in reply:
            data = sock.recv(65_536)
            if not data:
                break
            reply += data
    except OSError:
        pass
    sock.close()
    status = reply.split(b" ", 2)[1].decode() if reply.count(b" ") >= 2 else "no answer"
    return status, sent, time.perf_counter() - t0


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
        time.sleep(5)  # let the evaluation workers finish starting
        total = int(args.gib * 2**30)
        print(f"{args.gib:g} GiB sent chunked (no Content-Length) per route; body limit "
              "256 000 bytes (imports 200 000 000)")  # fmt: skip
        for path, token in ROUTES:
            before = rss_mib(server)
            peak = [before]
            done = threading.Event()

            def sample(peak=peak, done=done) -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mib(server))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample)
            sampler.start()
            status, sent, seconds = send_chunked(port, path, total, token)
            time.sleep(0.3)
            done.set()
            sampler.join()
            print(f"{path:<28} token {'yes' if token else 'no ':<3}  answer {status:<9} after "
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
