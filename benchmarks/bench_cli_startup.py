"""CLI start-up: wall time of `proxisante --help`, `--version` and `territory show` (target < 1 s).

Each command runs in a fresh interpreter (as a user's shell would), 5 times; the median and
best wall times are printed with the CPU time the command used (user + system, less sensitive
to other processes) and the machine's load average, since other processes slow start-up.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = [
    ["--help"],
    ["--version"],
    ["territory", "show", "62523"],
    ["territory", "show", "la bassee"],
    ["apl", "--territory", "62523", "--csv"],
]
RUNS = 5


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_seconds(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``proxisante ARGS``."""
    c0, t0 = _cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "proxisante", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    print(f"{'command':40} {'wall median':>11} {'wall best':>9} {'CPU median':>10}  target")
    for args in COMMANDS:
        runs = [run_seconds(args) for _ in range(RUNS)]
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        name = "proxisante " + " ".join(args)
        print(f"{name:40} {statistics.median(wall):10.2f}s {min(wall):8.2f}s "
              f"{statistics.median(cpu):9.2f}s  < 1 s")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
