"""Benchmark: importing national-size synthetic files in the official layouts.

FINESS etalab extract (~100,000 lines: 50,000 structureet + 50,000 geolocalisation) and an
Annuaire santé / RPPS extraction (~2,000,000 lines), generated with a fixed seed into a
temporary folder, imported into a fresh store. Prints rows/s and peak RSS.
Targets: RPPS import ≤ 60 s and ≤ 2 GiB.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from proxisante.offer.finess import STRUCTUREET_FIELDS
from proxisante.offer.importing import import_file
from proxisante.store import Store
from proxisante.territory import load_communes

RPPS_HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code profession|"
    "Libellé profession|Code savoir-faire|Libellé savoir-faire|Code mode exercice|"
    "Numéro FINESS site|Code commune (coord. structure)|"
)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_finess(path: Path, n: int, rng: np.random.Generator, communes: np.ndarray) -> None:
    metro = communes[~np.char.startswith(communes.astype(str), "97")]
    pick = rng.choice(metro, n)
    cats = rng.choice(["124", "354", "460", "500", "355"], n)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("finess;etalab;95;2024-01-10\n")
        empty = [""] * len(STRUCTUREET_FIELDS)
        for k in range(n):
            f = empty.copy()
            code = pick[k]
            dep = code[:2]
            f[0], f[1], f[2], f[3] = (
                "structureet",
                f"{dep}{k:07d}",
                f"{dep}{k + 1:07d}",
                f"SITE {k}",
            )
            f[12], f[13], f[18], f[30] = code[2:], dep, cats[k], "2024-01-10"
            fh.write(";".join(f) + "\n")
        xs = rng.uniform(300000, 900000, n)
        ys = rng.uniform(6300000, 7000000, n)
        for k in range(n):
            dep = pick[k][:2]
            fh.write(f"geolocalisation;{dep}{k:07d};{xs[k]:.1f};{ys[k]:.1f};1,ATLASANTE,100,IGN,"
                     "BD_ADRESSE,V2.2,LAMBERT_93;2024-01-10\n")  # fmt: skip


def write_rpps(path: Path, n: int, rng: np.random.Generator, communes: np.ndarray) -> None:
    pick = rng.choice(communes, n)
    prof = rng.choice(
        ["10", "60", "70", "40", "50", "21"], n, p=[0.3, 0.35, 0.15, 0.08, 0.04, 0.08]
    )
    skill = np.where(rng.random(n) < 0.5, "SM54", "SM26")
    mode = rng.choice(["L", "S"], n)
    pp = rng.integers(10**10, 10**11, n)
    rows = (
        "8|" + pp.astype(str).astype(object) + "|8" + pp.astype(str).astype(object) + "|"
        + prof.astype(object) + "||" + skill.astype(object) + "||" + mode.astype(object) + "||"
        + pick.astype(object) + "|\n"
    )  # fmt: skip
    with path.open("w", encoding="utf-8") as fh:
        fh.write(RPPS_HEADER + "\n")
        chunk = 200_000
        for i in range(0, n, chunk):
            fh.write("".join(rows[i : i + chunk]))


def main() -> None:
    rng = np.random.default_rng(7)
    communes = load_communes()["code_insee"].to_numpy(dtype=str)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        finess, rpps = tmp / "etalab-cs1100507-stock-bench.csv", tmp / "PS_LibreAcces_bench.txt"
        t0 = time.perf_counter()
        write_finess(finess, 50_000, rng, communes)
        write_rpps(rpps, 2_000_000, rng, communes)
        print(f"generated files in {time.perf_counter() - t0:.1f} s "
              f"(FINESS {finess.stat().st_size / 2**20:.0f} MiB, "
              f"RPPS {rpps.stat().st_size / 2**20:.0f} MiB)")  # fmt: skip
        with Store(tmp / "bench.duckdb") as st:
            for kind, path, lines in (("finess", finess, 100_000), ("rpps", rpps, 2_000_000)):
                t0 = time.perf_counter()
                rep = import_file(kind, path, store=st)
                dt = time.perf_counter() - t0
                print(f"{kind:<7} {lines:>10,} lines  {dt:6.1f} s  {lines / dt:>10,.0f} lines/s  "
                      f"stored {rep.rows_stored:,} rows  peak RSS {_rss_mib():,.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
