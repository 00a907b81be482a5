#!/usr/bin/env python
"""Build the bundled mining basin of the Nord-Pas-de-Calais: its communes and its contour.

Reads, from the project's shared open-data folder (``SOURCE.txt`` §5d):

- ``bassin_minier_npdc_communes.csv``: the 330 communes of the Mission Bassin Minier
  perimeter (INSEE code, name, status, EPCI);
- ``bassin_minier_npdc_contour.geojson.gz``: the perimeter's contour (one polygon).

Writes ``src/proxisante/data/bassin_minier_npdc_communes.csv`` (code, name, status: the
columns the package uses) and ``bassin_minier_npdc_contour.geojson.gz`` (the contour, its
coordinates rounded to 1e-5°, ≈ 1 m), checks that every code is a commune of the bundled
table, and records both files (inputs and outputs, SHA-256, row count) in
``manifest.json``. The package never reads the shared folder.

Usage: ``python scripts/build_mining_basin.py [--shared ../shared/data]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "proxisante" / "data"
COMMUNES = "bassin_minier_npdc_communes.csv"
CONTOUR = "bassin_minier_npdc_contour.geojson.gz"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rounded(value):
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def write(shared: Path) -> None:
    """Write both files from the shared folder ``shared`` and record them in the manifest."""
    rows = pd.read_csv(shared / COMMUNES, dtype=str, keep_default_na=False)
    known = set(pd.read_parquet(OUT / "communes.parquet", columns=["code_insee"])["code_insee"])
    missing = sorted(set(rows["code_insee"]) - known)
    if missing or rows["code_insee"].duplicated().any():
        raise SystemExit(f"codes absent from communes.parquet or repeated: {missing[:5]}")
    out = rows[["code_insee", "nom", "statut"]].sort_values("code_insee")
    out.to_csv(OUT / COMMUNES, index=False, lineterminator="\n")
    contour = json.loads(gzip.decompress((shared / CONTOUR).read_bytes()))
    for feature in contour["features"]:
        feature["geometry"]["coordinates"] = _rounded(feature["geometry"]["coordinates"])
    text = json.dumps(contour, ensure_ascii=False, separators=(",", ":"))
    (OUT / CONTOUR).write_bytes(gzip.compress(text.encode(), mtime=0))
    manifest_path = OUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for name in (COMMUNES, CONTOUR):
        manifest["inputs"][name] = _sha256(shared / name)
        manifest["outputs"][name] = _sha256(OUT / name)
    manifest["counts"][COMMUNES] = len(out)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(out)} communes, contour of {len(contour['features'])} polygon(s) written")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    write(parser.parse_args().shared)


if __name__ == "__main__":
    main()
