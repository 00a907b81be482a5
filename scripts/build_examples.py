"""Build the sample input files of ``examples/`` (used by the README and its test).

Run ``python scripts/build_examples.py --shared ../shared/data``. Every file is derived from
open data with the method written in ``examples/README.md``:

- ``supply_gp_bpe2017_hdf.csv``: libéral GPs per commune of Hauts-de-France, INSEE BPE 2017
  (D201), headcounts read as FTE (bundled table :func:`proxisante.offer.load_bpe2017_gp_counts`);
- ``nurses_cartosante_2024_hdf.csv``: libéral nurses per commune of Hauts-de-France,
  **estimated**: the 2024 density of the commune's bassin de vie (CartoSanté, per 10,000
  inhabitants) × the commune's 2021 population;
- ``projection_lens_2030.csv``: population 2030 of the communes of the CA de Lens-Liévin,
  **estimated** by extending each commune's mean yearly change 2015-2021 (INSEE) to 2030.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from proxisante.offer import load_bpe2017_gp_counts
from proxisante.territory import load_bassin_vie_indicators, load_communes, load_membership

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples"
REGION = "32"  # Hauts-de-France
LENS_EPCI = "246200364"  # CA de Lens-Liévin
PROJECTION_YEAR = 2030


def build_gp_supply() -> pd.DataFrame:
    communes = load_communes()
    hdf = set(communes.loc[communes["region"] == REGION, "code_insee"])
    bpe = load_bpe2017_gp_counts()
    bpe = bpe[bpe["in_current_geography"] & bpe["code_insee"].isin(hdf)]
    out = pd.DataFrame({"commune": bpe["code_insee"], "fte": bpe["gp_liberal_count_2017"],
                        "profession": "gp"})  # fmt: skip
    return out.sort_values("commune").reset_index(drop=True)


def build_nurses() -> pd.DataFrame:
    communes = load_communes()
    communes = communes[(communes["region"] == REGION) & communes["population"].notna()]
    bv = load_membership()[["code_insee_current", "bassin_vie_2012"]].drop_duplicates(
        "code_insee_current"
    )
    density = load_bassin_vie_indicators().set_index("bassin_vie_2022")[
        "nurse_density_liberal_2024_per_10k"
    ]
    df = communes[["code_insee", "population"]].merge(
        bv, left_on="code_insee", right_on="code_insee_current", how="inner"
    )
    df["density"] = df["bassin_vie_2012"].map(density)
    df = df[df["density"].notna()]
    fte = (df["density"] * df["population"] / 10_000).round(1)
    out = pd.DataFrame({"commune": df["code_insee"], "fte": fte, "profession": "nurse"})
    return out[out["fte"] > 0].sort_values("commune").reset_index(drop=True)


def build_projection(shared: Path) -> pd.DataFrame:
    comp = pd.read_csv(shared / "insee_comparateur_communes.csv.gz", dtype={"code_insee": str},
                       usecols=["code_insee", "population_2021", "population_2015"])  # fmt: skip
    communes = load_communes()
    lens = communes.loc[communes["epci_siren"] == LENS_EPCI, "code_insee"]
    df = comp[comp["code_insee"].isin(lens)].dropna()
    rate = (df["population_2021"] / df["population_2015"]) ** (1 / 6)
    projected = (df["population_2021"] * rate ** (PROJECTION_YEAR - 2021)).round()
    return pd.DataFrame({"code": df["code_insee"], "annee": PROJECTION_YEAR,
                         "population": projected.astype(int)}).sort_values("code")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    build_gp_supply().to_csv(OUT / "supply_gp_bpe2017_hdf.csv", index=False)
    build_nurses().to_csv(OUT / "nurses_cartosante_2024_hdf.csv", index=False)
    build_projection(args.shared).to_csv(OUT / "projection_lens_2030.csv", index=False, sep=";")
    for f in sorted(OUT.glob("*.csv")):
        print(f"{f.name}: {sum(1 for _ in f.open()) - 1} rows")


if __name__ == "__main__":
    main()
